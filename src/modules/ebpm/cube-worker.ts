/**
 * Worker-thread entry of a large EBPM cube (see application-cube.ts): builds the protected cube
 * from the encoded cells in workerData, reports `built` (or `failed`), then answers
 * `publishedTable` queries until terminated. Building a cube of a million cells takes seconds; here
 * it does not block the server's event loop.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { decodeCells, type CubeWorkerData, type CubeWorkerQuery, type CubeWorkerReply } from './cube-cells.js';
import { protectCountCube, type ProtectedCountCube } from './disclosure-control.js';

function reply(message: CubeWorkerReply): void {
  parentPort!.postMessage(message);
}

if (parentPort) {
  const data = workerData as CubeWorkerData;
  let cube: ProtectedCountCube<string> | undefined;
  try {
    cube = protectCountCube(data.dimensions, decodeCells(data.encoded), data.options);
    reply({ type: 'built', summary: cube.summary() });
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  parentPort.on('message', (query: CubeWorkerQuery) => {
    if (!cube) return;
    try {
      reply({ type: 'answer', id: query.id, cells: cube.publishedTable(query.groupBy, query.filter) });
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      reply({ type: 'error', id: query.id, name, message });
    }
  });
}
