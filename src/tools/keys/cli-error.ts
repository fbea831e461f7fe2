export { CliError } from '../cli/errors.js';
