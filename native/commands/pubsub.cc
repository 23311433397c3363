// Pub/sub commands the engine runs: PUBLISH and SPUBLISH, over the fan-out table of
// engine/pubsub.h. Subscribing and PUBSUB stay in TypeScript (ts/handlers/pubsub.ts), which owns
// the subscriptions and mirrors them into that table.
#include "commands/registry.h"

namespace rp {
namespace {

// Invalidations of keys changed before the message reach their clients first, as in Redis.
void publishCommand(CommandContext& c) {
  c.engine.events().sendInvalidationsFirst();
  c.reply.integer(c.engine.pubsub().publish(c.arg(1), c.arg(2)));
}

void spublishCommand(CommandContext& c) {
  c.engine.events().sendInvalidationsFirst();
  c.reply.integer(c.engine.pubsub().spublish(c.arg(1), c.arg(2)));
}

const CommandFamily kPubSubCommands{{
    {"publish", publishCommand},
    {"spublish", spublishCommand},
}};

}  // namespace
}  // namespace rp
