#include "commands/registry.h"
#include "util/numbers.h"

#include <cctype>
#include <string>
#include <climits>
#include <cmath>

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
  int64_t value = 0;
  if (!num::parseInt64(s, value)) return false;
  out = value;
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

// Redis computes (long long)(seconds * 1000) from a long double: an out-of-range product converts
// to LLONG_MIN on x86 and then counts as negative ("inf", "1e300"), and a small negative one
// truncates to 0 (wait forever).
bool CommandContext::argTimeout(int i, long long& ms) {
  long double seconds;
  if (!num::parseLongDouble(arg(i), seconds)) {
    reply.error("ERR timeout is not a float or out of range");
    return false;
  }
  long double product = seconds * 1000.0L;
  long long value = (std::isfinite(product) && product < 9.2233720368547758e18L && product > -9.2233720368547758e18L)
                        ? static_cast<long long>(product)
                        : LLONG_MIN;
  if (value < 0) {
    reply.error("ERR timeout is negative");
    return false;
  }
  ms = value;
  return true;
}

bool CommandContext::argLongLong(int i, long long& out, std::string_view message) {
  if (parseLongLong(arg(i), out)) return true;
  reply.error(message.empty() ? kErrNotInteger : message);
  return false;
}

void replyHelp(CommandContext& c, std::initializer_list<std::string_view> lines) {
  std::string first(c.arg(0));
  for (char& ch : first) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  first += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  c.reply.arrayHeader(lines.size() + 3);
  c.reply.simple(first);
  for (std::string_view line : lines) c.reply.simple(line);
  c.reply.simple("HELP");
  c.reply.simple("    Prints this help.");
}

void CommandContext::arityError() {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(name);
  msg.append("' command");
  reply.error(msg);
}

}  // namespace rp
