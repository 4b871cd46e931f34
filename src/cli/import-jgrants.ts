import type { Command } from 'commander';
import { importJgrantsFiles } from '../modules/importers/jgrants/jgrants-import.js';
import { withDatabase } from './database.js';
import { createProgress } from './progress.js';

/** `sdp import jgrants FILE...`: Jグランツ JSON files (list items, detail objects, API envelopes) → support measures. */
export function registerJgrantsImport(importCmd: Command): void {
  importCmd
    .command('jgrants')
    .description('Jグランツ subsidies: list items, detail result objects and {metadata, result} API envelopes (JSON); idempotent by Jグランツ id')
    .argument('<files...>', 'JSON files to import')
    .action(async (files: string[]) => {
      await withDatabase('sdp import jgrants', async (database) => {
        const progress = createProgress('jgrants', 'measures');
        const summary = await importJgrantsFiles(database, files, {
          onProgress: (p) => {
            if (p.stage === 'write') progress.update(p.done, p.total, p.done);
          },
        });
        progress.stop();
        console.log(
          `${summary.files} file(s): ${summary.measures} measures with ${summary.windows} windows in ${summary.seconds.toFixed(1)} s — ` +
            `new ${summary.new}, changed ${summary.changed}, unchanged ${summary.unchanged}` +
            (summary.keptDetail > 0 ? ` (${summary.keptDetail} list items kept their stored detail)` : '') +
            `, rejected ${summary.rejected}`,
        );
        for (const reject of summary.rejects) {
          console.log(`  rejected ${reject.file} ${reject.path}${reject.jgrantsId ? ` (${reject.jgrantsId})` : ''}: ${reject.reason}`);
        }
        const unmapped = Object.entries(summary.unmapped).flatMap(([kind, counts]) => Object.entries(counts).map(([value, n]) => `${kind} "${value}" ×${n}`));
        if (unmapped.length > 0) console.log(`  not mapped to codes: ${unmapped.join(', ')}`);
        console.log('  source: Jグランツ (デジタル庁)');
      });
    });
}
