/**
 * Redis 7.0's busy state: a script (EVAL*, FCALL*) that has run longer than busy-reply-threshold.
 *
 * Scripts run in the engine on a native stack of their own. Past the threshold the engine suspends
 * the script (wherever it is) unanswered (StopReason.ScriptBusy) and the server turns busy: from then on the script runs in
 * slices of SLICE_MS, one per event-loop turn, so that between slices connections are accepted and
 * clients are read. Meanwhile only commands flagged allow_busy run (SCRIPT KILL, FUNCTION KILL,
 * FUNCTION STATS, SHUTDOWN NOSAVE, MULTI/DISCARD/WATCH/UNWATCH, AUTH, HELLO, QUIT, RESET); every
 * other command is answered BUSY (Client.refusedWhileBusy), and the cron waits, as Redis runs no
 * timers then. The caller's own later commands wait until its script ends.
 */
import type { Client } from './client';

/** How long the script runs between two turns of the event loop while the server is busy. */
const SLICE_MS = 10;

const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

export class BusyScript {
  private caller: Client | null = null;
  private isFunction = false;

  /** True while a script runs past the threshold. */
  get active(): boolean {
    return this.caller !== null;
  }

  /** The reply to a command that may not run now (Redis's slowevalerr / slowscripterr). */
  get error(): string {
    return this.isFunction ? BUSY_FUNCTION : BUSY_EVAL;
  }

  /** `caller`'s script was suspended by the engine: run it on in slices until it ends. */
  begin(caller: Client, isFunction: boolean): void {
    this.caller = caller;
    this.isFunction = isFunction;
    // Redis's warning, with the way out.
    caller.server.log.warn(
      { client: caller.id, addr: caller.addr },
      `Slow script detected: still in execution after busy-reply-threshold. You can try killing the script using the ${isFunction ? 'FUNCTION' : 'SCRIPT'} KILL command.`,
    );
    this.next();
  }

  private next(): void {
    setImmediate(() => {
      const caller = this.caller;
      if (caller === null) return;
      if (caller.continueScript(SLICE_MS)) return this.next();
      // Not busy any more before the caller goes on (its next command may be another script).
      this.caller = null;
      caller.afterScript();
    });
  }
}
