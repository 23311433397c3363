// The N-API surface of the engine (typed by ts/native-module.d.ts): init, execute, cron,
// setConfig, info. Only this file includes napi.h.
//
// execute() is the hot path: it walks the framed batch (argument offsets into the request bytes,
// see batch_abi.h), resolves each command name case-insensitively in a small open-addressing table
// built at init (no allocation per lookup), checks arity, runs the C++ handler, and returns the
// replies of the whole batch as one Buffer copied out of a reused native buffer.
#include <napi.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "batch_abi.h"
#include "commands/registry.h"
#include "engine/engine.h"
#include "engine/stats.h"
#include "persistence/aof.h"
#include "persistence/compress.h"
#include "persistence/files.h"
#include "persistence/live_snapshot.h"
#include "persistence/rdb.h"
#include "protocol/reply.h"
#include "scripting/host.h"
#include "scripting/run_stack.h"
#include "util/socket_send.h"
#include "net/client_io.h"
#include "protocol/request.h"

namespace rp {
namespace {

constexpr size_t kMaxNameLength = 64;
constexpr int kCommandsPerClockRead = 8;

constexpr int kFlagWrite = 1;     // init flags: the command writes
constexpr int kFlagNoScript = 2;  // init flags: scripts may not call it
constexpr int kFlagPubSub = 4;    // init flags: PUBLISH, SPUBLISH

struct Subcommand {
  int id = 0;        // native command id (index in init's names): per-command statistics
  std::string name;  // lowercase, the part after '|'
  std::string fullName;
  int arity = 0;
  int flags = 0;
  CommandHandler handler = nullptr;
};

struct Command {
  int id = 0;
  std::string name;
  std::string upperName;  // for "Try OBJECT HELP."
  int arity = 0;
  int flags = 0;
  CommandHandler handler = nullptr;
  std::vector<Subcommand> subcommands;  // non-empty for containers (OBJECT)
};

inline unsigned char lowerAscii(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

inline uint64_t nameHash(const char* p, size_t n) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: names are short
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ULL;
  return h;
}

// Command lookup by lowercase name: open addressing over indexes into `commands`.
class CommandTable {
 public:
  void build(std::vector<Command> commands) {
    commands_ = std::move(commands);
    size_t size = 16;
    while (size < commands_.size() * 4) size <<= 1;
    slots_.assign(size, -1);
    for (size_t i = 0; i < commands_.size(); ++i) {
      const std::string& n = commands_[i].name;
      size_t s = nameHash(n.data(), n.size()) & (size - 1);
      while (slots_[s] >= 0) s = (s + 1) & (size - 1);
      slots_[s] = static_cast<int>(i);
    }
  }
  // `name` as sent (any case).
  const Command* find(std::string_view name) const {
    if (name.empty() || name.size() > kMaxNameLength || slots_.empty()) return nullptr;
    char lower[kMaxNameLength];
    for (size_t i = 0; i < name.size(); ++i)
      lower[i] = static_cast<char>(lowerAscii(static_cast<unsigned char>(name[i])));
    size_t mask = slots_.size() - 1;
    size_t s = nameHash(lower, name.size()) & mask;
    while (slots_[s] >= 0) {
      const Command& c = commands_[static_cast<size_t>(slots_[s])];
      if (c.name.size() == name.size() && std::memcmp(c.name.data(), lower, name.size()) == 0) return &c;
      s = (s + 1) & mask;
    }
    return nullptr;
  }

