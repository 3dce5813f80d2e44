#!/usr/bin/env node
// Starts again with glibc's allocator tuned (huge pages, one arena) where that applies: see cli/mallocTunables.ts.
import { relaunch, shouldRelaunch } from '../dist/cli/mallocTunables.js';

if (shouldRelaunch()) process.exitCode = await relaunch();
else await import('../dist/cli/main.js');
