// The cache for the modules above it: a read-through cache over Redis (or memory) with invalidation.
export { ReadThroughCache } from './read-through-cache.js';
