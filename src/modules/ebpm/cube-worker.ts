/**
 * Worker-thread entry of a large EBPM cube (see application-cube.ts): reads the cells (from
 * PostgreSQL on its own connection, or from workerData), builds the protected cube, reports `built` (or `failed`), then answers
 * `publishedTable` queries until terminated. Building a cube of a million cells takes seconds; here
 * it does not block the server's event loop.
 */

import { parentPort, workerData } from 'node:worker_threads';
import postgres from 'postgres';
import { CELL_COLUMNS_SQL, cellColumnsFromRow, cellsFromColumns, type CellColumns, type CubeWorkerData, type CubeWorkerQuery, type CubeWorkerReply } from './cube-cells.js';
import { protectCountCube, type ProtectedCountCube } from './disclosure-control.js';

function reply(message: CubeWorkerReply): void {
  parentPort!.postMessage(message);
}

/** The cells handed over, or read here from PostgreSQL on a connection of this worker. */
async function cellColumns(source: CubeWorkerData['source']): Promise<CellColumns> {
  if ('columns' in source) return source.columns;
  const sql = postgres(source.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe(CELL_COLUMNS_SQL);
    return cellColumnsFromRow(row as Record<string, unknown>);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (parentPort) {
  const data = workerData as CubeWorkerData;
  let cube: ProtectedCountCube<string> | undefined;
  try {
    cube = protectCountCube(data.dimensions, cellsFromColumns(await cellColumns(data.source)), data.options);
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
