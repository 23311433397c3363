// Layout of the Int32Array control block shared by ts/native.ts (enum Control) and addon.cc.
// Keep the two in step: ts/native-module.d.ts documents the protocol.
#pragma once

namespace rp::abi {
enum Control : int {
  kFrameCursor = 0,
  kFrameEnd = 1,
  kDb = 2,
  kResp = 3,
  kClientFlags = 4,
  kExecuted = 5,
  kStopped = 6,
  kDirty = 7,
  // out, with kStopped == kBlocked: how long the client may wait, in ms; 0 = forever (also for
  // waits beyond INT32_MAX ms, which no timer can express), -1 = not given by the command.
  kBlockTimeoutMs = 8,
  // in: the client's socket descriptor + 1, or 0. When set, execute() sends the batch's replies
  // itself (non-blocking send) and returns only what the socket did not take, sparing a JS buffer
  // and a stream write per batch. TypeScript sets it only while nothing else waits to be written
  // to that socket, so replies keep their order.
  kSendSocket = 9,
  // out: bytes execute() sent to sockets: kSendSocket's replies and pub/sub messages to subscribers.
  kSentBytes = 10,
  // out: 1 when AOF records wait to be written (the server flushes them before the tick ends).
  kAofPending = 11,
  // in: the client's socket descriptor + 1 (0 if unknown), whatever it has queued: a message it
  // publishes to itself joins its replies (see engine/pubsub.h).
  kClientSocket = 12,
  // out: how many subscribers have pub/sub messages that TypeScript must queue (takeDeliveries).
  kDeliveries = 13,
  kControlSize = 14,
};
constexpr int kClientFlagNoTouch = 1;
// Set while the server has clients blocked on keys: pushes then record ready keys.
constexpr int kClientFlagSignalReady = 2;
// The command runs again for a client blocked on it (a key was signalled): a key that now holds
// another type leaves the client waiting instead of answering WRONGTYPE, as in Redis.
constexpr int kClientFlagRetryBlocked = 4;
// Inside MULTI or a script: blocking commands answer as if their timeout had passed.
constexpr int kClientFlagDenyBlocking = 8;
// The command comes from a script's redis.call (set by the engine only): XREAD BLOCK is an error
// there rather than a timeout, as in Redis.
constexpr int kClientFlagScript = 16;
// A client monitors: the commands scripts run are recorded for MONITOR (takeScriptCommands).
constexpr int kClientFlagMonitored = 32;

// Values of control[kStopped].
enum StopReason : int {
  kRanAll = 0,
  kNotNative = 1,  // the record at kFrameCursor is not an engine command
  kBlocked = 2,    // the record at kFrameCursor must wait (nothing to pop); it was not answered
  kKeysReady = 3,  // the last executed command made keys ready for blocked clients
  // The record at kFrameCursor (EVAL*/FCALL*) ran past busy-reply-threshold and was suspended
  // unanswered: the server is busy until resumeScript() ends it.
  kScriptBusy = 4,
};
}  // namespace rp::abi
