import { parentPort, workerData } from 'node:worker_threads';
import { floodRequests } from './flood.js';
import { cyclingPool, runLoad } from './load.js';

/** Runs one flood load (see unsignedFlood) and posts its LoadResult back. */
const { url, kind, concurrency, seconds } = workerData as { url: string; kind: 'unsigned' | 'mis-signed'; concurrency: number; seconds: number };
parentPort!.postMessage(await runLoad(url, cyclingPool(floodRequests(kind)), concurrency, seconds));
