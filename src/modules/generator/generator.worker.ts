/**
 * Worker thread of `sdp generate` on PostgreSQL: builds chunks (generation and COPY text) while the main thread
 * streams the previous chunk to the database, so the two overlap on two cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MeasureCatalogue } from '../measure/catalogue.js';
import { createGeneratorModel, type GeneratorParams } from './generator-model.js';
import { buildChunk, type ChunkRequest } from './generator-rows.js';

/** What the main thread hands the worker once. */
export interface GeneratorWorkerData {
  params: GeneratorParams;
  catalogue: MeasureCatalogue;
  sourceRef: string;
}

const data = workerData as GeneratorWorkerData;
const model = createGeneratorModel(data.params, data.catalogue);

parentPort!.on('message', (request: ChunkRequest) => {
  try {
    parentPort!.postMessage(buildChunk(model, request, data.sourceRef));
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
