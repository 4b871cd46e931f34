import type { Command } from 'commander';
import { runRecommendationBatch, DEFAULT_CHUNK_SIZE } from '../modules/recommendation/batch.js';
import { withDatabase } from './database.js';
import { createProgress } from './progress.js';

/**
 * `sdp recommend --all`: the push-type batch. The first Ctrl-C stops after the current chunk (the run resumes on
 * the next invocation); a second one exits at once (the open chunk's transaction is rolled back, so nothing is
 * written twice either way).
 */
export function registerRecommendCommands(program: Command): void {
  program
    .command('recommend')
    .description('compute and store recommendations for every company (push-type); reruns only recompute what changed')
    .option('--all', 'every company (required: the batch always covers the whole registry)')
    .option('--full', 'recompute every company even when nothing changed since the last run')
    .option('--chunk-size <n>', `companies per transaction (default ${DEFAULT_CHUNK_SIZE})`, (value) => Number(value))
    .option('--workers <n>', 'worker threads evaluating chunks on PostgreSQL (default: one per CPU, at most 4; 1 = in this thread)', (value) => Number(value))
    .action(async (options: { all?: boolean; full?: boolean; chunkSize?: number; workers?: number }) => {
      if (!options.all) throw new Error('give --all (recommendations for one company are served by the GraphQL query `recommendations`)');
      await withDatabase('sdp recommend', async (database) => {
        const controller = new AbortController();
        let interrupts = 0;
        const onSignal = () => {
          interrupts += 1;
          if (interrupts > 1) process.exit(130);
          process.stderr.write('\nstopping after the current chunk (Ctrl-C again to quit now)…\n');
          controller.abort();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const bar = createProgress('recommend', 'companies');
        let stopped = false;
        const progress = { update: bar.update, stop: () => { if (!stopped) bar.stop(); stopped = true; } };
        try {
          const summary = await runRecommendationBatch(database, {
            full: options.full,
            chunkSize: options.chunkSize,
            workers: options.workers,
            signal: controller.signal,
            onProgress: (p) => progress.update(p.companiesDone, p.companiesTotal, p.companiesDone),
          });
          progress.stop();
          const seconds = (summary.elapsedMs / 1000).toFixed(1);
          console.log(`run ${summary.runId} ${summary.status} (${summary.mode}${summary.resumed ? ', resumed' : ''}): ${summary.companiesProcessed} of ${summary.companiesTotal} companies in ${seconds}s`);
          console.log(`  recommendations: ${summary.recommendationsNew} new, ${summary.recommendationsChanged} changed, ${summary.recommendationsDropped} dropped`);
          if (summary.changedMeasures.length > 0) {
            const shown = summary.changedMeasures.slice(0, 10).join(', ');
            console.log(`  measures changed since the last run: ${summary.changedMeasures.length} (${shown}${summary.changedMeasures.length > 10 ? ', …' : ''})`);
          }
          if (summary.status === 'INTERRUPTED') console.log('  interrupted: run `sdp recommend --all` again to resume');
        } finally {
          progress.stop();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
    });
}
