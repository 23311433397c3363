#!/usr/bin/env node
/**
 * rustypotato-check-aof [--fix] [--truncate-to-timestamp <unix-seconds>] <file.aof>
 *
 * Checks an append-only file like Redis 7.0's redis-check-aof (same output, offsets and exit codes;
 * see ts/tools/aof-check.ts). --fix cuts the file after the last complete command (an unterminated
 * MULTI block included), asking "Continue? [y/N]" first when stdin is a terminal.
 * --truncate-to-timestamp T cuts it at the first `#TS:` annotation later than T.
 * Exit code 0: valid, empty or fixed; 1: not valid, aborted or a usage/IO error.
 */
import fs from 'node:fs';
import { checkAofFile, parseTimestampArg } from '../tools/aof-check';

const USAGE = 'Usage: rustypotato-check-aof [--fix] [--truncate-to-timestamp <unix-seconds>] <file.aof>';

function out(text: string | Buffer): void {
  writeAll(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

function writeAll(data: Buffer): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(1, data, off, data.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** Reads one line from the terminal (blocking), without its newline; null at end of input. */
function readTtyLine(): string | null {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, one, 0, 1, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (code === 'EOF') return bytes.length > 0 ? Buffer.from(bytes).toString('utf8') : null;
      throw e;
    }
    if (n === 0) return bytes.length > 0 ? Buffer.from(bytes).toString('utf8') : null;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8');
    bytes.push(one[0]);
  }
}

function main(argv: string[]): number {
  let fix = false;
  let timestamp = 0n;
  let file: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      out(USAGE + '\n');
      return 0;
    } else if (a === '--fix' && file === null) {
      fix = true;
    } else if (a === '--truncate-to-timestamp' && file === null) {
      if (i + 1 >= argv.length) {
        out(USAGE + '\n');
        return 1;
      }
      const t = parseTimestampArg(argv[++i]);
      if (t === null) {
        out('Invalid timestamp, aborting...\n');
        return 1;
      }
      timestamp = t;
    } else if (file === null) {
      file = a;
    } else {
      out(USAGE + '\n');
      return 1;
    }
  }
  if (file === null) {
    out(USAGE + '\n');
    return 1;
  }
  const interactive = process.stdin.isTTY === true;
  const result = checkAofFile(file, {
    fix,
    truncateToTimestamp: timestamp,
    write: (text) => {
      out(text);
      out('\n');
    },
    // As redis-check-aof on a terminal; when stdin is a pipe or a file nobody can answer: go on.
    confirm: interactive
      ? () => {
          out('Continue? [y/N]: ');
          const answer = readTtyLine();
          return answer !== null && /^y/i.test(answer);
        }
      : undefined,
  });
  return result.exitCode;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  out(`rustypotato-check-aof: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
