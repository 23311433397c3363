// The table of C++ command handlers, filled at load time by each family file (see context.h), and
// the per-init lookup that maps the TypeScript command table's names to handlers.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "commands/context.h"

namespace rp {

struct CommandDef {
  std::string_view name;  // lowercase; "container|sub" for subcommands
  CommandHandler handler;
};

// Constructing one (at namespace scope, static) adds the family's handlers to the global table.
class CommandFamily {
 public:
  CommandFamily(std::initializer_list<CommandDef> commands);
};

// Every handler registered by every family file.
const std::vector<CommandDef>& registeredCommands();
// Finds a registered handler by exact lowercase name; nullptr when none.
CommandHandler findRegisteredHandler(std::string_view lowercaseName);

}  // namespace rp
