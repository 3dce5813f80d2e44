import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { ingestCommand } from './commands/ingest.js';

/** The command registry: one typed function per command. */
export const commands: readonly Command[] = [ingestCommand, demoCommand];
