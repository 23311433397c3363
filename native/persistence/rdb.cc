// Placeholder until the RDB encoder lands (being written now); never committed in this form.
#include "persistence/rdb.h"

namespace rp {
bool rdbWrite(Engine&, long long, const RdbSink&) { return false; }
RdbLoadResult rdbLoad(Engine&, const char*, size_t, long long) {
  RdbLoadResult r;
  r.error = "RDB loading is not built yet";
  return r;
}
}  // namespace rp
