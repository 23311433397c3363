#include "persistence/compress.h"

#include <dlfcn.h>
#include <zlib.h>

#include <cstring>
#include <vector>

namespace rp {

namespace {

constexpr size_t kChunk = 64 * 1024;

// ---- the run-time loaded libraries: only the functions used, with their documented C ABI ----

struct ZstdInBuffer {
  const void* src;
  size_t size;
  size_t pos;
};
struct ZstdOutBuffer {
  void* dst;
  size_t size;
  size_t pos;
};
constexpr int kZstdCompressionLevel = 100;  // ZSTD_c_compressionLevel
constexpr int kZstdEnd = 2;                 // ZSTD_e_end
constexpr int kZstdContinue = 0;            // ZSTD_e_continue

struct ZstdLib {
  void* (*createCCtx)() = nullptr;
  size_t (*freeCCtx)(void*) = nullptr;
  size_t (*setParameter)(void*, int, int) = nullptr;
  size_t (*compressStream2)(void*, ZstdOutBuffer*, ZstdInBuffer*, int) = nullptr;
  void* (*createDCtx)() = nullptr;
  size_t (*freeDCtx)(void*) = nullptr;
  size_t (*decompressStream)(void*, ZstdOutBuffer*, ZstdInBuffer*) = nullptr;
  unsigned (*isError)(size_t) = nullptr;
  const char* (*errorName)(size_t) = nullptr;
  bool ok = false;
};

constexpr unsigned kLz4fVersion = 100;
struct Lz4Lib {
  size_t (*createCCtx)(void**, unsigned) = nullptr;
  size_t (*freeCCtx)(void*) = nullptr;
  size_t (*compressBegin)(void*, void*, size_t, const void*) = nullptr;
  size_t (*compressBound)(size_t, const void*) = nullptr;
  size_t (*compressUpdate)(void*, void*, size_t, const void*, size_t, const void*) = nullptr;
  size_t (*compressEnd)(void*, void*, size_t, const void*) = nullptr;
  size_t (*createDCtx)(void**, unsigned) = nullptr;
  size_t (*freeDCtx)(void*) = nullptr;
  size_t (*decompress)(void*, void*, size_t*, const void*, size_t*, const void*) = nullptr;
  unsigned (*isError)(size_t) = nullptr;
  const char* (*errorName)(size_t) = nullptr;
  bool ok = false;
};

template <typename Fn>
bool bind(void* lib, const char* name, Fn& out) {
  out = reinterpret_cast<Fn>(dlsym(lib, name));
  return out != nullptr;
}

const ZstdLib& zstd() {
  static const ZstdLib lib = [] {
    ZstdLib z;
    void* h = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) return z;
    z.ok = bind(h, "ZSTD_createCCtx", z.createCCtx) && bind(h, "ZSTD_freeCCtx", z.freeCCtx) &&
           bind(h, "ZSTD_CCtx_setParameter", z.setParameter) && bind(h, "ZSTD_compressStream2", z.compressStream2) &&
           bind(h, "ZSTD_createDCtx", z.createDCtx) && bind(h, "ZSTD_freeDCtx", z.freeDCtx) &&
           bind(h, "ZSTD_decompressStream", z.decompressStream) && bind(h, "ZSTD_isError", z.isError) &&
           bind(h, "ZSTD_getErrorName", z.errorName);
    return z;
  }();
  return lib;
}

const Lz4Lib& lz4() {
  static const Lz4Lib lib = [] {
    Lz4Lib z;
    void* h = dlopen("liblz4.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) return z;
    z.ok = bind(h, "LZ4F_createCompressionContext", z.createCCtx) && bind(h, "LZ4F_freeCompressionContext", z.freeCCtx) &&
           bind(h, "LZ4F_compressBegin", z.compressBegin) && bind(h, "LZ4F_compressBound", z.compressBound) &&
           bind(h, "LZ4F_compressUpdate", z.compressUpdate) && bind(h, "LZ4F_compressEnd", z.compressEnd) &&
           bind(h, "LZ4F_createDecompressionContext", z.createDCtx) &&
           bind(h, "LZ4F_freeDecompressionContext", z.freeDCtx) && bind(h, "LZ4F_decompress", z.decompress) &&
           bind(h, "LZ4F_isError", z.isError) && bind(h, "LZ4F_getErrorName", z.errorName);
    return z;
  }();
  return lib;
}

// ---- compressors ----

class PassThrough final : public Compressor {
 public:
  explicit PassThrough(ByteSink sink) : sink_(std::move(sink)) {}
  bool write(const char* data, size_t size) override { return sink_(data, size); }
  bool finish() override { return true; }

 private:
  ByteSink sink_;
};

class GzipCompressor final : public Compressor {
 public:
  explicit GzipCompressor(ByteSink sink) : sink_(std::move(sink)), out_(kChunk) {
    std::memset(&z_, 0, sizeof z_);
    // windowBits 15 + 16: a gzip wrapper (magic 1f 8b); level 6 balances speed and size.
    ready_ = deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    if (!ready_) error_ = "gzip: deflateInit2 failed";
  }
  ~GzipCompressor() override {
    if (ready_) deflateEnd(&z_);
  }
  bool write(const char* data, size_t size) override { return run(data, size, Z_NO_FLUSH); }
  bool finish() override { return run(nullptr, 0, Z_FINISH); }

 private:
  bool run(const char* data, size_t size, int flush) {
    if (!ready_) return false;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z_.avail_in = static_cast<uInt>(size);
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) {
        error_ = "gzip: deflate failed";
        return false;
      }
      size_t produced = out_.size() - z_.avail_out;
      if (produced > 0 && !sink_(out_.data(), produced)) return false;
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) return true;
    }
  }
  ByteSink sink_;
  z_stream z_;
  std::vector<char> out_;
  bool ready_ = false;
};

