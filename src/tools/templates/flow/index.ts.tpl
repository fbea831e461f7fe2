// The __name__ flow's public entry: src/flows/index.ts lists its module from here, and another flow may
// import only what this file exports (a service it declares as its dependency), never the folder's other files.
export { __Name__FlowModule } from './__name__.module.js';
