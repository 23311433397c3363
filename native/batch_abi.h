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
  kControlSize = 8,
};
constexpr int kClientFlagNoTouch = 1;
}  // namespace rp::abi
