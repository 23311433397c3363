'use strict';
// The hash of everything the native module is built from. scripts/prebuild.js records it beside the
// prebuilt binary; test/prebuild.test.ts fails when the sources moved on without a new prebuild.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function nativeSourceFiles() {
  const files = fs
    .readdirSync(path.join(root, 'native'), { recursive: true })
    .map((f) => path.join('native', String(f)))
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .filter((f) => !path.basename(f).startsWith('.'));
  files.push('binding.gyp');
  return files.map((f) => f.split(path.sep).join('/')).sort();
}

function nativeSourceHash() {
  const hash = crypto.createHash('sha256');
  for (const file of nativeSourceFiles()) {
    hash.update(file + '\0');
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const HASH_FILE = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'SOURCE_HASH');

module.exports = { nativeSourceFiles, nativeSourceHash, HASH_FILE };

if (require.main === module) console.log(nativeSourceHash());
