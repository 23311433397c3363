'use strict';
// Builds the N-API prebuild into prebuilds/<platform>-<arch>/ with prebuildify and records the hash
// of the sources it was built from. Run with `npm run prebuild` (npm puts its node-gyp on PATH).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { nativeSourceHash, HASH_FILE } = require('./source-hash');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'node_modules', '.bin', 'prebuildify');
execFileSync(bin, ['--napi', '--strip', '--target', `node@${process.versions.node}`], { cwd: root, stdio: 'inherit' });
fs.writeFileSync(HASH_FILE, nativeSourceHash() + '\n');
console.log(`prebuild written; source hash recorded in ${path.relative(root, HASH_FILE)}`);
