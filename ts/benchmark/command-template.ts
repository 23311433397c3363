/**
 * Pre-encoded request buffers. A test's command is encoded once; a client's batch is `pipeline`
 * copies of it in one Buffer, sent with one write. With random keys (-r) only the 12-byte
 * `__rand_int__` placeholders are rewritten before each send, in place, as redis-benchmark does.
 * Every copy has the same length, so a shorter last batch is a prefix of the full one.
 */

export const RANDOM_PLACEHOLDER = '__rand_int__';
const PLACEHOLDER_BYTES = Buffer.from(RANDOM_PLACEHOLDER, 'latin1');
/** Random numbers are written as 12 zero-padded digits, the width of the placeholder. */
const DIGITS = PLACEHOLDER_BYTES.length;

/** RESP encoding of one command (a multi-bulk request). */
export function encodeCommand(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** Offsets of every placeholder in `bytes`. */
function placeholderOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = bytes.indexOf(PLACEHOLDER_BYTES); at >= 0; at = bytes.indexOf(PLACEHOLDER_BYTES, at + DIGITS)) offsets.push(at);
  return offsets;
}

export class BatchTemplate {
  /** `pipeline` copies of the command. */
  readonly bytes: Buffer;
  readonly commandLength: number;
  readonly pipeline: number;
  /** Where the placeholders to rewrite are; empty when keys are not randomized. */
  private readonly randomOffsets: Int32Array;
  private readonly keyspace: number;
  /** The command as given (placeholders intact), for clones. */
  private readonly command: Buffer;

  /**
   * @param keyspace with a value > 0, placeholders are replaced by numbers in [0, keyspace) before
   *   every send; with 0 they stay as they are (redis-benchmark without -r uses the literal key).
   */
  constructor(command: Buffer, pipeline: number, keyspace: number) {
    this.commandLength = command.length;
    this.pipeline = pipeline;
    this.keyspace = keyspace;
    this.command = command;
    this.bytes = Buffer.allocUnsafe(command.length * pipeline);
    for (let i = 0; i < pipeline; i++) command.copy(this.bytes, i * command.length);
    this.randomOffsets = Int32Array.from(keyspace > 0 ? placeholderOffsets(this.bytes) : []);
  }

  /** True when sends rewrite the buffer, so every client needs a copy of its own. */
  get rewritesKeys(): boolean {
    return this.randomOffsets.length > 0;
  }

  /** A template with its own buffer (the same command, pipeline and key space). */
  clone(): BatchTemplate {
    return new BatchTemplate(this.command, this.pipeline, this.keyspace);
  }

  /** The bytes of the next batch of `count` ≤ pipeline commands, with fresh random numbers. */
  batch(count: number): Buffer {
    const offsets = this.randomOffsets;
    if (offsets.length > 0) {
      const bytes = this.bytes;
      const limit = count * this.commandLength;
      for (let i = 0; i < offsets.length; i++) {
        const at = offsets[i];
        if (at >= limit) break;
        let value = Math.floor(Math.random() * this.keyspace);
        for (let d = DIGITS - 1; d >= 0; d--) {
          bytes[at + d] = 0x30 + (value % 10);
          value = Math.floor(value / 10);
        }
      }
    }
    return count === this.pipeline ? this.bytes : this.bytes.subarray(0, count * this.commandLength);
  }
}
