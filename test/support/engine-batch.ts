/**
 * Builds the framed input of native.execute (see ts/native-module.d.ts) from commands given as
 * argument lists, for tests that drive the engine in-process.
 */
import { native, Control, CONTROL_SIZE } from '../../ts/native';

export type EngineArg = string | Buffer | number;

const control = new Int32Array(CONTROL_SIZE);

/**
 * Runs `batch` as one native.execute call on database `db` (RESP2, no client flags): the reply
 * bytes, and where the engine stopped (0: it ran every command).
 */
export function executeBatch(batch: EngineArg[][], db = 0): { replies: Buffer; stopped: number } {
  const { input, frames } = frameBatch(batch);
  control[Control.FrameCursor] = 0;
  control[Control.FrameEnd] = frames.length;
  control[Control.Db] = db;
  control[Control.Resp] = 2;
  control[Control.ClientFlags] = 0;
  const out = native.execute(input, frames, control);
  return { replies: out ? Buffer.from(out.buffer, out.byteOffset, out.byteLength) : Buffer.alloc(0), stopped: control[Control.Stopped] };
}

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
