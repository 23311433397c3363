#!/usr/bin/env node
/** rustypotato-server: load settings (defaults < file < env < flags), start listening, stop cleanly. */
import { ConfigError, loadSettings } from '../config/load';

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
