/** Command table: the sorted set family (filled in by the data-types work). */
import type { CommandSpec } from './types';

export const sortedSetCommands: CommandSpec[] = [];
