/**
 * Worker thread of `sdp recommend --all` on PostgreSQL: processes the chunks the coordinator hands it (read, evaluate,
 * write, each chunk in its own transaction), so evaluation runs on both cores while PostgreSQL reads and writes.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/client.js';
import { openChunkConnection, factKeysFor, loadReasonDictionary, processChunk } from './batch-chunk.js';
import { loadedCatalogue } from './catalogue-cache.js';
import type { AdoptionCount } from './engine.js';

/** What the coordinator hands a worker once. */
export interface BatchWorkerData {
  url: string;
  runId: number;
  nowMs: number;
  /** the catalogue hash the run was planned with: a worker seeing another catalogue refuses to write */
  catalogueHash: string;
  adoption: Array<[string, AdoptionCount]>;
}

/** A chunk to process: an id range, and for an incremental run the listed ids within it. */
export interface BatchWorkerRequest {
  first: number;
  last: number;
  ids: number[] | null;
}

const data = workerData as BatchWorkerData;
const ready = (async () => {
  const database = await openDatabase({ databaseUrl: data.url, dataDir: '.', purpose: 'sdp recommend worker', poolSize: 6 });
  const connection = await openChunkConnection(data.url);
  const loaded = await loadedCatalogue(database, { fresh: true });
  if (loaded.prepared.hash !== data.catalogueHash) throw new Error('the catalogue changed while the run started: rerun `sdp recommend --all`');
  const dictionary = await loadReasonDictionary(database);
  return { database, connection, prepared: loaded.prepared, dictionary, factKeys: factKeysFor(loaded.prepared), adoption: new Map(data.adoption) };
})();
ready.catch(() => {});

parentPort!.on('message', (message: BatchWorkerRequest | 'close') => {
  void (async () => {
    try {
      const state = await ready;
      if (message === 'close') {
        await state.connection.close();
        await state.database.close();
        parentPort!.postMessage({ closed: true });
        return;
      }
      const report = await processChunk(state.database, state.connection, state.dictionary, state.prepared, state.adoption, state.factKeys, data.runId, new Date(data.nowMs), message);
      parentPort!.postMessage({ report });
    } catch (error) {
      parentPort!.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  })();
});
