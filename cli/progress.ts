/** A progress reporter. `update` takes the absolute amount done (bytes, frames …). */
export interface Progress {
  update(done: number, detail?: string): void;
  done(detail?: string): void;
}

export const silentProgress: Progress = { update: () => undefined, done: () => undefined };

/**
 * A one-line bar redrawn on stderr at most 10 times a second. Only used on a TTY and outside CI, so logs
 * stay clean.
 */
export function terminalProgress(
  write: (text: string) => void,
  label: string,
  total: number | undefined,
  now: () => number = () => performance.now(),
): Progress {
  const width = 28;
  const started = now();
  let last = 0;
  const draw = (done: number, detail = '', final = false): void => {
    const elapsed = (now() - started) / 1000;
    let bar = '';
    if (total && total > 0) {
      const share = Math.min(1, done / total);
      const filled = Math.round(share * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% `;
    }
    const line = `${label} ${bar}${detail} ${elapsed.toFixed(1)}s`;
    write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
  };
  return {
    update(done, detail) {
      const t = now();
      if (t - last < 100) return;
      last = t;
      draw(done, detail);
    },
    done(detail) {
      draw(total ?? 0, detail, true);
    },
  };
}
