import type { Command } from 'commander';
import { importGbizinfoFile } from '../modules/importers/gbizinfo/gbizinfo-import.js';
import { withDatabase } from './database.js';
import { createProgress } from './progress.js';

/**
 * `sdp import gbizinfo FILE...`: gBizINFO REST responses (v1 and v2) → companies, facts (GBIZINFO), financials,
 * certifications and support received. Idempotent; exits with 1 when a file was rejected whole.
 */
export function registerGbizinfoImport(importCmd: Command): void {
  importCmd
    .command('gbizinfo')
    .description('gBizINFO REST responses (v1 and v2 JSON: basic info, search, updateInfo pages, per-category responses); idempotent')
    .argument('<files...>', 'JSON files to import, applied in the order given')
    .option('--rejects-dir <dir>', 'where rejected records are listed', 'rejects')
    .action(async (files: string[], opts: { rejectsDir: string }) => {
      await withDatabase('sdp import gbizinfo', async (database) => {
        let failed = 0;
        const total = { documents: 0, created: 0, facts: 0, financials: 0, certifications: 0, support: 0, rejected: 0 };
        for (const [i, file] of files.entries()) {
          const progress = createProgress(`gbizinfo ${i + 1}/${files.length}`, 'companies');
          const s = await importGbizinfoFile(database, file, { rejectsDir: opts.rejectsDir, onProgress: (done, all) => progress.update(done, all, done) });
          progress.stop();
          if (!s.ok) {
            failed += 1;
            console.log(`${file}: rejected — ${s.errors.join('; ')}`);
            continue;
          }
          total.documents += s.documents;
          total.created += s.companiesCreated;
          total.facts += s.factsWritten;
          total.financials += s.financialsRowsWritten;
          total.certifications += s.certificationsAdded;
          total.support += s.supportRecordsAdded;
          total.rejected += s.rejected;
          const notStored = Object.entries(s.notStored).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
          console.log(
            `${file}: ${s.documents} companies in ${s.seconds.toFixed(1)} s — new ${s.companiesCreated}, facts ${s.factsWritten} (unchanged ${s.factsUnchanged}), ` +
              `financial years ${s.financialYears} (rows written ${s.financialsRowsWritten}, owner's kept ${s.financialsOwnerKept}), ` +
              `certifications +${s.certificationsAdded}, support received +${s.supportRecordsAdded}, recomputed ${s.companiesRecomputed}, ` +
              `warnings ${s.warnings.length}, rejected ${s.rejected}${s.rejectsFile ? ` (see ${s.rejectsFile})` : ''}` +
              (notStored.length ? `; not stored: ${notStored.join(', ')}` : ''),
          );
          for (const r of s.rejects.slice(0, 10)) console.log(`  rejected ${r.ref}: ${r.reason}`);
          if (s.rejects.length > 10) console.log(`  … ${s.rejects.length - 10} more rejects in ${s.rejectsFile ?? 'the summary'}`);
        }
        console.log(
          `total: ${files.length} file(s), ${total.documents} companies — new ${total.created}, facts ${total.facts}, financial rows ${total.financials}, ` +
            `certifications +${total.certifications}, support received +${total.support}, rejected records ${total.rejected}, rejected files ${failed}`,
        );
        if (failed > 0) process.exitCode = 1;
      });
    });
}
