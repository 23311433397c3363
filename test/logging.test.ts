/**
 * Logging: JSON lines to a file, rotated by size (numbered files, at most `keep`) and by time
 * (a file from an earlier day is moved aside to `<file>.<day>`); and a server's log: the config
 * source of every setting at debug level, connections, slow commands.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../ts/log';
import { sleep, startCandidate } from './support/servers';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rp-logging-'));
}

function jsonLines(file: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('json lines rotate by size: numbered files, newest .1, at most `keep`', () => {
  const dir = tempDir();
  const file = path.join(dir, 'server.log');
  try {
    const log = createLogger({ level: 'info', format: 'json', file, rotation: 'size', maxSize: 2048, keep: 3 });
    for (let i = 0; i < 200; i++) log.info({ seq: i, padding: 'p'.repeat(40) }, 'line');
    const names = fs.readdirSync(dir).sort();
    assert.equal(names, ['server.log', 'server.log.1', 'server.log.2', 'server.log.3']);
    for (const name of names) assert.ok(fs.statSync(path.join(dir, name)).size <= 2048, `${name} within max size`);
    // Order across files: .3 oldest ... current newest, consecutive sequence numbers.
    const seqs = ['server.log.3', 'server.log.2', 'server.log.1', 'server.log'].flatMap((n) => jsonLines(path.join(dir, n)).map((l) => l.seq as number));
    assert.is(seqs[seqs.length - 1], 199);
    for (let i = 1; i < seqs.length; i++) assert.is(seqs[i], seqs[i - 1] + 1);
    const last = jsonLines(file).pop()!;
    assert.is(last.msg, 'line');
    assert.is(last.level, 30);
    assert.type(last.time, 'number');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('daily rotation moves a file last written on an earlier day to <file>.<that day>', () => {
  const dir = tempDir();
  const file = path.join(dir, 'server.log');
  try {
    fs.writeFileSync(file, '{"old":true}\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 86400_000);
    fs.utimesSync(file, twoDaysAgo, twoDaysAgo);
    const log = createLogger({ level: 'info', format: 'json', file, rotation: 'daily', keep: 5 });
    log.info('today');
    const day = twoDaysAgo.toISOString().slice(0, 10);
    assert.equal(fs.readdirSync(dir).sort(), ['server.log', `server.log.${day}`]);
    assert.equal(jsonLines(`${file}.${day}`), [{ old: true }]);
    assert.is(jsonLines(file)[0].msg, 'today');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hourly rotation keeps at most `keep` rotated files', () => {
  const dir = tempDir();
  const file = path.join(dir, 'server.log');
  try {
    for (const h of ['00', '01', '02']) fs.writeFileSync(`${file}.2020-01-01T${h}`, 'x\n');
    fs.writeFileSync(file, 'y\n');
    const old = new Date('2020-01-01T03:30:00Z');
    fs.utimesSync(file, old, old);
    createLogger({ level: 'info', format: 'json', file, rotation: 'hourly', keep: 2 }).info('now');
    assert.equal(fs.readdirSync(dir).sort(), ['server.log', 'server.log.2020-01-01T02', 'server.log.2020-01-01T03']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a server logs setting sources, connections and slow commands as JSON to its file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'rp.log');
  const config = path.join(dir, 'rustypotato.toml');
  fs.writeFileSync(config, `[logging]\nlevel = "debug"\nformat = "json"\nfile = ${JSON.stringify(file)}\nrotation = "size"\nmax_size = "1MB"\n`);
  const server = await startCandidate(['--config', config]);
  try {
    const c = await server.connect();
    await c.call(['CONFIG', 'SET', 'slowlog-log-slower-than', '20000']);
    await c.call(['DEBUG', 'SLEEP', '0.03']);
    c.close();
    await sleep(200);
    const lines = jsonLines(file);
    const source = (setting: string): unknown => lines.find((l) => l.msg === 'config' && l.setting === setting)?.source;
    assert.is(source('server.port'), '--port');
    assert.match(String(source('logging.format')), /rustypotato\.toml:\d+: \[logging\] format/);
    assert.is(source('server.databases'), 'default');
    assert.ok(lines.some((l) => l.msg === 'Accepted connection' && l.level === 20 && typeof l.addr === 'string'));
    assert.ok(lines.some((l) => l.msg === 'Client closed connection'));
    const slow = lines.find((l) => l.msg === 'slow command');
    assert.ok(slow !== undefined, 'the slow command was logged');
    assert.is(slow!.command, 'debug');
    assert.ok((slow!.durationUsec as number) >= 30000);
    assert.ok(lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('Ready to accept connections')));
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
