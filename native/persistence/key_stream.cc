#include "persistence/key_stream.h"

#include "engine/engine.h"

namespace rp {

bool encodeAllKeys(Engine& engine, KeyStreamEncoder& encoder) {
  bool ok = true;
  for (int i = 0; i < engine.databaseCount() && ok; ++i) {
    engine.db(i).forEach([&](const KeyRef& ref) {
      if (ok) ok = encoder.key(i, ref);
    });
  }
  return ok && encoder.finish();
}

}  // namespace rp