class ZstdCompressor final : public Compressor {
 public:
  explicit ZstdCompressor(ByteSink sink) : sink_(std::move(sink)), out_(kChunk) {
    cctx_ = zstd().createCCtx();
    if (cctx_) zstd().setParameter(cctx_, kZstdCompressionLevel, 3);
    else error_ = "zstd: cannot create a context";
  }
  ~ZstdCompressor() override {
    if (cctx_) zstd().freeCCtx(cctx_);
  }
  bool write(const char* data, size_t size) override { return run(data, size, kZstdContinue); }
  bool finish() override { return run(nullptr, 0, kZstdEnd); }

 private:
  bool run(const char* data, size_t size, int mode) {
    if (!cctx_) return false;
    ZstdInBuffer in{data, size, 0};
    for (;;) {
      ZstdOutBuffer out{out_.data(), out_.size(), 0};
      size_t left = zstd().compressStream2(cctx_, &out, &in, mode);
      if (zstd().isError(left)) {
        error_ = std::string("zstd: ") + zstd().errorName(left);
        return false;
      }
      if (out.pos > 0 && !sink_(out_.data(), out.pos)) return false;
      if (mode == kZstdEnd ? left == 0 : in.pos == in.size) return true;
    }
  }
  ByteSink sink_;
  void* cctx_ = nullptr;
  std::vector<char> out_;
};

class Lz4Compressor final : public Compressor {
 public:
  explicit Lz4Compressor(ByteSink sink) : sink_(std::move(sink)) {
    size_t rc = lz4().createCCtx(&cctx_, kLz4fVersion);
    if (lz4().isError(rc)) {
      error_ = std::string("lz4: ") + lz4().errorName(rc);
      cctx_ = nullptr;
      return;
    }
    out_.resize(lz4().compressBound(kChunk, nullptr) + 64);
  }
  ~Lz4Compressor() override {
    if (cctx_) lz4().freeCCtx(cctx_);
  }
  bool write(const char* data, size_t size) override {
    if (!begin()) return false;
    while (size > 0) {
      size_t n = size < kChunk ? size : kChunk;
      size_t produced = lz4().compressUpdate(cctx_, out_.data(), out_.size(), data, n, nullptr);
      if (!emit(produced)) return false;
      data += n;
      size -= n;
    }
    return true;
  }
  bool finish() override {
    if (!begin()) return false;
    return emit(lz4().compressEnd(cctx_, out_.data(), out_.size(), nullptr));
  }

 private:
  bool begin() {
    if (!cctx_) return false;
    if (started_) return true;
    started_ = true;
    return emit(lz4().compressBegin(cctx_, out_.data(), out_.size(), nullptr));
  }
  bool emit(size_t produced) {
    if (lz4().isError(produced)) {
      error_ = std::string("lz4: ") + lz4().errorName(produced);
      return false;
    }
    return produced == 0 || sink_(out_.data(), produced);
  }
  ByteSink sink_;
  void* cctx_ = nullptr;
  std::vector<char> out_;
  bool started_ = false;
};

bool startsWith(const std::string& image, std::initializer_list<unsigned char> magic) {
  if (image.size() < magic.size()) return false;
  size_t i = 0;
  for (unsigned char m : magic)
    if (static_cast<unsigned char>(image[i++]) != m) return false;
  return true;
}

// Each decoder returns the decoded frame and how many input bytes it used.
bool gunzipFrame(const std::string& image, std::string& out, size_t& used, std::string& error) {
  z_stream z;
  std::memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 + 16) != Z_OK) {
    error = "gzip: inflateInit2 failed";
    return false;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(image.data()));
  z.avail_in = static_cast<uInt>(image.size());
  std::vector<char> chunk(kChunk);
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      error = std::string("gzip: corrupt or truncated data at compressed offset ") + std::to_string(z.total_in);
      inflateEnd(&z);
      return false;
    }
    out.append(chunk.data(), chunk.size() - z.avail_out);
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      error = "gzip: truncated data";
      inflateEnd(&z);
      return false;
    }
  }
  used = image.size() - z.avail_in;
  inflateEnd(&z);
  return true;
}

