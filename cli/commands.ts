import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { detectCommand } from './commands/detect.js';
import { exportCommand } from './commands/export.js';
import { ingestCommand } from './commands/ingest.js';
import { labelsCommand } from './commands/labels.js';
import { reportCommand } from './commands/report.js';
import { sqlCommand } from './commands/sql.js';
import { transformCommand } from './commands/transform.js';

/** The command registry: one typed function per command. */
export const commands: readonly Command[] = [
  ingestCommand,
  transformCommand,
  detectCommand,
  exportCommand,
  demoCommand,
  sqlCommand,
  labelsCommand,
  reportCommand,
];
