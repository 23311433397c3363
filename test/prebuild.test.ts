/**
 * The committed prebuild must match the native sources: a stale binary would hide engine changes
 * from everyone who installs without a compiler.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { nativeSourceHash, HASH_FILE } = require(path.join(root, 'scripts', 'source-hash.js')) as {
  nativeSourceHash: () => string;
  HASH_FILE: string;
};

const prebuildDir = path.dirname(HASH_FILE);

test('a prebuilt module is committed for this platform', () => {
  const binaries = fs.existsSync(prebuildDir) ? fs.readdirSync(prebuildDir).filter((f) => f.endsWith('.node')) : [];
  assert.ok(binaries.length === 1, `expected one .node file in ${prebuildDir}, found ${binaries.join(', ') || 'none'}`);
});

test('the prebuild was built from the current native sources', () => {
  assert.ok(fs.existsSync(HASH_FILE), 'SOURCE_HASH missing: run npm run build:prebuild');
  const recorded = fs.readFileSync(HASH_FILE, 'utf8').trim();
  assert.is(recorded, nativeSourceHash(), 'prebuild is stale: run npm run build:prebuild and commit prebuilds/');
});

test('the prebuild loads and exposes the typed surface', () => {
  const file = fs.readdirSync(prebuildDir).find((f) => f.endsWith('.node')) as string;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(path.join(prebuildDir, file)) as Record<string, unknown>;
  for (const fn of ['init', 'execute', 'cron', 'setConfig', 'info']) {
    assert.type(mod[fn], 'function', `${fn} missing from the prebuild`);
  }
});

test.run();
