/**
 * Ctrl-C routing. While something waits for an interrupt (a SUBSCRIBE or MONITOR stream), Ctrl-C
 * ends that wait; otherwise it takes the default action (quit, or clear the typed line).
 */
export interface PendingInterrupt {
  promise: Promise<void>;
  cancel(): void;
}

export class Interrupts {
  private waiters = new Set<() => void>();

  /** What Ctrl-C does when nothing waits for it; the REPL replaces it while it runs. */
  constructor(public otherwise: () => void) {}

  /** A promise for the next Ctrl-C; cancel() when no longer waiting. */
  next(): PendingInterrupt {
    let resolver!: () => void;
    const promise = new Promise<void>((resolve) => { resolver = resolve; });
    this.waiters.add(resolver);
    return { promise, cancel: () => { this.waiters.delete(resolver); } };
  }

  trigger(): void {
    if (this.waiters.size === 0) {
      this.otherwise();
      return;
    }
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) resolve();
  }
}
