import cliProgress from 'cli-progress';

/** A progress bar on a terminal (rows/s, ETA); plain periodic lines otherwise (CI logs). */
export function createProgress(label: string, unit = 'rows') {
  const tty = Boolean(process.stderr.isTTY);
  const started = Date.now();
  let lastLog = 0;
  const bar = tty
    ? new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {rows} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic)
    : null;
  let begun = false;
  return {
    update(done: number, total: number | null, rows: number) {
      const rate = Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
      if (bar) {
        if (!begun) {
          bar.start(total ?? 1, 0, { rows: 0, rate: 0 });
          begun = true;
        }
        if (total) bar.setTotal(total);
        bar.update(done, { rows, rate });
      } else if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        const pct = total ? ` ${Math.round((done / total) * 100)}%` : '';
        process.stderr.write(`${label}:${pct} ${rows} ${unit}, ${rate} ${unit}/s\n`);
      }
    },
    stop() {
      if (bar && begun) bar.stop();
    },
  };
}
