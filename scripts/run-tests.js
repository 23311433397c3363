#!/usr/bin/env node
/**
 * The project's test runner (`npm test`).
 *
 * 1. Compiles the TypeScript (`tsc -p .`).
 * 2. Runs every dist/test/*.test.js in its own Node process, one after another (each process
 *    initialises the native engine once), streaming its output.
 * 3. Reads uvu's totals ("Total: N", "Passed: N", "Skipped: N") from each file's output. A file
 *    that exits non-zero, prints no totals, or times out counts as failed: its unpassed tests
 *    (or 1, if it printed no totals) are counted as failures.
 * 4. Prints one line per file and ends with the plain line `N passed, N failed`; exits non-zero
 *    if anything failed or if nothing passed.
 *
 * Usage: node scripts/run-tests.js [filter ...]   e.g. `npm test -- diff-strings`
 * Env: RP_TEST_TIMEOUT_S (per file, default 600), RP_SKIP_BUILD=1 (skip tsc).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const testDir = path.join(root, 'dist', 'test');
const filters = process.argv.slice(2).filter((a) => a.length > 0);
const timeoutMs = Number(process.env.RP_TEST_TIMEOUT_S || 600) * 1000;

function stripAnsi(s) {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function build() {
  if (process.env.RP_SKIP_BUILD === '1') return true;
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  process.stdout.write('> tsc -p .\n');
  const r = spawnSync(tsc, ['-p', '.'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`tsc failed (exit ${r.status === null ? r.signal : r.status})\n`);
    return false;
  }
  return true;
}

function listFiles() {
  if (!fs.existsSync(testDir)) return [];
  return fs
    .readdirSync(testDir)
    .filter((f) => f.endsWith('.test.js'))
    // Only files whose source still exists: tsc never deletes stale output.
    .filter((f) => fs.existsSync(path.join(root, 'test', f.replace(/\.js$/, '.ts'))))
    .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
    .sort();
}

/** Runs one test file; resolves with { total, passed, skipped, code, timedOut, sawTotals }. */
function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(testDir, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let text = '';
    const onData = (stream) => (chunk) => {
      stream.write(chunk);
      text += chunk.toString('utf8');
      // Only the tail matters for the totals; keep memory bounded for chatty tests.
      if (text.length > 1 << 20) text = text.slice(-(1 << 19));
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.stdout.write(`\n!! ${file} timed out after ${timeoutMs / 1000} s; killing it\n`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const plain = stripAnsi(text);
      const grab = (label) => {
        const all = [...plain.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, 'gm'))];
        return all.length > 0 ? Number(all[all.length - 1][1]) : null;
      };
      const total = grab('Total');
      const passed = grab('Passed');
      const skipped = grab('Skipped');
      resolve({
        total: total ?? 0,
        passed: passed ?? 0,
        skipped: skipped ?? 0,
        sawTotals: total !== null && passed !== null,
        code: code === null ? `signal ${signal}` : code,
        timedOut,
      });
    });
  });
}

async function main() {
  if (!build()) {
    process.stdout.write('\n0 passed, 1 failed\n');
    process.exit(1);
  }
  const files = listFiles();
  if (files.length === 0) {
    process.stdout.write(`no test files in dist/test${filters.length ? ` matching ${filters.join(', ')}` : ''}\n`);
    process.stdout.write('\n0 passed, 0 failed\n');
    process.exit(1);
  }
  const results = [];
  for (const file of files) {
    process.stdout.write(`\n=== ${file}\n`);
    const started = Date.now();
    const r = await runFile(file);
    // uvu's Total excludes skipped tests; anything run but not passed failed.
    let failed = Math.max(0, r.total - r.passed);
    const ok = r.code === 0 && r.sawTotals && !r.timedOut && failed === 0;
    if (!ok && failed === 0) failed = 1; // crashed, timed out or printed no totals
    results.push({ file, passed: r.passed, failed, skipped: r.skipped, ok, code: r.code, timedOut: r.timedOut, sawTotals: r.sawTotals, secs: (Date.now() - started) / 1000 });
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  process.stdout.write('\n=== summary\n');
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    const why = r.ok ? '' : r.timedOut ? ' (timed out)' : !r.sawTotals ? ` (no totals; exit ${r.code})` : r.code !== 0 ? ` (exit ${r.code})` : '';
    process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file.padEnd(36)} ${String(r.passed).padStart(4)} passed, ${String(r.failed).padStart(3)} failed${r.skipped ? `, ${r.skipped} skipped` : ''}  ${r.secs.toFixed(1)}s${why}\n`);
  }
  if (skipped) process.stdout.write(`\n(${skipped} skipped)`);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main().catch((e) => {
  process.stdout.write(`runner error: ${e && e.stack ? e.stack : e}\n0 passed, 1 failed\n`);
  process.exit(1);
});