 private:
  std::vector<Command> commands_;
  std::vector<int> slots_;
};

struct State {
  std::unique_ptr<Engine> engine;
  CommandTable commands;
  ReplyWriter reply;
  std::vector<std::string_view> args;
  // MISCONF while persistence fails (setWriteRefusal); empty when writes are allowed.
  std::string writeRefusal;
  // Runs a TypeScript-owned command for redis.call (setScriptCallback); the env of the execute()
  // call in progress, in which the callback is made.
  Napi::FunctionReference scriptCallback;
  napi_env env = nullptr;
  // Takes the tracking invalidations recorded so far, before a message is published
  // (setInvalidationHandler, KeyspaceEvents::sendInvalidationsFirst).
  Napi::FunctionReference invalidationHandler;
  // INFO commandstats / errorstats / latencystats, SLOWLOG and LATENCY capture.
  CommandStats stats;
  // The running BGSAVE / BGREWRITEAOF, if any (at most one at a time, as Redis runs one child).
  std::unique_ptr<LiveSnapshot> persistJob;
  // The EVAL/FCALL whose script is suspended (scripting::scriptSuspended): what its completion in
  // resumeScript() needs from the batch it started in.
  struct SuspendedCommand {
    int id = 0;
    uint64_t startNs = 0;
    int dbIndex = 0;
    int resp = 2;
    long long nowMs = 0;
    bool countStats = false;
    std::vector<std::string> argv;
  } suspended;
  // Reply views: small replies are copied into a shared JS ArrayBuffer slab and returned as
  // Uint8Array views over it, never overwritten (a full slab is replaced by a new one; the old one
  // lives while views reference it). Measured on this machine: ~0.3 us per execute() call against
  // ~0.65 us with Buffer::Copy, whose cost is creating a new backing store per call.
  napi_ref slab = nullptr;
  char* slabData = nullptr;
  size_t slabSize = 0;
  size_t slabUsed = 0;
};

constexpr size_t kSlabBytes = 64 * 1024;
constexpr size_t kMaxViewReply = 8 * 1024;

// The engine lives until the process ends. It is deliberately never destroyed: like Redis we do
// not walk and free the whole dataset at exit, and N-API handles must not be released after the
// environment is gone.
State* state = nullptr;

inline bool arityMismatch(int arity, int argc) { return arity > 0 ? argc != arity : argc < -arity; }

void wrongArity(ReplyWriter& reply, std::string_view name) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(name);
  msg.append("' command");
  reply.error(msg);
}

void runScriptCommand(scripting::ScriptCall& call);
inline bool noteErrorReply(CommandStats& stats, const ReplyWriter& reply, size_t replyBefore);

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state) {
    Napi::Error::New(env, "init() was already called").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsTypedArray()) {
    Napi::TypeError::New(env, "init(databases, names, arities)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int databases = info[0].As<Napi::Number>().Int32Value();
  if (databases < 1 || databases > 1'000'000) {
    Napi::RangeError::New(env, "databases out of range").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array names = info[1].As<Napi::Array>();
  Napi::Int32Array arities = info[2].As<Napi::Int32Array>();
  const bool hasFlags = info.Length() > 3 && info[3].IsTypedArray();
  Napi::Int32Array flagsArr = hasFlags ? info[3].As<Napi::Int32Array>() : Napi::Int32Array();
  if (hasFlags && flagsArr.ElementLength() < names.Length()) {
    Napi::TypeError::New(env, "flags shorter than names").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (arities.ElementLength() < names.Length()) {
    Napi::TypeError::New(env, "arities shorter than names").ThrowAsJavaScriptException();
    return env.Undefined();
  }

  std::vector<Command> commands;
  std::vector<std::string> missing;
  struct PendingSub {
    std::string container;
    Subcommand sub;
  };
  std::vector<PendingSub> subs;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    for (char& c : name) c = static_cast<char>(lowerAscii(static_cast<unsigned char>(c)));
    int arity = arities[i];
    int flags = hasFlags ? flagsArr[i] : 0;
    size_t bar = name.find('|');
    if (bar != std::string::npos) {
      PendingSub p;
      p.container = name.substr(0, bar);
      p.sub.name = name.substr(bar + 1);
      p.sub.fullName = name;
      p.sub.id = static_cast<int>(i);
      p.sub.arity = arity;
      p.sub.flags = flags;
      p.sub.handler = findRegisteredHandler(name);
      if (!p.sub.handler) missing.push_back(name);
      subs.push_back(std::move(p));
      continue;
    }
    Command c;
    c.id = static_cast<int>(i);
    c.name = name;
    c.upperName = name;
    for (char& ch : c.upperName) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    c.arity = arity;
    c.flags = flags;
    c.handler = findRegisteredHandler(name);
    commands.push_back(std::move(c));
  }
  for (PendingSub& p : subs) {
    for (Command& c : commands) {
      if (c.name == p.container) {
        c.subcommands.push_back(std::move(p.sub));
        break;
      }
    }
  }
  for (const Command& c : commands)
    if (!c.handler && c.subcommands.empty()) missing.push_back(c.name);

  state = new State();
  state->engine = std::make_unique<Engine>(databases);
  scripting::setCommandRunner(runScriptCommand);
  state->commands.build(std::move(commands));
  state->stats.resize(names.Length());
  CommandClock::calibrate();

  Napi::Array result = Napi::Array::New(env, missing.size());
  for (size_t i = 0; i < missing.size(); ++i) result.Set(static_cast<uint32_t>(i), missing[i]);
  return result;
}

// Before a batch runs: hash the first argument after the name of up to kPrefetchCommands records
// (the key of most data commands; a wrong guess only wastes a hint) and prefetch their buckets,
// then the entries those buckets point at. The lookups that follow then mostly hit the cache: at
// -P 16 the two dependent misses per lookup were the largest cost of the engine.
constexpr size_t kPrefetchCommands = 32;

void prefetchKeys(Engine& engine, int dbIndex, const int32_t* frames, size_t cursor, size_t end, const char* input,
                  size_t inputLength) {
  if (dbIndex < 0 || dbIndex >= engine.databaseCount()) return;
  const Db& db = engine.db(dbIndex);
  uint64_t hashes[kPrefetchCommands];
  size_t count = 0;
  while (cursor < end && count < kPrefetchCommands) {
    int32_t argc = frames[cursor];
    if (argc <= 0) return;
    size_t next = cursor + 1 + 2 * static_cast<size_t>(argc);
    if (next > end) return;
    if (argc >= 2) {
      int32_t off = frames[cursor + 3];
      int32_t len = frames[cursor + 4];
      if (off >= 0 && len >= 0 && static_cast<size_t>(off) + static_cast<size_t>(len) <= inputLength)
        hashes[count++] = hashKey(std::string_view(input + off, static_cast<size_t>(len)));
    }
    cursor = next;
  }
  if (count < 2) return;  // a single lookup gains nothing from a hint issued just before it
  for (size_t i = 0; i < count; ++i) db.prefetch(hashes[i], 0);
  for (size_t i = 0; i < count; ++i) db.prefetch(hashes[i], 1);
}

Napi::Value replyValue(Napi::Env env, ReplyWriter& reply, size_t from);

// Runs a resolved command: WATCH bookkeeping, replies for exceptions, and (when `record`) its AOF
// record, the override the command asked for or its own argv.
inline void invokeHandler(Engine& engine, CommandHandler handler, CommandContext& ctx, bool record) {
  const long long dirtyBefore = engine.dirty();
  engine.beginCommand();
  WatchTable& watches = engine.watches();
  watches.beginCommand();
  try {
    handler(ctx);
  } catch (const std::bad_alloc&) {
    ctx.reply.error("OOM command not allowed when used memory > 'maxmemory'.");
  } catch (...) {
    ctx.reply.error("ERR internal error");
  }
  watches.endCommand(engine.dirty() != dirtyBefore);
  AofLog& aof = engine.aof();
  if (record && aof.active() && (engine.dirty() != dirtyBefore || engine.overridden())) {
    if (engine.overridden()) {
      engine.recordOverride(ctx.dbIndex);
    } else {
      aof.record(ctx.dbIndex, ctx.argv, ctx.nowMs);
    }
  }
}

const Subcommand* findSubcommand(const Command& cmd, std::string_view name) {
  for (const Subcommand& s : cmd.subcommands)
    if (equalsIgnoreCase(name, s.name)) return &s;
  return nullptr;
}

void callScriptCallback(scripting::ScriptCall& call) {
  Napi::Env env(state->env);
  Napi::HandleScope scope(env);
  Napi::Array args = Napi::Array::New(env, call.argv.size());
  for (size_t i = 0; i < call.argv.size(); ++i)
    args.Set(static_cast<uint32_t>(i), Napi::Buffer<char>::Copy(env, call.argv[i].data(), call.argv[i].size()));
  Napi::Value result = state->scriptCallback.Call(
      {args, Napi::Number::New(env, call.db), Napi::Number::New(env, call.out.resp()), Napi::Boolean::New(env, call.readOnly)});
  if (env.IsExceptionPending()) {
    Napi::Error err = env.GetAndClearPendingException();
    return call.out.error("ERR " + err.Message());
  }
  if (!result.IsTypedArray()) return call.out.error(scripting::kErrUnknownFromScript);
  Napi::Uint8Array bytes = result.As<Napi::Uint8Array>();
  call.out.raw(std::string_view(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength()));
}

// A TypeScript-owned command called from a script: the callback dispatches it like a client's
// command and returns its RESP reply bytes. (JavaScript runs on the server's stack, not the run's.)
void runScriptCommandInJs(scripting::ScriptCall& call) {
  if (state->scriptCallback.IsEmpty() || state->env == nullptr) return call.out.error(scripting::kErrUnknownFromScript);
  scripting::callOnServerStack([&call] { callScriptCallback(call); });
}

// Before a message is published while invalidations wait: the messages still pending here are handed
// to TypeScript's queues first (they were published before the invalidations), then TypeScript
// takes the invalidations and queues them behind.
void sendInvalidationsInJs() {
  if (state->invalidationHandler.IsEmpty() || state->env == nullptr) return;
  PubSubTable& pubsub = state->engine->pubsub();
  if (pubsub.hasPending()) pubsub.flush(false);
  // (A script's command may get here: JavaScript runs on the server's stack, not the run's.)
  scripting::callOnServerStack([] {
    Napi::Env env(state->env);
    Napi::HandleScope scope(env);
    state->invalidationHandler.Call({});
    // The handler catches its own errors; nothing may stay pending inside the command.
    if (env.IsExceptionPending()) env.GetAndClearPendingException();
  });
}

// redis.call from a script: the command runs here, in the script's database, with the checks
// Redis's scriptCall makes (unknown, arity, noscript, writes from read-only scripts, MISCONF).
//
// As in Redis, the command counts in the statistics like a client's (commandstats, errorstats,
// total_commands_processed, slow log); the script's own error reply does not count an error
// again when it is one of these (scriptErrorCounted).
void runScriptCommand(scripting::ScriptCall& call) {
  Engine& engine = *state->engine;
  CommandStats& stats = state->stats;
  const Command* cmd = state->commands.find(call.argv[0]);
  if (!cmd) return runScriptCommandInJs(call);  // TypeScript counts its own commands
  // A refusal: Redis's rejectCommand (rejected_calls of the command, when known, and errorstats).
  const auto reject = [&](int id, std::string_view message) {
    if (id >= 0) stats.recordRejected(id);
    call.out.error(message);
    noteErrorReply(stats, call.out, 0);
  };
  const int argc = static_cast<int>(call.argv.size());
  if (arityMismatch(cmd->arity, argc)) return reject(cmd->id, scripting::kErrArityFromScript);
  CommandHandler handler = cmd->handler;
  std::string_view name = cmd->name;
  int flags = cmd->flags;
  int commandId = cmd->id;
  if (!cmd->subcommands.empty()) {
    const Subcommand* sub = findSubcommand(*cmd, call.argv[1]);
    if (!sub) return reject(-1, scripting::kErrUnknownFromScript);
    if (arityMismatch(sub->arity, argc)) return reject(sub->id, scripting::kErrArityFromScript);
    handler = sub->handler;
    name = sub->fullName;
    flags = sub->flags;
    commandId = sub->id;
  }
  if (flags & kFlagNoScript) return reject(commandId, scripting::kErrNoScript);
  // PUBLISH and SPUBLISH reach replicas in Redis (may-replicate): read-only scripts may not run them.
  if ((flags & kFlagPubSub) && call.readOnly) return reject(commandId, scripting::kErrWriteFromReadOnly);
  if (flags & kFlagWrite) {
    if (call.readOnly) return reject(commandId, scripting::kErrWriteFromReadOnly);
    if (!state->writeRefusal.empty()) return reject(commandId, state->writeRefusal);
  }
  const uint64_t startNs = CommandClock::nowNanos();
  CommandContext ctx{engine,
                     engine.db(call.db),
                     call.db,
                     call.out,
                     call.out.resp(),
                     engine.nowMs(),
                     abi::kClientFlagDenyBlocking | abi::kClientFlagScript | (engine.touchAllowed() ? 0u : static_cast<unsigned>(abi::kClientFlagNoTouch)),
                     call.argv,
                     name};
  invokeHandler(engine, handler, ctx, call.propagate);
  engine.takeBlockRequest();
  call.ran = true;
  if (flags & kFlagWrite) call.ranWrite = true;
  const uint64_t tookNs = CommandClock::nowNanos() - startNs;
  stats.recordCall(commandId, tookNs, noteErrorReply(stats, call.out, 0));
  stats.noteScriptCommand();
  if (stats.shouldCapture(tookNs)) {
    const int64_t startMicros = Engine::wallClockMs() * 1000 - static_cast<int64_t>(tookNs / 1000);
    stats.capture(commandId, call.db, startMicros, tookNs, call.argv);
  }
}

// One framed batch to run (Execute's, or one command of an AOF being loaded).
struct BatchRun {
  const char* input = nullptr;
  size_t inputLength = 0;
  const int32_t* frames = nullptr;
  size_t cursor = 0;  // in: first record; out: past the last executed (at the stopping record)
  size_t end = 0;
  int dbIndex = 0;
  int resp = 2;
  unsigned clientFlags = 0;
  int executed = 0;  // out
  int stopped = 0;   // out: abi::StopReason
  int32_t blockTimeoutMs = -1;
  // Client commands count in the per-command statistics; AOF replay does not (as in Redis).
  bool countStats = false;
  // The native read path leaves EVAL/FCALL and the other noscript commands to TypeScript (a
  // script may suspend or call back into JavaScript for its caller): kNotNative before them.
  bool stopAtScripts = false;
};

// After a command wrote its reply from `replyBefore` on: a top-level error counts in errorstats
// (unless a script passes on the error of a command it called, which counted already).
inline bool noteErrorReply(CommandStats& stats, const ReplyWriter& reply, size_t replyBefore) {
  if (reply.size() <= replyBefore || reply.data()[replyBefore] != '-') return false;
  if (scripting::scriptErrorCounted) {
    scripting::scriptErrorCounted = false;
    return true;
  }
  stats.recordError(std::string_view(reply.data() + replyBefore, std::min<size_t>(reply.size() - replyBefore, 64)));
  return true;
}

// Runs the records of `run` through their handlers, replies into state->reply, write records into
// the AOF. Stops early for the reasons of abi::StopReason.
void runBatch(BatchRun& run) {
  Engine& engine = *state->engine;
  ReplyWriter& reply = state->reply;
  const char* input = run.input;
  const size_t inputLength = run.inputLength;
  const int32_t* frames = run.frames;
  const int dbIndex = run.dbIndex;
  size_t cursor = run.cursor;
  const size_t end = run.end;
  int executed = 0;
  int stopped = 0;
  // The command clock: read at the start of the batch and again every few commands (a clock
  // read costs ~20 ns here, ~10% of a GET), and after DEBUG (which may sleep).
  long long now = Engine::wallClockMs();
  int sinceClockRead = 0;
  std::vector<std::string_view>& args = state->args;
  CommandStats& stats = state->stats;
  const bool countStats = run.countStats;
  // Start of the current command for the statistics: the end of the previous one.
  uint64_t commandStartNs = countStats ? CommandClock::nowNanos() : 0;

  prefetchKeys(engine, dbIndex, frames, cursor, end, input, inputLength);

  while (cursor < end) {
    int32_t argc = frames[cursor];
    size_t recordEnd = cursor + 1 + 2 * static_cast<size_t>(argc > 0 ? argc : 0);
    if (argc <= 0 || recordEnd > end) {
      reply.error("ERR Protocol error: malformed command frame");
      cursor = end;
      ++executed;
      break;
    }
    args.clear();
    bool badOffsets = false;
    for (int32_t a = 0; a < argc; ++a) {
      int32_t off = frames[cursor + 1 + 2 * a];
      int32_t len = frames[cursor + 2 + 2 * a];
      if (off < 0 || len < 0 || static_cast<size_t>(off) + static_cast<size_t>(len) > inputLength) {
        badOffsets = true;
        break;
      }
      args.emplace_back(input + off, static_cast<size_t>(len));
    }
    if (badOffsets) {
      reply.error("ERR Protocol error: malformed command frame");
      cursor = recordEnd;
      ++executed;
      continue;
    }
    const Command* cmd = state->commands.find(args[0]);
    if (!cmd) {
      stopped = abi::kNotNative;
      break;
    }
    const size_t recordStart = cursor;
    cursor = recordEnd;
    ++executed;
    const size_t replyBefore = reply.size();
    if (dbIndex < 0 || dbIndex >= engine.databaseCount()) {
      reply.error(kErrDbIndex);
      if (countStats) noteErrorReply(stats, reply, replyBefore);
      continue;
    }
    if (arityMismatch(cmd->arity, argc)) {
      wrongArity(reply, cmd->name);
      if (countStats) {
        stats.recordRejected(cmd->id);
        stats.noteLastCommand(cmd->id);
        noteErrorReply(stats, reply, replyBefore);
      }
      continue;
    }
    int commandId = cmd->id;
    CommandHandler handler = cmd->handler;
    std::string_view name = cmd->name;
    int flags = cmd->flags;
    if (!cmd->subcommands.empty()) {
      std::string_view sub = args[1];
      const Subcommand* found = findSubcommand(*cmd, sub);
      if (!found) {
        std::string msg = "ERR unknown subcommand '";
        msg.append(sub.substr(0, 128));
        msg.append("'. Try ");
        msg.append(cmd->upperName);
        msg.append(" HELP.");
        reply.error(msg);
        if (countStats) {
          stats.noteLastCommand(-1);  // Redis's lookup found no command: CLIENT LIST shows cmd=NULL
          noteErrorReply(stats, reply, replyBefore);
        }
        continue;
      }
      if (arityMismatch(found->arity, argc)) {
        wrongArity(reply, found->fullName);
        if (countStats) {
          stats.recordRejected(found->id);
          stats.noteLastCommand(found->id);
          noteErrorReply(stats, reply, replyBefore);
        }
        continue;
      }
      handler = found->handler;
      name = found->fullName;
      flags = found->flags;
      commandId = found->id;
    }
    if ((flags & kFlagNoScript) && run.stopAtScripts) {
      cursor = recordStart;
      --executed;
      stopped = abi::kNotNative;
      break;
    }
    if ((flags & kFlagWrite) && !state->writeRefusal.empty()) {
      reply.error(state->writeRefusal);
      if (countStats) {
        stats.recordRejected(commandId);
        stats.noteLastCommand(commandId);
        noteErrorReply(stats, reply, replyBefore);
      }
      continue;
    }
    if (++sinceClockRead == kCommandsPerClockRead) {
      now = Engine::wallClockMs();
      sinceClockRead = 0;
    }
    engine.setNowMs(now);
    CommandContext ctx{engine,
                       engine.db(dbIndex),
                       dbIndex,
                       reply,
                       run.resp,
                       now,
                       run.clientFlags,
                       std::span<const std::string_view>(args.data(), args.size()),
                       name};
    invokeHandler(engine, handler, ctx, true);
    if (name == "debug") sinceClockRead = kCommandsPerClockRead - 1;
    if (engine.takeBlockRequest()) {
      // Not answered: TypeScript parks the client on this record and runs it again later.
      cursor = recordStart;
      --executed;
      stopped = abi::kBlocked;
      long long wait = engine.blockTimeoutMs();
      run.blockTimeoutMs = wait < 0 ? -1 : wait >= INT32_MAX ? 0 : static_cast<int32_t>(wait);
      break;
    }
    if (scripting::scriptJustSuspended) {
      scripting::scriptJustSuspended = false;
      // Not answered yet: TypeScript holds the client's later commands and resumes the script.
      cursor = recordStart;
      --executed;
      stopped = abi::kScriptBusy;
      State::SuspendedCommand& held = state->suspended;
      held.id = commandId;
      held.startNs = commandStartNs;
      held.dbIndex = dbIndex;
      held.resp = run.resp;
      held.nowMs = now;
      held.countStats = countStats;
      held.argv.assign(args.begin(), args.end());
      break;
    }
    if (countStats) {
      // A command that blocked was not answered and is counted when it runs again (as Redis does
      // on unblocking), so this comes after the block check.
      const uint64_t endNs = CommandClock::nowNanos();
      const uint64_t tookNs = endNs - commandStartNs;
      commandStartNs = endNs;
      stats.recordCall(commandId, tookNs, noteErrorReply(stats, reply, replyBefore));
      stats.noteLastCommand(commandId);
      if (stats.shouldCapture(tookNs)) {
        const int64_t startMicros = Engine::wallClockMs() * 1000 - static_cast<int64_t>(tookNs / 1000);
        stats.capture(commandId, dbIndex, startMicros, tookNs, std::span<const std::string_view>(args.data(), args.size()));
      }
    }
    if (engine.hasReadyKeys()) {
      stopped = abi::kKeysReady;
      break;
    }
  }
  run.cursor = cursor;
  run.executed = executed;
  run.stopped = stopped;
}

// The control block (see batch_abi.h), or null after throwing when it is too small.
int32_t* controlBlock(Napi::Env env, const Napi::Value& value) {
  Napi::Int32Array array = value.As<Napi::Int32Array>();
  if (array.ElementLength() < static_cast<size_t>(abi::kControlSize)) {
    Napi::TypeError::New(env, "control block too small").ThrowAsJavaScriptException();
    return nullptr;
  }
  return array.Data();
}

// Whether replies and messages may be written to sockets now: only after the AOF records of what
// produced them were written (a crash of the process then loses no acknowledged write); under
// `always` they also wait for the tick's fsync, done in TypeScript. Decided once, when something is
// to be sent.
// `writeAof`: the gate may write the records itself (not under always); the native read path
// writes them once per loop turn instead (NativeRead::turnEnd).
class SocketGate {
 public:
  explicit SocketGate(AofLog& aof, bool writeAof = true) : aof_(aof), writeAof_(writeAof) {}
  bool open() {
    if (state_ < 0)
      state_ = aof_.pendingBytes() == 0 ||
               (writeAof_ && aof_.policy() != FsyncPolicy::Always && aof_.flush(Engine::wallClockMs()).error == 0);
    return state_ == 1;
  }

 private:
  AofLog& aof_;
  bool writeAof_;
  int state_ = -1;
};

// Sends the pub/sub messages (PUBLISH, keyspace notifications) waiting for other clients; notes in
// the control block how many clients have messages for takeDeliveries. Returns the bytes sent.
size_t flushMessages(PubSubTable& pubsub, SocketGate& gate, int32_t* control) {
  const size_t sent = pubsub.hasPending() ? pubsub.flush(gate.open()) : 0;
  control[abi::kDeliveries] = static_cast<int32_t>(pubsub.handoffCount());
  control[abi::kSentBytes] = static_cast<int32_t>(sent);
  return sent;
}

// Runs a client's framed batch (execute() and the native read path) with the control block's
// inputs, and sets its outputs. The replies are in state->reply; returns how many of their bytes
// were sent to the client's socket (control[kSendSocket]), so the rest goes to JavaScript.
//
// From the native read path (`nativeRead`), AOF records are not written per batch: the replies wait
// (unsent) and the read path writes the records of all its batches once per event-loop turn.
size_t runClientBatch(const char* input, size_t inputLength, const int32_t* frames, size_t framesLength,
                      int32_t* control, bool nativeRead) {
  Engine& engine = *state->engine;
  ReplyWriter& reply = state->reply;
  reply.clear();
  BatchRun run;
  run.input = input;
  run.inputLength = inputLength;
  run.frames = frames;
  run.resp = control[abi::kResp] == 3 ? 3 : 2;
  reply.setResp(run.resp);
  run.dbIndex = control[abi::kDb];
  run.clientFlags = static_cast<unsigned>(control[abi::kClientFlags]);
  run.countStats = true;
  run.stopAtScripts = nativeRead;
  engine.setTouchAllowed(!(run.clientFlags & abi::kClientFlagNoTouch));
  engine.setSignalReadyKeys((run.clientFlags & abi::kClientFlagSignalReady) != 0);
  scripting::recordScriptCommands((run.clientFlags & abi::kClientFlagMonitored) != 0);
  long long dirtyBefore = engine.dirty();
  run.cursor = static_cast<size_t>(control[abi::kFrameCursor] < 0 ? 0 : control[abi::kFrameCursor]);
  run.end = std::min(static_cast<size_t>(control[abi::kFrameEnd] < 0 ? 0 : control[abi::kFrameEnd]), framesLength);
  PubSubTable& pubsub = engine.pubsub();
  pubsub.setCurrentClient(control[abi::kClientSocket] - 1, &reply.buffer());
  runBatch(run);
  pubsub.setCurrentClient(-1, nullptr);
  if (run.stopped == abi::kBlocked) control[abi::kBlockTimeoutMs] = run.blockTimeoutMs;
  control[abi::kFrameCursor] = static_cast<int32_t>(run.cursor);
  control[abi::kExecuted] = run.executed;
  control[abi::kStopped] = run.stopped;
  control[abi::kDirty] = static_cast<int32_t>(engine.dirty() - dirtyBefore);
  AofLog& aof = engine.aof();
  SocketGate gate(aof, !nativeRead);
  // Subscribers first: they see a message before its publisher sees the reply, as with Redis.
  const size_t sentToSockets = flushMessages(pubsub, gate, control);
  control[abi::kAofPending] = aof.pendingBytes() > 0 ? 1 : 0;
  if (reply.size() == 0) return 0;
  size_t sent = 0;
  const bool sendNow = control[abi::kSendSocket] > 0 && gate.open();
  control[abi::kAofPending] = aof.pendingBytes() > 0 ? 1 : 0;
  if (sendNow) {
    sent = sendNonBlocking(control[abi::kSendSocket] - 1, reply.data(), reply.size());
    control[abi::kSentBytes] = static_cast<int32_t>(sentToSockets + sent);
    if (sent == reply.size()) {
      reply.clear();
      reply.buffer().shrinkIfLarge(size_t{64} << 20);
    }
  }
  return sent;
}

Napi::Value Execute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) {
    Napi::Error::New(env, "init() must be called first").ThrowAsJavaScriptException();
    return env.Null();
  }
  if (info.Length() < 3 || !info[0].IsBuffer() || !info[1].IsTypedArray() || !info[2].IsTypedArray()) {
    Napi::TypeError::New(env, "execute(input, frames, control)").ThrowAsJavaScriptException();
    return env.Null();
  }
  Napi::Buffer<char> inputBuf = info[0].As<Napi::Buffer<char>>();
  Napi::Int32Array framesArr = info[1].As<Napi::Int32Array>();
  int32_t* control = controlBlock(env, info[2]);
  if (control == nullptr) return env.Null();
  state->env = env;
  size_t sent = runClientBatch(inputBuf.Data(), inputBuf.Length(), framesArr.Data(), framesArr.ElementLength(), control, false);
  ReplyWriter& reply = state->reply;
  if (reply.size() == 0) return env.Null();
  return replyValue(env, reply, sent);
}

