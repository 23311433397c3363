/** Command table: the list family (filled in by the data-types work). */
import type { CommandSpec } from './types';

export const listCommands: CommandSpec[] = [];
