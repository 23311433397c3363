/** Loads the C++ engine: build/Release when present (local builds), else prebuilds/linux-x64. */
import path from 'node:path';
import type { NativeModule } from './native-module';

export type { NativeModule, EngineInfo } from './native-module';

/** Slots of the Int32Array control block shared with `execute` (see native-module.d.ts). */
export const enum Control {
  FrameCursor = 0,
  FrameEnd = 1,
  Db = 2,
  Resp = 3,
  ClientFlags = 4,
  Executed = 5,
  Stopped = 6,
  Dirty = 7,
  BlockTimeoutMs = 8,
  SendSocket = 9,
  SentBytes = 10,
  AofPending = 11,
  ClientSocket = 12,
  Deliveries = 13,
}
export const CONTROL_SIZE = 14;
export const CLIENT_FLAG_NO_TOUCH = 1;
export const CLIENT_FLAG_SIGNAL_READY = 2;
export const CLIENT_FLAG_RETRY_BLOCKED = 4;
export const CLIENT_FLAG_DENY_BLOCKING = 8;
/** A client monitors: the engine records the commands scripts run (native.takeScriptCommands). */
export const CLIENT_FLAG_MONITORED = 32;

/** Values of control[Control.Stopped] (native/batch_abi.h StopReason). */
export const enum StopReason {
  RanAll = 0,
  NotNative = 1,
  Blocked = 2,
  KeysReady = 3,
  /** The record at FrameCursor (EVAL, FCALL and their forms) was suspended past busy-reply-threshold, unanswered. */
  ScriptBusy = 4,
}

// dist/ts/native.js -> package root is two levels up.
const packageRoot = path.resolve(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const native: NativeModule = require('node-gyp-build')(packageRoot);