// ---- The native read path (net/client_io.h) ----

// Bits of the read callback's `flags` argument: what JavaScript must do besides reading the rest.
constexpr int kReadClosed = 1;       // the peer closed the connection or the read failed
constexpr int kReadDeliveries = 2;   // pub/sub messages wait for TypeScript (takeDeliveries)
constexpr int kReadAofPending = 4;   // AOF records wait to be written (and replies for them)
constexpr int kReadSlowCommands = 8; // SLOWLOG / LATENCY captured commands to collect

struct NativeRead {
  net::ClientIo io;
  napi_env env = nullptr;
  // (clientId, restLength, flags, unsentReplies) => void; restLength bytes at the start of the
  // shared read buffer are for the client's TypeScript reader.
  Napi::FunctionReference callback;
  napi_async_context asyncContext = nullptr;
  Napi::Reference<Napi::Buffer<char>> buffer;
  Napi::Reference<Napi::Float64Array> table;
  Napi::Reference<Napi::Float64Array> counters;
  // Set by TypeScript: nothing server-wide (MONITOR, a busy script, keyspace notifications or
  // tracking, blocked clients) needs it to see each command.
  bool allowed = false;
  std::vector<int32_t> frames;
  std::vector<uint32_t> starts;
  // Replies held until the AOF records of their batches are written: once per event-loop turn,
  // in the check phase right after the reads (Redis's beforeSleep), instead of a write per batch.
  uv_check_t turnEnd{};
  std::unordered_map<int64_t, std::string> held;
};
std::unique_ptr<NativeRead> nativeRead;

