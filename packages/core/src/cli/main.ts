#!/usr/bin/env node
// The `asana-export` executable. It checks the Node.js version before anything loads undici,
// which on an older Node dies with a TypeError that says nothing of the version.
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem === undefined) {
  await import('./start.js');
} else {
  process.stderr.write(`error: ${problem}\n`);
  process.exitCode = 1;
}
