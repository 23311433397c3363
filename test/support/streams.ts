/**
 * Differential checks of whole connection streams, for features where a command on one
 * connection makes bytes arrive on others (pub/sub, keyspace notifications, invalidations):
 * n connections per server, each step sends one command (or a pipeline of several, in one write) on
 * one of them, then every connection's bytes received since the previous step are compared between
 * redis-server and RustyPotato.
 */
import type { Cmd } from './diff';
import type { Connection } from './connection';
import { encodeCommand, escapeBytes, formatCommand } from './resp';
import { reportError } from './harness';
import { sleep, type ServerPair } from './servers';

/** [connection index, command or pipeline], or a pause in ms. */
export type StreamStep = [number, Cmd | Cmd[]] | number;

const isPipeline = (cmd: Cmd | Cmd[]): cmd is Cmd[] => Array.isArray(cmd[0]);

/** How long a connection must stay quiet before its bytes for a step are taken. */
const QUIET_MS = 25;
/** How long to wait for the sending connection's own reply before the quiet window. */
const REPLY_WAIT_MS = 400;

async function openAll(pair: ServerPair, n: number, protocol: 2 | 3): Promise<[Connection[], Connection[]]> {
  const sides: [Connection[], Connection[]] = [[], []];
  for (const [side, server] of [pair.oracle, pair.candidate].entries()) {
    for (let i = 0; i < n; i++) {
      const c = await server.connect({ recordRaw: true });
      if (protocol === 3) {
        c.write(encodeCommand(['HELLO', '3']));
        await c.takeRaw(QUIET_MS);
      }
      sides[side].push(c);
    }
  }
  return sides;
}

/** Runs `steps` in RESP2 and RESP3 (or the given protocols); throws listing every difference. */
export async function checkStreams(
  pair: ServerPair,
  n: number,
  steps: StreamStep[],
  label: string,
  protocols: Array<2 | 3> = [2, 3],
  setup: Cmd[] = [],
): Promise<void> {
  const problems: string[] = [];
  for (const protocol of protocols) {
    const [oracle, candidate] = await openAll(pair, n, protocol);
    try {
      for (const cmd of [['FLUSHALL'], ...setup] as Cmd[]) {
        await Promise.all([oracle[0].call(cmd), candidate[0].call(cmd)]);
      }
      await Promise.all([...oracle, ...candidate].map((c) => c.takeRaw(QUIET_MS)));
      for (let k = 0; k < steps.length && problems.length < 20; k++) {
        const step = steps[k];
        if (typeof step === 'number') {
          await sleep(step);
          continue;
        }
        const [conn, sent] = step;
        const pipeline = isPipeline(sent) ? sent : [sent];
        const bytes = Buffer.concat(pipeline.map((c) => encodeCommand(c)));
        const before = [oracle[conn].received, candidate[conn].received];
        oracle[conn].write(bytes);
        candidate[conn].write(bytes);
        // The sender's reply first (a loaded machine may take longer than the quiet window);
        // commands that block answer nothing, so this wait is bounded.
        const deadline = Date.now() + REPLY_WAIT_MS;
        while ((oracle[conn].received === before[0] || candidate[conn].received === before[1]) && Date.now() < deadline) {
          await sleep(2);
        }
        const [os, cs] = await Promise.all([
          Promise.all(oracle.map((c) => c.takeRaw(QUIET_MS))),
          Promise.all(candidate.map((c) => c.takeRaw(QUIET_MS))),
        ]);
        for (let i = 0; i < n; i++) {
          if (os[i].bytes.equals(cs[i].bytes) && os[i].closed === cs[i].closed) continue;
          problems.push(
            `[${label}, RESP${protocol}, step ${k}: conn ${conn} ${pipeline.map((c) => formatCommand(c)).join(' | ')}] conn ${i} received\n` +
              `    redis        ${escapeBytes(os[i].bytes, 300)}${os[i].closed ? ' [closed]' : ''}\n` +
              `    candidate    ${escapeBytes(cs[i].bytes, 300)}${cs[i].closed ? ' [closed]' : ''}`,
          );
        }
      }
    } finally {
      for (const c of [...oracle, ...candidate]) c.close();
    }
  }
  if (problems.length > 0) throw reportError(problems.join('\n'));
}