void callRead(int64_t clientId, size_t restLength, int flags, Napi::Value unsent);

// Runs the complete commands at the start of a fast client's read in the engine. Returns where
// the bytes TypeScript must see begin; sets the callback's flags and the replies the socket did not
// take.
size_t runNativeRead(net::Connection& conn, double* slot, size_t length, int& flags, size_t& unsentFrom) {
  NativeRead& nr = *nativeRead;
  const char* data = nr.io.buffer();
  nr.frames.clear();
  nr.starts.clear();
  const size_t framed = frameCommands(data, length, nr.frames, nr.starts);
  if (framed == 0) return 0;
  int32_t control[abi::kControlSize] = {};
  control[abi::kFrameEnd] = static_cast<int32_t>(nr.frames.size());
  control[abi::kDb] = static_cast<int32_t>(slot[net::kSlotDb]);
  control[abi::kResp] = static_cast<int32_t>(slot[net::kSlotResp]);
  control[abi::kClientFlags] = static_cast<int32_t>(slot[net::kSlotFlags]);
  control[abi::kSendSocket] = conn.fd + 1;
  control[abi::kClientSocket] = conn.fd + 1;
  state->env = nr.env;
  const size_t sent = runClientBatch(data, length, nr.frames.data(), nr.frames.size(), control, true);
  const int executed = control[abi::kExecuted];
  nr.io.count(net::kCounterCommands, executed);
  nr.io.count(net::kCounterOutputBytes, control[abi::kSentBytes]);
  nr.io.count(net::kCounterDirty, control[abi::kDirty]);
  if (executed > 0) {
    const int last = state->stats.lastCommand();
    slot[net::kSlotLastCommand] = last < 0 ? -3 : last;
  }
  if (control[abi::kDeliveries] != 0) flags |= kReadDeliveries;
  if (state->stats.slowCommandsWaiting()) flags |= kReadSlowCommands;
  ReplyWriter& reply = state->reply;
  const bool ranAll = control[abi::kStopped] == abi::kRanAll;
  if (control[abi::kAofPending] != 0) {
    if (ranAll && flags == 0) {
      // Held for the turn's one AOF write (and fsync under `always`): NativeRead::turnEnd.
      nr.held[conn.id].append(reply.data() + sent, reply.size() - sent);
      reply.clear();
      return framed;
    }
    flags |= kReadAofPending;
  }
  // Left in state->reply from unsentFrom on, for the caller to hand over.
  if (reply.size() > sent) unsentFrom = sent;
  if (ranAll) return framed;
  // Stopped at a record it did not run (kNotNative, kBlocked): TypeScript reads on from there.
  const size_t cursor = static_cast<size_t>(control[abi::kFrameCursor]);
  size_t index = 0;
  for (size_t c = 0; c < cursor && c < nr.frames.size(); c += 1 + 2 * static_cast<size_t>(nr.frames[c])) ++index;
  return index < nr.starts.size() ? nr.starts[index] : framed;
}

void onClientRead(net::Connection& conn, long length) {
  NativeRead& nr = *nativeRead;
  int flags = 0;
  size_t restStart = 0;
  size_t restLength = length > 0 ? static_cast<size_t>(length) : 0;
  constexpr size_t kNothingUnsent = SIZE_MAX;
  size_t unsentFrom = kNothingUnsent;
  if (length <= 0) {
    flags |= kReadClosed;
  } else if (double* slot = nr.io.slotOf(conn); nr.allowed && slot != nullptr && slot[net::kSlotFast] != 0) {
    restStart = runNativeRead(conn, slot, restLength, flags, unsentFrom);
    restLength -= restStart;
    // The common case: everything ran and was sent, no JavaScript (not even a handle scope).
    if (restLength == 0 && flags == 0 && unsentFrom == kNothingUnsent) return;
  }
  Napi::Env env(nr.env);
  Napi::HandleScope scope(env);
  Napi::Value unsent = unsentFrom == kNothingUnsent ? env.Null() : replyValue(env, state->reply, unsentFrom);
  char* data = nr.io.buffer();
  if (restStart > 0 && restLength > 0) std::memmove(data, data + restStart, restLength);
  callRead(conn.id, restLength, flags, unsent);
}

// Calls TypeScript's read callback (see ioInit). Replies still held for the client go first, with
// the AOF write they wait for left to TypeScript.
void callRead(int64_t clientId, size_t restLength, int flags, Napi::Value unsent) {
  NativeRead& nr = *nativeRead;
  Napi::Env env(nr.env);
  if (auto it = nr.held.find(clientId); it != nr.held.end()) {
    std::string bytes = std::move(it->second);
    nr.held.erase(it);
    if (!unsent.IsNull()) {
      Napi::Uint8Array later = unsent.As<Napi::Uint8Array>();
      bytes.append(reinterpret_cast<const char*>(later.Data()), later.ByteLength());
    }
    unsent = Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size());
    flags |= kReadAofPending;
  }
  napi_value args[4] = {Napi::Number::New(env, static_cast<double>(clientId)),
                        Napi::Number::New(env, static_cast<double>(restLength)), Napi::Number::New(env, flags),
                        unsent};
  napi_value result;
  napi_status status =
      napi_make_callback(nr.env, nr.asyncContext, env.Global(), nr.callback.Value(), 4, args, &result);
  if (status == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(nr.env, &error);
    napi_fatal_exception(nr.env, error);
  }
}

// The check phase after a turn's reads: one AOF write for every batch the read path ran (and one
// fdatasync under appendfsync always: group commit), then their replies. What a socket does not take (or every reply, if the write failed: TypeScript
// then reports the error and decides) goes to TypeScript.
void onTurnEnd(uv_check_t*) {
  NativeRead& nr = *nativeRead;
  if (nr.held.empty()) return;
  AofLog& aof = state->engine->aof();
  const bool written = aof.pendingBytes() == 0 || aof.flush(Engine::wallClockMs()).error == 0;
  std::vector<std::pair<int64_t, std::string>> rest;
  for (auto& [clientId, bytes] : nr.held) {
    net::Connection* conn = nr.io.find(clientId);
    if (conn == nullptr) continue;
    size_t sent = written ? sendNonBlocking(conn->fd, bytes.data(), bytes.size()) : 0;
    nr.io.count(net::kCounterOutputBytes, static_cast<double>(sent));
    if (sent < bytes.size()) rest.emplace_back(clientId, bytes.substr(sent));
  }
  nr.held.clear();
  if (rest.empty()) return;
  Napi::Env env(nr.env);
  Napi::HandleScope scope(env);
  for (auto& [clientId, bytes] : rest) {
    if (nr.io.find(clientId) == nullptr) continue;
    callRead(clientId, 0, written ? 0 : kReadAofPending, Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size()));
  }
}

// ioInit(readBuffer, clientTable, counters, callback): the native read path's shared memory and
// its callback into TypeScript.
Napi::Value IoInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 4 || !info[0].IsBuffer() || !info[1].IsTypedArray() || !info[2].IsTypedArray() ||
      !info[3].IsFunction()) {
    Napi::TypeError::New(env, "ioInit(readBuffer, clientTable, counters, callback)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!nativeRead) {
    nativeRead = std::make_unique<NativeRead>();
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    nativeRead->io.init(loop, onClientRead);
    uv_check_init(loop, &nativeRead->turnEnd);
    uv_check_start(&nativeRead->turnEnd, onTurnEnd);
    // The check handle alone must not keep the process alive.
    uv_unref(reinterpret_cast<uv_handle_t*>(&nativeRead->turnEnd));
    napi_async_init(env, nullptr, Napi::String::New(env, "rustypotato:read"), &nativeRead->asyncContext);
  }
  NativeRead& nr = *nativeRead;
  nr.env = env;
  Napi::Buffer<char> buffer = info[0].As<Napi::Buffer<char>>();
  nr.buffer = Napi::Persistent(buffer);
  nr.io.setBuffer(buffer.Data(), buffer.Length());
  Napi::Float64Array table = info[1].As<Napi::Float64Array>();
  nr.table = Napi::Persistent(table);
  nr.io.setTable(table.Data(), table.ElementLength() / net::kSlotStride);
  Napi::Float64Array counters = info[2].As<Napi::Float64Array>();
  if (counters.ElementLength() < net::kCounterCount) {
    Napi::TypeError::New(env, "counters too small").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  nr.counters = Napi::Persistent(counters);
  nr.io.setCounters(counters.Data());
  nr.callback = Napi::Persistent(info[3].As<Napi::Function>());
  return env.Undefined();
}

// ioTable(clientTable): a grown client table (the old one's rows copied by TypeScript).
Napi::Value IoTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!nativeRead || info.Length() < 1 || !info[0].IsTypedArray()) return env.Undefined();
  Napi::Float64Array table = info[0].As<Napi::Float64Array>();
  nativeRead->table = Napi::Persistent(table);
  nativeRead->io.setTable(table.Data(), table.ElementLength() / net::kSlotStride);
  return env.Undefined();
}

