/**
 * Builds the framed input of native.execute (see ts/native-module.d.ts) from commands given as
 * argument lists, for tests that drive the engine in-process.
 */
export type EngineArg = string | Buffer | number;

export function frameBatch(batch: EngineArg[][]): { input: Buffer; frames: Int32Array } {
  const parts: Buffer[] = [];
  let words = 0;
  for (const cmd of batch) words += 1 + 2 * cmd.length;
  const frames = new Int32Array(words);
  let offset = 0;
  let w = 0;
  for (const cmd of batch) {
    frames[w++] = cmd.length;
    for (const a of cmd) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
      parts.push(b);
      frames[w++] = offset;
      frames[w++] = b.length;
      offset += b.length;
    }
  }
  return { input: Buffer.concat(parts), frames };
}
