/** Every TypeScript-owned handler by table name; the command table binds them at start-up. */
import type { TsHandler } from '../commands/types';
import { connectionHandlers } from './connection';
import { serverHandlers } from './server';
import { memoryHandlers } from './memory';
import { transactionHandlers } from './transactions';
import { pubsubHandlers } from './pubsub';
import { trackingHandlers } from './tracking';
import { commandHandlers } from '../commands/command-command';
import { configHandlers } from '../config/config-command';

export const tsHandlers: Record<string, TsHandler> = {
  ...connectionHandlers,
  ...serverHandlers,
  ...memoryHandlers,
  ...transactionHandlers,
  ...pubsubHandlers,
  ...trackingHandlers,
  ...commandHandlers,
  ...configHandlers,
};
