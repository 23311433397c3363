#include "commands/registry.h"

#include <climits>

namespace rp {

namespace {
std::vector<CommandDef>& table() {
  static std::vector<CommandDef> commands;
  return commands;
}
}  // namespace

CommandFamily::CommandFamily(std::initializer_list<CommandDef> commands) {
  for (const CommandDef& def : commands) table().push_back(def);
}

const std::vector<CommandDef>& registeredCommands() { return table(); }

CommandHandler findRegisteredHandler(std::string_view lowercaseName) {
  for (const CommandDef& def : table())
    if (def.name == lowercaseName) return def.handler;
  return nullptr;
}

bool parseLongLong(std::string_view s, long long& out) {
  size_t n = s.size();
  if (n == 0 || n > 20) return false;
  if (n == 1 && s[0] == '0') {
    out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == n) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  unsigned long long v = static_cast<unsigned long long>(s[i++] - '0');
  for (; i < n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    if (v > ULLONG_MAX / 10) return false;
    v *= 10;
    unsigned long long d = static_cast<unsigned long long>(c - '0');
    if (v > ULLONG_MAX - d) return false;
    v += d;
  }
  if (negative) {
    if (v > static_cast<unsigned long long>(LLONG_MAX) + 1) return false;
    out = v == static_cast<unsigned long long>(LLONG_MAX) + 1 ? LLONG_MIN : -static_cast<long long>(v);
  } else {
    if (v > static_cast<unsigned long long>(LLONG_MAX)) return false;
    out = static_cast<long long>(v);
  }
  return true;
}

bool equalsIgnoreCase(std::string_view text, std::string_view literal) {
  if (text.size() != literal.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char a = static_cast<unsigned char>(text[i]);
    unsigned char b = static_cast<unsigned char>(literal[i]);
    if (a >= 'A' && a <= 'Z') a = static_cast<unsigned char>(a + 32);
    if (b >= 'A' && b <= 'Z') b = static_cast<unsigned char>(b + 32);
    if (a != b) return false;
  }
  return true;
}

bool CommandContext::argLongLong(int i, long long& out, std::string_view message) {
  if (parseLongLong(arg(i), out)) return true;
  reply.error(message.empty() ? kErrNotInteger : message);
  return false;
}

void CommandContext::arityError() {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(name);
  msg.append("' command");
  reply.error(msg);
}

}  // namespace rp
