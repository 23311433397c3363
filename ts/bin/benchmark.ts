#!/usr/bin/env node
/**
 * rustypotato-benchmark [OPTIONS] [COMMAND ARGS...]
 *
 * Load generator for any Redis-compatible server, with redis-benchmark's options and tests; see
 * ts/benchmark/options.ts for the options and `--help` for their summary.
 */
import { main } from '../benchmark/main';

main(process.argv.slice(2), process.stdout, process.stderr).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`rustypotato-benchmark: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
