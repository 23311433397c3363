#!/usr/bin/env node
/** rustypotato-server: load settings (defaults < file < env < flags), start listening, stop cleanly. */
import v8 from 'node:v8';
import { ConfigError, loadSettings } from '../config/load';

// The engine reads and answers most requests without allocating JavaScript objects, so under load
// V8 sees almost no allocation and its memory reducer takes the server for idle: it then runs full
// mark-compacts (8-30 ms pauses measured under redis-benchmark) in the middle of the traffic. The
// JavaScript heap stays small (a few MB), so there is nothing worth reducing.
v8.setFlagsFromString('--no-memory-reducer');

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadSettings(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`rustypotato-server: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (loaded.kind !== 'run') {
    process.stdout.write(loaded.text.endsWith('\n') ? loaded.text : loaded.text + '\n');
    return;
  }
  // Loaded only now, so that --help, --version and config errors work without the engine.
  const { startServer } = await import('../index');
  const server = await startServer(loaded.settings, loaded.configFile);
  const stop = (): void => {
    // As Redis: a failed final save keeps the server running (the error is logged).
    if (server.persistence?.prepareShutdown('default') != null) return;
    server.shutdown(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`rustypotato-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
