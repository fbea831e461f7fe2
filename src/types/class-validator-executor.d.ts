// class-validator ships its executor's types apart from its CommonJS files (types/ vs cjs/).
declare module 'class-validator/cjs/validation/ValidationExecutor.js' {
  export { ValidationExecutor } from 'class-validator/types/validation/ValidationExecutor.js';
}