// ioAttach(clientId, fd, slot) → whether the engine now reads this socket.
Napi::Value IoAttach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!nativeRead || info.Length() < 3) return Napi::Boolean::New(env, false);
  const int64_t id = info[0].As<Napi::Number>().Int64Value();
  const int fd = info[1].As<Napi::Number>().Int32Value();
  const int slot = info[2].As<Napi::Number>().Int32Value();
  return Napi::Boolean::New(env, nativeRead->io.attach(id, fd, slot));
}

// ioDetach(clientId): stops reading the client's socket (it is closing).
Napi::Value IoDetach(const Napi::CallbackInfo& info) {
  if (nativeRead && info.Length() >= 1) nativeRead->io.detach(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

// ioReading(clientId, on): output back-pressure pauses reading a client.
Napi::Value IoReading(const Napi::CallbackInfo& info) {
  if (nativeRead && info.Length() >= 2)
    nativeRead->io.setReading(info[0].As<Napi::Number>().Int64Value(), info[1].ToBoolean().Value());
  return info.Env().Undefined();
}

// ioSend(fd, bytes) → how many bytes a non-blocking send() took (TypeScript-produced replies skip
// Node's stream machinery when nothing is queued there; it writes the rest).
Napi::Value IoSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsTypedArray()) return Napi::Number::New(env, 0);
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  const size_t sent = sendNonBlocking(info[0].As<Napi::Number>().Int32Value(), reinterpret_cast<const char*>(bytes.Data()),
                                     bytes.ByteLength());
  return Napi::Number::New(env, static_cast<double>(sent));
}

// ioAllowed(on): whether fast clients' commands may run without TypeScript (see NativeRead).
Napi::Value IoAllowed(const Napi::CallbackInfo& info) {
  if (nativeRead && info.Length() >= 1) nativeRead->allowed = info[0].ToBoolean().Value();
  return info.Env().Undefined();
}

// Returns reply bytes [from, size) to JavaScript: small ones as a view into the shared slab, large
// ones as their own Buffer.
Napi::Value replyValue(Napi::Env env, ReplyWriter& reply, size_t from) {
  const char* data = reply.data() + from;
  const size_t size = reply.size() - from;
  if (size <= kMaxViewReply) {
    if (state->slabData == nullptr || state->slabUsed + size > state->slabSize) {
      Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, kSlabBytes);
      if (state->slab) napi_delete_reference(env, state->slab);
      napi_create_reference(env, ab, 1, &state->slab);
      state->slabData = static_cast<char*>(ab.Data());
      state->slabSize = kSlabBytes;
      state->slabUsed = 0;
    }
    std::memcpy(state->slabData + state->slabUsed, data, size);
    napi_value slabValue = nullptr;
    napi_get_reference_value(env, state->slab, &slabValue);
    Napi::Uint8Array view = Napi::Uint8Array::New(env, size, Napi::ArrayBuffer(env, slabValue), state->slabUsed);
    state->slabUsed += (size + 7) & ~size_t{7};
    reply.clear();
    return view;
  }
  Napi::Buffer<char> out = Napi::Buffer<char>::Copy(env, data, size);
  reply.clear();
  // A huge reply (KEYS *, a 512 MB GET) should not pin its buffer forever.
  reply.buffer().shrinkIfLarge(size_t{64} << 20);
  return out;
}

// Runs the suspended script for a slice (see native-module.d.ts resumeScript).
Napi::Value ResumeScript(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "resumeScript(control, sliceMs)").ThrowAsJavaScriptException();
    return env.Null();
  }
  int32_t* control = controlBlock(env, info[0]);
  if (control == nullptr) return env.Null();
  Engine& engine = *state->engine;
  state->env = env;
  State::SuspendedCommand& held = state->suspended;
  ReplyWriter& reply = state->reply;
  reply.clear();
  reply.setResp(held.resp);
  // The script's clock stays where it started (Redis freezes time for a script's commands).
  engine.setNowMs(held.nowMs);
  engine.setSignalReadyKeys((control[abi::kClientFlags] & abi::kClientFlagSignalReady) != 0);
  scripting::recordScriptCommands((control[abi::kClientFlags] & abi::kClientFlagMonitored) != 0);
  const long long dirtyBefore = engine.dirty();
  PubSubTable& pubsub = engine.pubsub();
  pubsub.setCurrentClient(control[abi::kClientSocket] - 1, &reply.buffer());
  const bool done = scripting::resumeSuspendedScript(reply, static_cast<long long>(info[1].As<Napi::Number>().DoubleValue()));
  pubsub.setCurrentClient(-1, nullptr);
  control[abi::kExecuted] = done ? 1 : 0;
  control[abi::kStopped] = !done ? abi::kScriptBusy : engine.hasReadyKeys() ? abi::kKeysReady : abi::kRanAll;
  control[abi::kDirty] = static_cast<int32_t>(engine.dirty() - dirtyBefore);
  SocketGate gate(engine.aof());
  flushMessages(pubsub, gate, control);
  control[abi::kAofPending] = engine.aof().pendingBytes() > 0 ? 1 : 0;
  if (done && held.countStats) {
    CommandStats& stats = state->stats;
    const uint64_t tookNs = CommandClock::nowNanos() - held.startNs;
    stats.recordCall(held.id, tookNs, noteErrorReply(stats, reply, 0));
    stats.noteLastCommand(held.id);
    if (stats.shouldCapture(tookNs)) {
      std::vector<std::string_view> args(held.argv.begin(), held.argv.end());
      const int64_t startMicros = Engine::wallClockMs() * 1000 - static_cast<int64_t>(tookNs / 1000);
      stats.capture(held.id, held.dbIndex, startMicros, tookNs, std::span<const std::string_view>(args.data(), args.size()));
    }
  }
  if (reply.size() == 0) return env.Null();
  return replyValue(env, reply, 0);
}

Napi::Value Cron(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return Napi::Number::New(env, 0);
  double budget = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 1000;
  Engine& engine = *state->engine;
  state->env = env;
  engine.setNowMs(Engine::wallClockMs());
  long long expired = engine.cron(static_cast<int64_t>(budget));
  // The active cycle's "expired" notifications (and anything published outside a client's batch,
  // such as while loading) leave now, not with the next client's batch.
  PubSubTable& pubsub = engine.pubsub();
  if (pubsub.hasPending()) pubsub.flush(SocketGate(engine.aof()).open());
  return Napi::Number::New(env, static_cast<double>(expired));
}

Napi::Value SetConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) return env.Undefined();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string value = info[1].As<Napi::String>().Utf8Value();
  if (state->stats.setConfig(name, value)) return env.Undefined();
  if (name == "busy-reply-threshold") {
    scripting::setBusyReplyThreshold(std::atoll(value.c_str()));
    return env.Undefined();
  }
  state->engine->setConfig(name, value);
  return env.Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  if (!state) return out;
  Engine& engine = *state->engine;
  long long now = Engine::wallClockMs();
  out.Set("usedMemory", Napi::Number::New(env, static_cast<double>(engine.usedMemory() + state->reply.buffer().capacity())));
  Napi::Array keyspace = Napi::Array::New(env, static_cast<size_t>(engine.databaseCount()));
  for (int i = 0; i < engine.databaseCount(); ++i) {
    Db& d = engine.db(i);
    Napi::Array row = Napi::Array::New(env, 3);
    row.Set(0u, Napi::Number::New(env, static_cast<double>(d.size())));
    row.Set(1u, Napi::Number::New(env, static_cast<double>(d.expiresCount())));
    row.Set(2u, Napi::Number::New(env, static_cast<double>(d.averageTtl(now))));
    keyspace.Set(static_cast<uint32_t>(i), row);
  }
  out.Set("keyspace", keyspace);
  const scripting::ScriptingMemory lua = scripting::scriptingMemory();
  Napi::Object scriptingInfo = Napi::Object::New(env);
  scriptingInfo.Set("luaBytes", Napi::Number::New(env, static_cast<double>(lua.luaBytes)));
  scriptingInfo.Set("functionsLuaBytes", Napi::Number::New(env, static_cast<double>(lua.functionsLuaBytes)));
  scriptingInfo.Set("cachedScripts", Napi::Number::New(env, static_cast<double>(lua.cachedScripts)));
  scriptingInfo.Set("scriptsBytes", Napi::Number::New(env, static_cast<double>(lua.scriptsBytes)));
  scriptingInfo.Set("functions", Napi::Number::New(env, static_cast<double>(lua.functions)));
  scriptingInfo.Set("libraries", Napi::Number::New(env, static_cast<double>(lua.libraries)));
  scriptingInfo.Set("functionsBytes", Napi::Number::New(env, static_cast<double>(lua.functionsBytes)));
  out.Set("scripting", scriptingInfo);
  const EngineStats& s = engine.stats();
  out.Set("expiredKeys", Napi::Number::New(env, static_cast<double>(s.expiredKeys)));
  out.Set("evictedKeys", Napi::Number::New(env, static_cast<double>(s.evictedKeys)));
  out.Set("keyspaceHits", Napi::Number::New(env, static_cast<double>(s.keyspaceHits)));
  out.Set("keyspaceMisses", Napi::Number::New(env, static_cast<double>(s.keyspaceMisses)));
  out.Set("rehashing", Napi::Number::New(env, static_cast<double>(engine.rehashRemaining())));
  out.Set("aofSize", Napi::Number::New(env, static_cast<double>(engine.aof().fileSize())));
  out.Set("aofBaseSize", Napi::Number::New(env, static_cast<double>(engine.aof().baseSize())));
  out.Set("aofPending", Napi::Number::New(env, static_cast<double>(engine.aof().pendingBytes())));
  out.Set("aofFsyncPending", Napi::Boolean::New(env, engine.aof().backgroundFsyncBusy()));
  return out;
}

