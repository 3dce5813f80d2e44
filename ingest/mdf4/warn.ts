import type { MdfFile } from './model.js';

/** Adds a warning to the file once (data lists are walked again by each reader of a group). */
export function warn(file: MdfFile, message: string): void {
  if (!file.warnings.includes(message)) file.warnings.push(message);
}
