/**
 * The progress bar shown on a terminal while a test runs (stderr, so that --csv/--json output on
 * stdout stays clean). It polls the shared reply counter a few times a second: the load loop
 * itself never touches the display.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface ProgressDisplay {
  begin(title: string, total: number, completed: () => number): void;
  end(): void;
}

const POLL_MS = 200;

export class TerminalProgress implements ProgressDisplay {
  private bar: SingleBar | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  begin(title: string, total: number, completed: () => number): void {
    const bar = new SingleBar(
      {
        format: '{title} {bar} {percentage}% | {value}/{total} | {rate} ops/s',
        stream: this.stream,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(total, 0, { title, rate: '-' });
    this.timer = setInterval(() => {
      const done = completed();
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '-' });
    }, POLL_MS);
    this.bar = bar;
  }

  end(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.bar?.stop();
    this.bar = null;
  }
}