// INFO commandstats / latencystats and the metrics endpoint: per native command id, typed arrays of
// calls, microseconds, rejected and failed calls; latency percentiles (µs) for the requested
// percentiles; cumulative histogram counts at the requested bounds (seconds); error replies by code.
Napi::Value CommandStatsValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  if (!state) return out;
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsTypedArray()) {
    Napi::TypeError::New(env, "commandStats(percentiles, boundsSeconds)").ThrowAsJavaScriptException();
    return out;
  }
  Napi::Float64Array percentiles = info[0].As<Napi::Float64Array>();
  Napi::Float64Array bounds = info[1].As<Napi::Float64Array>();
  const CommandStats& stats = state->stats;
  const size_t n = stats.size();
  const size_t np = percentiles.ElementLength();
  const size_t nb = bounds.ElementLength();
  Napi::Float64Array calls = Napi::Float64Array::New(env, n);
  Napi::Float64Array usec = Napi::Float64Array::New(env, n);
  Napi::Float64Array rejected = Napi::Float64Array::New(env, n);
  Napi::Float64Array failed = Napi::Float64Array::New(env, n);
  Napi::Float64Array latency = Napi::Float64Array::New(env, n * np);
  Napi::Float64Array buckets = Napi::Float64Array::New(env, n * nb);
  for (size_t i = 0; i < n; ++i) {
    const CommandCounters& c = stats.at(i);
    calls[i] = static_cast<double>(c.calls);
    usec[i] = static_cast<double>(c.nanos / 1000);
    rejected[i] = static_cast<double>(c.rejected);
    failed[i] = static_cast<double>(c.failed);
    if (!c.histogram) continue;
    for (size_t p = 0; p < np; ++p) latency[i * np + p] = c.histogram->valueAtPercentile(percentiles[p]) / 1000.0;
    for (size_t b = 0; b < nb; ++b) buckets[i * nb + b] = static_cast<double>(c.histogram->countAtMost(bounds[b] * 1e9));
  }
  Napi::Array errorCodes = Napi::Array::New(env, stats.errors().size());
  Napi::Float64Array errorCounts = Napi::Float64Array::New(env, stats.errors().size());
  uint32_t e = 0;
  for (const auto& [code, count] : stats.errors()) {
    errorCodes.Set(e, Napi::String::New(env, code));
    errorCounts[e++] = static_cast<double>(count);
  }
  out.Set("calls", calls);
  out.Set("usec", usec);
  out.Set("rejected", rejected);
  out.Set("failed", failed);
  out.Set("latency", latency);
  out.Set("buckets", buckets);
  out.Set("errorCodes", errorCodes);
  out.Set("errorCounts", errorCounts);
  out.Set("totalErrors", Napi::Number::New(env, static_cast<double>(stats.totalErrors())));
  return out;
}

// CONFIG RESETSTAT: clears the per-command statistics and the error counts.
Napi::Value ResetCommandStats(const Napi::CallbackInfo& info) {
  if (state) state->stats.reset();
  return info.Env().Undefined();
}

// The commands captured as slower than the threshold since the last call:
// [commandId, db, start unix µs, duration µs, args (Buffers, already cut as SLOWLOG shows them)].
Napi::Value TakeSlowCommands(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return Napi::Array::New(env, 0);
  std::vector<SlowCommand> taken = state->stats.takeSlowCommands();
  Napi::Array out = Napi::Array::New(env, taken.size());
  for (size_t i = 0; i < taken.size(); ++i) {
    const SlowCommand& s = taken[i];
    Napi::Array entry = Napi::Array::New(env, 5);
    entry.Set(0u, Napi::Number::New(env, s.commandId));
    entry.Set(1u, Napi::Number::New(env, s.db));
    entry.Set(2u, Napi::Number::New(env, static_cast<double>(s.startUnixMicros)));
    entry.Set(3u, Napi::Number::New(env, static_cast<double>(s.durationMicros)));
    Napi::Array args = Napi::Array::New(env, s.args.size());
    for (size_t a = 0; a < s.args.size(); ++a)
      args.Set(static_cast<uint32_t>(a), Napi::Buffer<char>::Copy(env, s.args[a].data(), s.args[a].size()));
    entry.Set(4u, args);
    out.Set(static_cast<uint32_t>(i), entry);
  }
  return out;
}

// Hands the engine an Int32Array (at least 2 slots): [0] the number of captured slow commands
// waiting, [1] the id of the last command run. TypeScript reads them after a batch instead of
// calling in.
Napi::Value SetStatsSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsTypedArray()) return env.Undefined();
  Napi::Int32Array slot = info[0].As<Napi::Int32Array>();
  if (slot.ElementLength() < 3) return env.Undefined();
  static napi_ref held = nullptr;  // keeps the array (and so its memory) alive
  if (held) napi_delete_reference(env, held);
  napi_create_reference(env, slot, 1, &held);
  state->stats.setSignal(slot.Data());
  return env.Undefined();
}

// The keys made ready since the last call, as [db, key] pairs; clears them.
Napi::Value TakeReadyKeys(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return Napi::Array::New(env, 0);
  std::vector<ReadyKey> ready = state->engine->takeReadyKeys();
  Napi::Array out = Napi::Array::New(env, ready.size());
  for (size_t i = 0; i < ready.size(); ++i) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Number::New(env, ready[i].db));
    if (ready[i].wholeDb) pair.Set(1u, env.Null());
    else pair.Set(1u, Napi::Buffer<char>::Copy(env, ready[i].key.data(), ready[i].key.size()));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

Napi::Value TakeBlockedArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return env.Null();
  std::vector<std::string> args = state->engine->takeBlockedArgs();
  if (args.empty()) return env.Null();
  Napi::Array out = Napi::Array::New(env, args.size());
  for (size_t i = 0; i < args.size(); ++i)
    out.Set(static_cast<uint32_t>(i), Napi::Buffer<char>::Copy(env, args[i].data(), args[i].size()));
  return out;
}

// pubsubSubscribe(clientId, kind, name, subscribe): mirrors one (un)subscription (engine/pubsub.h).
Napi::Value PubSubSubscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsBuffer()) {
    Napi::TypeError::New(env, "pubsubSubscribe(clientId, kind, name, subscribe)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t clientId = info[0].As<Napi::Number>().Int64Value();
  const int kind = info[1].As<Napi::Number>().Int32Value();
  if (kind < 0 || kind > 2) {
    Napi::RangeError::New(env, "subscription kind out of range").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<char> name = info[2].As<Napi::Buffer<char>>();
  PubSubTable& table = state->engine->pubsub();
  std::string_view view(name.Data(), name.Length());
  if (info[3].ToBoolean().Value()) table.subscribe(clientId, static_cast<SubscriptionKind>(kind), view);
  else table.unsubscribe(clientId, static_cast<SubscriptionKind>(kind), view);
  return env.Undefined();
}

// pubsubClient(clientId, socket, resp, direct): a subscriber's socket descriptor + 1 (0: unknown),
// protocol, and whether its messages may be sent straight to the socket.
Napi::Value PubSubClient(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber()) {
    Napi::TypeError::New(env, "pubsubClient(clientId, socket, resp, direct)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  state->engine->pubsub().configureClient(info[0].As<Napi::Number>().Int64Value(), info[1].As<Napi::Number>().Int32Value() - 1,
                                          info[2].As<Napi::Number>().Int32Value(), info[3].ToBoolean().Value());
  return env.Undefined();
}

// takeDeliveries(): [clientId, bytes] of the messages execute() could not send (Control.Deliveries).
Napi::Value TakeDeliveries(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return Napi::Array::New(env, 0);
  std::vector<PubSubTable::Handoff> handoffs = state->engine->pubsub().takeHandoffs();
  Napi::Array out = Napi::Array::New(env, handoffs.size());
  for (size_t i = 0; i < handoffs.size(); ++i) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Number::New(env, static_cast<double>(handoffs[i].clientId)));
    pair.Set(1u, Napi::Buffer<char>::Copy(env, handoffs[i].bytes.data(), handoffs[i].bytes.size()));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

// The snapshot image through the configured codec into `out`; "" or the error.
std::string writeSnapshot(Engine& engine, long long now, BufferedFileWriter& out) {
  std::string error;
  std::unique_ptr<Compressor> codec =
      makeCompressor(engine.codec(), [&out](const char* data, size_t size) { return out.write(data, size); }, error);
  if (!codec) return error;
  bool ok = rdbWrite(engine, now, [&codec](const char* data, size_t size) { return codec->write(data, size); }) &&
            codec->finish();
  if (!ok) return codec->error().empty() ? "write error" : codec->error();
  return "";
}

// SAVE: writes an RDB snapshot of the whole keyspace to `path` atomically. Returns null, or the
// error text (the file at `path` is then untouched).
Napi::Value SaveSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "saveSnapshot(path)").ThrowAsJavaScriptException();
    return env.Null();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Engine& engine = *state->engine;
  std::string codecError;
  std::string error = writeFileAtomically(path, [&engine, &codecError](BufferedFileWriter& out) {
    codecError = writeSnapshot(engine, Engine::wallClockMs(), out);
    return codecError.empty();
  });
  if (!codecError.empty() && codecError != "write error") error = codecError;
  if (error.empty()) return env.Null();
  return Napi::String::New(env, error);
}

// Loads an RDB file into the keyspace. Returns {keys, expired} or the error text.
Napi::Value LoadSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "loadSnapshot(path)").ThrowAsJavaScriptException();
    return env.Null();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string image;
  std::string error;
  if (!readWholeFile(path, image, error)) return Napi::String::New(env, error);
  if (!decompressLeadingFrame(image, error)) return Napi::String::New(env, "Bad RDB file " + path + ": " + error);
  RdbLoadResult result = rdbLoad(*state->engine, image.data(), image.size(), Engine::wallClockMs());
  if (!result.ok) return Napi::String::New(env, result.error);
  Napi::Object out = Napi::Object::New(env);
  out.Set("keys", Napi::Number::New(env, static_cast<double>(result.keys)));
  out.Set("expired", Napi::Number::New(env, static_cast<double>(result.expiredSkipped)));
  return out;
}

