// Optional compression of snapshot files and of the AOF rewrite's base ([storage] aof_compression
// = none|gzip|lz4|zstd). Plain files stay the default so that Redis's tools keep reading them. A
// compressed file is self-describing: each codec's own frame magic (gzip 1f 8b, LZ4 frame
// 04 22 4d 18, zstd 28 b5 2f fd) starts it, and loading detects it and decompresses transparently.
//
// gzip uses the zlib that Node itself exports. LZ4 and zstd are loaded at run time (dlopen) from
// the system's liblz4.so.1 / libzstd.so.1, so neither the build nor the prebuilt module depends on
// their headers or packages; a machine without them reports the codec as unavailable.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rp {

enum class Codec { None, Gzip, Lz4, Zstd };

bool parseCodec(std::string_view name, Codec& out);
const char* codecName(Codec codec);

using ByteSink = std::function<bool(const char* data, size_t size)>;

// Compresses everything written into one frame handed to `sink`.
class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual bool write(const char* data, size_t size) = 0;
  // Ends the frame. Must be called once, after the last write.
  virtual bool finish() = 0;
  const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

// nullptr with `error` set when the codec's library is missing. Codec::None passes bytes through.
std::unique_ptr<Compressor> makeCompressor(Codec codec, ByteSink sink, std::string& error);

// When `image` starts with a compressed frame, replaces that frame by its content (bytes after the
// frame, e.g. AOF records appended to a compressed base, are kept as they are). Returns false with
// `error` on a corrupt frame or a missing library.
bool decompressLeadingFrame(std::string& image, std::string& error);

}  // namespace rp
