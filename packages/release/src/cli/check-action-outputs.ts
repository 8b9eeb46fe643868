#!/usr/bin/env node
/**
 * check-action-outputs --kind KIND [--artifact-dir DIR] [--target GID]
 *
 * Reads the action's outputs as JSON from $ACTION_OUTPUTS (`toJSON(steps.<id>.outputs)`) and
 * checks them against the file, the manifest and the downloaded artifact.
 */
import { parseArgs } from 'node:util';
import { checkActionOutputs } from '../action-outputs-check.js';
import { ReleaseError } from '../problems.js';
import { ChecksFailed, runMain } from './main.js';

runMain('check-action-outputs', async () => {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' },
      'artifact-dir': { type: 'string' },
      target: { type: 'string' },
    },
  });
  if (values.kind === undefined)
    throw new ReleaseError('--kind is required: organization, resource or graph.');
  const outputs = parseOutputs(process.env.ACTION_OUTPUTS);
  const check = await checkActionOutputs({
    kind: values.kind,
    outputs,
    artifactDir: values['artifact-dir'],
    target: values.target,
  });
  if (check.problems.length > 0) {
    throw new ChecksFailed(
      `the action's outputs do not hold up (${check.problems.length}):\n${check.problems.map((line) => `  - ${line}`).join('\n')}`,
    );
  }
  process.stdout.write(`${check.summary}: outputs, file and artifact agree\n`);
});

function parseOutputs(json: string | undefined): Record<string, unknown> {
  if (json === undefined || json.trim() === '') {
    throw new ReleaseError('ACTION_OUTPUTS is not set: pass toJSON(steps.<id>.outputs) in env.');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ReleaseError('ACTION_OUTPUTS is not JSON: pass toJSON(steps.<id>.outputs) in env.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReleaseError('ACTION_OUTPUTS is not a JSON object of outputs.');
  }
  return value as Record<string, unknown>;
}