// ---- the append-only file ----

Napi::Value AofOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "aofOpen(path)").ThrowAsJavaScriptException();
    return env.Null();
  }
  std::string error = state->engine->aof().open(info[0].As<Napi::String>().Utf8Value());
  return error.empty() ? env.Null() : Napi::String::New(env, error);
}

Napi::Value AofClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return env.Null();
  std::string error = state->engine->aof().close();
  return error.empty() ? env.Null() : Napi::String::New(env, error);
}

// Writes pending records (fsync per policy, or always when `sync` is true). Returns 0 or the errno.
Napi::Value AofFlush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state) return Napi::Number::New(env, 0);
  bool sync = info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
  AofFlushResult r = state->engine->aof().flush(Engine::wallClockMs(), sync);
  return Napi::Number::New(env, r.error);
}

// Appends "#TS:<seconds>" (Redis 7's timestamp annotation) before the next records.
Napi::Value AofAnnotate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state && info.Length() > 0 && info[0].IsString()) state->engine->aof().annotate(info[0].As<Napi::String>().Utf8Value());
  return env.Undefined();
}

// Loading an AOF: the file is read whole, then replayed in steps so that the caller can show
// progress. SELECT is handled here; MULTI ... EXEC blocks are applied only when complete.
struct AofLoad {
  std::string image;
  std::unique_ptr<AofReader> reader;
  int db = 0;
  long long commands = 0;
  long long preambleKeys = 0;   // keys loaded from an RDB preamble
  long long stopAtSeconds = 0;  // point-in-time: stop at the first #TS annotation past this
  bool inMulti = false;
  size_t multiStart = 0;
  std::vector<std::string> queued;  // MULTI body, applied at EXEC
  std::vector<int> queuedDb;
};
std::unique_ptr<AofLoad> aofLoad;

void replayOne(std::span<const std::string_view> argv, int db) {
  // Frames over the command's own bytes: one contiguous buffer of its arguments.
  std::string joined;
  std::vector<int32_t> frames;
  frames.push_back(static_cast<int32_t>(argv.size()));
  for (std::string_view a : argv) {
    frames.push_back(static_cast<int32_t>(joined.size()));
    frames.push_back(static_cast<int32_t>(a.size()));
    joined.append(a);
  }
  BatchRun run;
  run.input = joined.data();
  run.inputLength = joined.size();
  run.frames = frames.data();
  run.end = frames.size();
  run.dbIndex = db;
  run.clientFlags = abi::kClientFlagDenyBlocking;
  state->reply.clear();
  runBatch(run);
  state->reply.clear();
}

Napi::Value AofLoadBegin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "aofLoadBegin(path, stopAtSeconds)").ThrowAsJavaScriptException();
    return env.Null();
  }
  auto load = std::make_unique<AofLoad>();
  std::string error;
  if (!readWholeFile(info[0].As<Napi::String>().Utf8Value(), load->image, error)) return Napi::String::New(env, error);
  // A rewrite may have written a compressed base; the records appended after it are plain.
  if (!decompressLeadingFrame(load->image, error)) return Napi::String::New(env, "Bad AOF base: " + error);
  if (info.Length() > 1 && info[1].IsNumber()) load->stopAtSeconds = info[1].As<Napi::Number>().Int64Value();
  // An RDB preamble (aof-use-rdb-preamble: Redis 7.0's default for a rewrite's base) is loaded
  // whole, then the commands after it are replayed step by step.
  size_t commandsFrom = 0;
  if (load->image.compare(0, 5, "REDIS") == 0) {
    RdbLoadResult rdb = rdbLoad(*state->engine, load->image.data(), load->image.size(), Engine::wallClockMs());
    if (!rdb.ok) return Napi::String::New(env, "Bad RDB preamble in the append only file: " + rdb.error);
    commandsFrom = rdb.end;
    load->preambleKeys = static_cast<long long>(rdb.keys);
  }
  load->reader = std::make_unique<AofReader>(load->image.data(), load->image.size(), commandsFrom);
  size_t size = load->image.size();
  aofLoad = std::move(load);
  return Napi::Number::New(env, static_cast<double>(size));
}

// Replays up to `maxBytes` more of the file. Returns {offset, size, commands, done, error?,
// truncatedAt?, stoppedAt?}.
Napi::Value AofLoadStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  if (!state || !aofLoad) {
    out.Set("error", "no AOF load in progress");
    return out;
  }
  AofLoad& load = *aofLoad;
  AofReader& reader = *load.reader;
  const size_t budget = info.Length() > 0 && info[0].IsNumber() ? static_cast<size_t>(info[0].As<Napi::Number>().Int64Value()) : 1 << 20;
  const size_t stepEnd = reader.offset() + budget;
  bool done = false;
  Engine& engine = *state->engine;
  engine.setLoading(true);
  struct LoadingEnds {
    Engine& engine;
    ~LoadingEnds() { engine.setLoading(false); }
  } loadingEnds{engine};
  // Replay is not a new write: nothing goes back into an AOF that may be open.
  while (!done && reader.offset() < stepEnd) {
    AofReader::Status st = reader.next();
    if (st == AofReader::Status::End) {
      done = true;
      if (load.inMulti) out.Set("truncatedAt", Napi::Number::New(env, static_cast<double>(load.multiStart)));
      break;
    }
    if (st == AofReader::Status::Truncated) {
      done = true;
      out.Set("truncatedAt", Napi::Number::New(env, static_cast<double>(load.inMulti ? load.multiStart : reader.itemStart())));
      break;
    }
    if (st == AofReader::Status::Corrupt) {
      out.Set("error", "Bad file format reading the append only file (" + reader.error() + ") at offset " +
                           std::to_string(reader.itemStart()));
      done = true;
      break;
    }
    if (st == AofReader::Status::Annotation) {
      std::string_view a = reader.annotation();
      long long ts = 0;
      if (load.stopAtSeconds > 0 && a.substr(0, 4) == "#TS:" && parseLongLong(a.substr(4), ts) && ts > load.stopAtSeconds) {
        out.Set("stoppedAt", Napi::Number::New(env, static_cast<double>(reader.itemStart())));
        done = true;
      }
      continue;
    }
    auto argv = reader.argv();
    std::string_view name = argv[0];
    if (equalsIgnoreCase(name, "select") && argv.size() == 2) {
      long long db = 0;
      if (!parseLongLong(argv[1], db) || db < 0 || db >= engine.databaseCount()) {
        out.Set("error", "Bad SELECT in the append only file at offset " + std::to_string(reader.itemStart()));
        done = true;
        break;
      }
      load.db = static_cast<int>(db);
      continue;
    }
    if (equalsIgnoreCase(name, "multi")) {
      load.inMulti = true;
      load.multiStart = reader.itemStart();
      load.queued.clear();
      continue;
    }
    if (equalsIgnoreCase(name, "exec")) {
      // A transaction is applied whole or not at all (a crash may cut it short).
      for (size_t i = 0; i < load.queued.size(); ++i) {
        AofReader one(load.queued[i].data(), load.queued[i].size());
        if (one.next() == AofReader::Status::Command) replayOne(one.argv(), load.queuedDb[i]);
      }
      load.commands += static_cast<long long>(load.queued.size());
      load.queued.clear();
      load.queuedDb.clear();
      load.inMulti = false;
      continue;
    }
    if (!state->commands.find(name)) {
      out.Set("error", "Unknown command '" + std::string(name.substr(0, 128)) + "' reading the append only file at offset " +
                           std::to_string(reader.itemStart()));
      done = true;
      break;
    }
    if (load.inMulti) {
      load.queued.emplace_back(load.image.data() + reader.itemStart(), reader.offset() - reader.itemStart());
      load.queuedDb.push_back(load.db);
      continue;
    }
    replayOne(argv, load.db);
    ++load.commands;
  }
  out.Set("offset", Napi::Number::New(env, static_cast<double>(reader.offset())));
  out.Set("size", Napi::Number::New(env, static_cast<double>(load.image.size())));
  out.Set("commands", Napi::Number::New(env, static_cast<double>(load.commands)));
  out.Set("preambleKeys", Napi::Number::New(env, static_cast<double>(load.preambleKeys)));
  out.Set("done", Napi::Boolean::New(env, done));
  if (done) aofLoad.reset();
  return out;
}

// ---- background persistence: live snapshots (persistence/live_snapshot.h) ----

// persistStart(kind, path): "snapshot" writes an RDB file at `path` (atomically), "rewrite" the
// AOF base into `path` and starts keeping the rewrite buffer. Null when started (a file that cannot
// be created fails the job, reported by persistPoll), else why not.
Napi::Value PersistStart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "persistStart(kind, path)").ThrowAsJavaScriptException();
    return env.Null();
  }
  if (state->persistJob) return Napi::String::New(env, "a background save is already running");
  std::string kind = info[0].As<Napi::String>().Utf8Value();
  std::string path = info[1].As<Napi::String>().Utf8Value();
  Engine& engine = *state->engine;
  const bool rewrite = kind == "rewrite";
  // What the old file holds is complete before the image's moment (the records of the rewrite
  // buffer start right after it).
  if (rewrite) engine.aof().flush(Engine::wallClockMs());
  state->persistJob = LiveSnapshot::start(engine, rewrite ? LiveSnapshot::Kind::Rewrite : LiveSnapshot::Kind::Snapshot, path);
  if (rewrite) engine.aof().beginRewrite();
  return env.Null();
}

// persistStep(budgetMicros): encodes for about that long. Returns 0 while encoding (call again
// soon), 1 while the file is being written, 2 when done, 3 on failure, 4 while encoding waits for
// the disk (call again a little later), -1 when no job runs.
Napi::Value PersistStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || !state->persistJob) return Napi::Number::New(env, -1);
  double micros = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 1000;
  state->engine->setNowMs(Engine::wallClockMs());
  LiveSnapshot::Phase phase = state->persistJob->step(static_cast<uint64_t>(micros * 1000));
  if (state->persistJob->throttled()) return Napi::Number::New(env, 4);
  return Napi::Number::New(env, static_cast<int>(phase));
}