bool unzstdFrame(const std::string& image, std::string& out, size_t& used, std::string& error) {
  if (!zstd().ok) {
    error = "zstd: libzstd.so.1 is not installed";
    return false;
  }
  void* dctx = zstd().createDCtx();
  ZstdInBuffer in{image.data(), image.size(), 0};
  std::vector<char> chunk(kChunk);
  for (;;) {
    ZstdOutBuffer o{chunk.data(), chunk.size(), 0};
    size_t rc = zstd().decompressStream(dctx, &o, &in);
    if (zstd().isError(rc)) {
      error = std::string("zstd: ") + zstd().errorName(rc) + " at compressed offset " + std::to_string(in.pos);
      zstd().freeDCtx(dctx);
      return false;
    }
    out.append(chunk.data(), o.pos);
    if (rc == 0) break;  // the frame is complete
    if (in.pos == in.size && o.pos < o.size) {
      error = "zstd: truncated data";
      zstd().freeDCtx(dctx);
      return false;
    }
  }
  used = in.pos;
  zstd().freeDCtx(dctx);
  return true;
}

bool unlz4Frame(const std::string& image, std::string& out, size_t& used, std::string& error) {
  if (!lz4().ok) {
    error = "lz4: liblz4.so.1 is not installed";
    return false;
  }
  void* dctx = nullptr;
  lz4().createDCtx(&dctx, kLz4fVersion);
  std::vector<char> chunk(4 * kChunk);
  size_t pos = 0;
  for (;;) {
    size_t outSize = chunk.size();
    size_t inSize = image.size() - pos;
    size_t rc = lz4().decompress(dctx, chunk.data(), &outSize, image.data() + pos, &inSize, nullptr);
    if (lz4().isError(rc)) {
      error = std::string("lz4: ") + lz4().errorName(rc) + " at compressed offset " + std::to_string(pos);
      lz4().freeDCtx(dctx);
      return false;
    }
    pos += inSize;
    out.append(chunk.data(), outSize);
    if (rc == 0) break;
    if (pos == image.size() && outSize == 0) {
      error = "lz4: truncated data";
      lz4().freeDCtx(dctx);
      return false;
    }
  }
  used = pos;
  lz4().freeDCtx(dctx);
  return true;
}

}  // namespace

bool parseCodec(std::string_view name, Codec& out) {
  if (name == "none") out = Codec::None;
  else if (name == "gzip") out = Codec::Gzip;
  else if (name == "lz4") out = Codec::Lz4;
  else if (name == "zstd") out = Codec::Zstd;
  else return false;
  // Loaded now, on the event loop: a snapshot's writer thread then only calls into the library.
  if (out == Codec::Lz4) (void)lz4();
  if (out == Codec::Zstd) (void)zstd();
  return true;
}

const char* codecName(Codec codec) {
  switch (codec) {
    case Codec::Gzip: return "gzip";
    case Codec::Lz4: return "lz4";
    case Codec::Zstd: return "zstd";
    case Codec::None: break;
  }
  return "none";
}

std::unique_ptr<Compressor> makeCompressor(Codec codec, ByteSink sink, std::string& error) {
  switch (codec) {
    case Codec::None: return std::make_unique<PassThrough>(std::move(sink));
    case Codec::Gzip: return std::make_unique<GzipCompressor>(std::move(sink));
    case Codec::Lz4:
      if (!lz4().ok) break;
      return std::make_unique<Lz4Compressor>(std::move(sink));
    case Codec::Zstd:
      if (!zstd().ok) break;
      return std::make_unique<ZstdCompressor>(std::move(sink));
  }
  error = std::string(codecName(codec)) + " compression needs lib" + codecName(codec) + ".so.1, which is not installed";
  return nullptr;
}

bool decompressLeadingFrame(std::string& image, std::string& error) {
  std::string out;
  size_t used = 0;
  bool ok;
  if (startsWith(image, {0x1f, 0x8b})) ok = gunzipFrame(image, out, used, error);
  else if (startsWith(image, {0x28, 0xb5, 0x2f, 0xfd})) ok = unzstdFrame(image, out, used, error);
  else if (startsWith(image, {0x04, 0x22, 0x4d, 0x18})) ok = unlz4Frame(image, out, used, error);
  else return true;
  if (!ok) return false;
  out.append(image, used, std::string::npos);
  image = std::move(out);
  return true;
}

}  // namespace rp
