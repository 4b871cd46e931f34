import { join } from 'node:path';
import type { Command } from 'commander';
import { importNtaFile } from '../modules/importers/nta/nta-import.js';
import { withDatabase } from './database.js';
import { registerGbizinfoImport } from './import-gbizinfo.js';
import { registerJgrantsImport } from './import-jgrants.js';
import { createProgress } from './progress.js';

/** `sdp import <source> FILE...` */
export function registerImportCommands(program: Command): void {
  const importCmd = program.command('import').description('import data from the public sources');
  registerJgrantsImport(importCmd);

  importCmd
    .command('nta')
    .description('NTA 法人番号 files: bulk (全件) and diff (差分) CSV in Shift_JIS or UTF-8, zipped or plain, and Web-API v4 CSV/XML responses')
    .argument('<files...>', 'files to import, applied in the order given')
    .option('--rejects-dir <dir>', 'where malformed rows are written', 'rejects')
    .action(async (files: string[], opts: { rejectsDir: string }) => {
      await withDatabase('sdp import nta', async (database) => {
        for (const file of files) {
          const progress = createProgress(`nta ${file}`);
          const summary = await importNtaFile(database, file, {
            rejectsDir: opts.rejectsDir,
            onProgress: (p) => progress.update(p.bytesRead, p.totalBytes, p.rows),
          });
          progress.stop();
          const resumed = summary.resumedFrom ? ` (resumed after row ${summary.resumedFrom})` : '';
          console.log(
            `${file}: ${summary.rows} rows${resumed} in ${summary.seconds.toFixed(1)} s — new ${summary.new}, changed ${summary.changed}, ` +
              `closed ${summary.closed}, unchanged ${summary.unchanged}, rejected ${summary.rejected}` +
              (summary.rejectsFile ? ` (see ${join(summary.rejectsFile)})` : ''),
          );
        }
      });
    });

  registerGbizinfoImport(importCmd);
}