// persistPoll(): null while the job runs; when it ended, [ok, copiedBytes, error] and the job is
// released.
Napi::Value PersistPoll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || !state->persistJob) return env.Null();
  LiveSnapshot::Phase phase = state->persistJob->phase();
  if (phase != LiveSnapshot::Phase::Done && phase != LiveSnapshot::Phase::Failed) return env.Null();
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::Boolean::New(env, phase == LiveSnapshot::Phase::Done));
  out.Set(1u, Napi::Number::New(env, static_cast<double>(state->persistJob->copiedBytes())));
  out.Set(2u, Napi::String::New(env, state->persistJob->error()));
  state->persistJob.reset();
  return out;
}

// persistAbort(): stops the job; its unfinished file is removed.
Napi::Value PersistAbort(const Napi::CallbackInfo& info) {
  if (state) state->persistJob.reset();
  return info.Env().Undefined();
}

// After a rewrite's base was written: append what was recorded meanwhile, switch files atomically.
// Returns null when switched, the error text, or true while the new file's fsync still runs on the
// background thread (everysec/no): call again later to complete the switch.
Napi::Value AofRewriteDone(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 3 || !info[0].IsBoolean() || !info[1].IsString() || !info[2].IsString()) {
    Napi::TypeError::New(env, "aofRewriteDone(ok, tempPath, targetPath)").ThrowAsJavaScriptException();
    return env.Null();
  }
  AofLog& aof = state->engine->aof();
  std::string temp = info[1].As<Napi::String>().Utf8Value();
  if (!info[0].As<Napi::Boolean>().Value()) {
    aof.abortRewrite();
    ::unlink(temp.c_str());
    return env.Null();
  }
  std::string error = aof.finishRewrite(temp, info[2].As<Napi::String>().Utf8Value(), Engine::wallClockMs());
  if (!error.empty()) return Napi::String::New(env, error);
  return aof.switchPending() ? Napi::Value(Napi::Boolean::New(env, true)) : env.Null();
}

// ---- transactions ----

// WATCH: watch(clientId, db, keys).
Napi::Value Watch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsArray()) {
    Napi::TypeError::New(env, "watch(clientId, db, keys)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Engine& engine = *state->engine;
  uint64_t client = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  int db = info[1].As<Napi::Number>().Int32Value();
  if (db < 0 || db >= engine.databaseCount()) return env.Undefined();
  engine.setNowMs(Engine::wallClockMs());
  Napi::Array keys = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    Napi::Value k = keys.Get(i);
    if (!k.IsBuffer()) continue;
    Napi::Buffer<char> b = k.As<Napi::Buffer<char>>();
    engine.watches().watch(client, db, std::string_view(b.Data(), b.Length()));
  }
  return env.Undefined();
}

// MEMORY USAGE: bytes of a key in `db` (a lookup that does not touch its LRU), -1 when missing.
Napi::Value KeyMemoryUsage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 2 || !info[0].IsNumber() || !info[1].IsBuffer()) {
    Napi::TypeError::New(env, "keyMemoryUsage(db, key)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Engine& engine = *state->engine;
  int db = info[0].As<Napi::Number>().Int32Value();
  if (db < 0 || db >= engine.databaseCount()) return Napi::Number::New(env, -1);
  engine.setNowMs(Engine::wallClockMs());
  Napi::Buffer<char> key = info[1].As<Napi::Buffer<char>>();
  Db& keys = engine.db(db);
  KeyRef ref = keys.lookup(std::string_view(key.Data(), key.Length()), kLookupRead | kLookupNoTouch);
  return Napi::Number::New(env, ref ? static_cast<double>(keys.memoryUsageOf(ref)) : -1.0);
}

// Forgets the client's watches; true when one was violated (EXEC must answer the null array).
Napi::Value Unwatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsNumber()) return Napi::Boolean::New(env, false);
  Engine& engine = *state->engine;
  engine.setNowMs(Engine::wallClockMs());
  return Napi::Boolean::New(env, engine.watches().unwatch(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value())));
}

// CLIENT LIST flag d: a watched key of the client was modified.
Napi::Value WatchDirty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsNumber()) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, state->engine->watches().dirty(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value())));
}

// EXEC begins (true) / ends (false): the AOF records of the commands in between form one transaction.
Napi::Value Transaction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsBoolean()) return Napi::Boolean::New(env, false);
  AofLog& aof = state->engine->aof();
  if (info[0].As<Napi::Boolean>().Value()) aof.beginTransaction();
  else aof.endTransaction();
  return Napi::Boolean::New(env, aof.pendingBytes() > 0);
}

// The function that runs a TypeScript-owned command for redis.call: (args, db, resp, readOnly) =>
// reply bytes.
// MONITOR: the commands scripts ran since the last call (scripting::takeScriptCommandRecords), or null.
Napi::Value TakeScriptCommands(const Napi::CallbackInfo& info) {
  std::string records = scripting::takeScriptCommandRecords();
  if (records.empty()) return info.Env().Null();
  return Napi::Buffer<char>::Copy(info.Env(), records.data(), records.size());
}

Napi::Value SetScriptCallback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "setScriptCallback(fn)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  state->scriptCallback = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

// Tracking invalidations recorded since the last call: a Buffer of records (see engine/events.h)
// or null.
Napi::Value TakeInvalidations(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string records = state->engine->events().takeInvalidations();
  if (records.empty()) return env.Null();
  return Napi::Buffer<char>::Copy(env, records.data(), records.size());
}

// The function that takes the tracking invalidations before a message is published: () => void.
Napi::Value SetInvalidationHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state || info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "setInvalidationHandler(fn)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  state->invalidationHandler = Napi::Persistent(info[0].As<Napi::Function>());
  state->engine->setInvalidationSender(sendInvalidationsInJs);
  return env.Undefined();
}

Napi::Value SetWriteRefusal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state && info.Length() > 0 && info[0].IsString()) state->writeRefusal = info[0].As<Napi::String>().Utf8Value();
  return env.Undefined();
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("watch", Napi::Function::New(env, Watch, "watch"));
  exports.Set("keyMemoryUsage", Napi::Function::New(env, KeyMemoryUsage, "keyMemoryUsage"));
  exports.Set("unwatch", Napi::Function::New(env, Unwatch, "unwatch"));
  exports.Set("watchDirty", Napi::Function::New(env, WatchDirty, "watchDirty"));
  exports.Set("transaction", Napi::Function::New(env, Transaction, "transaction"));
  exports.Set("setScriptCallback", Napi::Function::New(env, SetScriptCallback, "setScriptCallback"));
  exports.Set("takeScriptCommands", Napi::Function::New(env, TakeScriptCommands, "takeScriptCommands"));
  exports.Set("takeInvalidations", Napi::Function::New(env, TakeInvalidations, "takeInvalidations"));
  exports.Set("setInvalidationHandler", Napi::Function::New(env, SetInvalidationHandler, "setInvalidationHandler"));
  exports.Set("setWriteRefusal", Napi::Function::New(env, SetWriteRefusal, "setWriteRefusal"));
  exports.Set("aofOpen", Napi::Function::New(env, AofOpen, "aofOpen"));
  exports.Set("aofClose", Napi::Function::New(env, AofClose, "aofClose"));
  exports.Set("aofFlush", Napi::Function::New(env, AofFlush, "aofFlush"));
  exports.Set("aofAnnotate", Napi::Function::New(env, AofAnnotate, "aofAnnotate"));
  exports.Set("aofLoadBegin", Napi::Function::New(env, AofLoadBegin, "aofLoadBegin"));
  exports.Set("aofLoadStep", Napi::Function::New(env, AofLoadStep, "aofLoadStep"));
  exports.Set("persistStart", Napi::Function::New(env, PersistStart, "persistStart"));
  exports.Set("persistStep", Napi::Function::New(env, PersistStep, "persistStep"));
  exports.Set("persistPoll", Napi::Function::New(env, PersistPoll, "persistPoll"));
  exports.Set("persistAbort", Napi::Function::New(env, PersistAbort, "persistAbort"));
  exports.Set("aofRewriteDone", Napi::Function::New(env, AofRewriteDone, "aofRewriteDone"));
  exports.Set("saveSnapshot", Napi::Function::New(env, SaveSnapshot, "saveSnapshot"));
  exports.Set("loadSnapshot", Napi::Function::New(env, LoadSnapshot, "loadSnapshot"));
  exports.Set("takeReadyKeys", Napi::Function::New(env, TakeReadyKeys, "takeReadyKeys"));
  exports.Set("takeBlockedArgs", Napi::Function::New(env, TakeBlockedArgs, "takeBlockedArgs"));
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("execute", Napi::Function::New(env, Execute, "execute"));
  exports.Set("cron", Napi::Function::New(env, Cron, "cron"));
  exports.Set("pubsubSubscribe", Napi::Function::New(env, PubSubSubscribe, "pubsubSubscribe"));
  exports.Set("pubsubClient", Napi::Function::New(env, PubSubClient, "pubsubClient"));
  exports.Set("takeDeliveries", Napi::Function::New(env, TakeDeliveries, "takeDeliveries"));
  exports.Set("setConfig", Napi::Function::New(env, SetConfig, "setConfig"));
  exports.Set("resumeScript", Napi::Function::New(env, ResumeScript, "resumeScript"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("commandStats", Napi::Function::New(env, CommandStatsValue, "commandStats"));
  exports.Set("resetCommandStats", Napi::Function::New(env, ResetCommandStats, "resetCommandStats"));
  exports.Set("takeSlowCommands", Napi::Function::New(env, TakeSlowCommands, "takeSlowCommands"));
  exports.Set("ioInit", Napi::Function::New(env, IoInit, "ioInit"));
  exports.Set("ioTable", Napi::Function::New(env, IoTable, "ioTable"));
  exports.Set("ioAttach", Napi::Function::New(env, IoAttach, "ioAttach"));
  exports.Set("ioDetach", Napi::Function::New(env, IoDetach, "ioDetach"));
  exports.Set("ioReading", Napi::Function::New(env, IoReading, "ioReading"));
  exports.Set("ioAllowed", Napi::Function::New(env, IoAllowed, "ioAllowed"));
  exports.Set("ioSend", Napi::Function::New(env, IoSend, "ioSend"));
  exports.Set("setStatsSignal", Napi::Function::New(env, SetStatsSignal, "setStatsSignal"));
  return exports;
}

}  // namespace
}  // namespace rp

static Napi::Object RegisterModule(Napi::Env env, Napi::Object exports) { return rp::InitModule(env, exports); }

NODE_API_MODULE(rustypotato, RegisterModule)
