/**
 * Snapshot compression on a 1,000,000-key data set: for each codec (none, gzip, lz4, zstd) the
 * server is started with [storage] aof_compression = <codec>, filled with DEBUG POPULATE, and
 * timed on SAVE; then restarted on the file and timed until it answers with the full DBSIZE.
 * Prints file size, save and load time, and the ratios to the uncompressed snapshot.
 *
 *   node dist/bench/compression.js [--keys 1000000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, root } from './side-by-side';

const serverScript = path.join(root, 'dist', 'ts', 'bin', 'server.js');

/** One command over a fresh connection (inline form is enough for these commands). */
function command(port: number, line: string, timeoutMs = 600000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(line + '\r\n'));
    let data = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timeout: ${line}`));
    }, timeoutMs);
    s.on('data', (d) => {
      data += d.toString('latin1');
      if (data.endsWith('\r\n')) {
        clearTimeout(timer);
        s.end();
        resolve(data.trim());
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function startServer(args: string[]): Promise<{ proc: ChildProcess; port: number; startedAt: number }> {
  const port = await freePort();
  const startedAt = process.hrtime.bigint();
  const proc = spawn(process.execPath, [serverScript, '--port', String(port), ...args], { stdio: 'ignore' });
  for (let i = 0; i < 6000; i++) {
    try {
      await command(port, 'PING', 1000);
      return { proc, port, startedAt: Number(startedAt / 1000000n) };
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error('server did not start');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const keys = argv[0] === '--keys' ? Number(argv[1]) : 1000000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-zbench-'));
  const rows: Array<{ codec: string; bytes: number; saveMs: number; loadMs: number }> = [];
  try {
    for (const codec of ['none', 'gzip', 'lz4', 'zstd']) {
      const rdb = path.join(dir, `${codec}.rdb`);
      const cfg = path.join(dir, `${codec}.toml`);
      fs.writeFileSync(cfg, `[storage]\naof_compression = "${codec}"\nsnapshot_path = ${JSON.stringify(rdb)}\n`);
      const s = await startServer(['--config', cfg]);
      await command(s.port, `DEBUG POPULATE ${keys}`);
      let t = Date.now();
      const saved = await command(s.port, 'SAVE');
      const saveMs = Date.now() - t;
      if (saved !== '+OK') throw new Error(`SAVE: ${saved}`);
      s.proc.kill('SIGKILL');
      t = Date.now();
      const again = await startServer(['--config', cfg]);
      const dbsize = await command(again.port, 'DBSIZE');
      const loadMs = Date.now() - t;
      if (dbsize !== `:${keys}`) throw new Error(`after load DBSIZE ${dbsize}`);
      again.proc.kill('SIGKILL');
      rows.push({ codec, bytes: fs.statSync(rdb).size, saveMs, loadMs });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const plain = rows[0];
  console.log(`snapshot of ${keys} keys (DEBUG POPULATE: "key:N" -> "value:N"); load = process start until DBSIZE answers`);
  console.log('codec\tbytes\tsize ratio\tSAVE ms\tsave ratio\tload ms\tload ratio');
  for (const r of rows) {
    console.log(
      `${r.codec}\t${r.bytes}\t${(r.bytes / plain.bytes).toFixed(3)}\t${r.saveMs}\t${(r.saveMs / plain.saveMs).toFixed(2)}\t${r.loadMs}\t${(r.loadMs / plain.loadMs).toFixed(2)}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
