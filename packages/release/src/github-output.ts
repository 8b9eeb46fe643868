/**
 * Step outputs, written the way @actions/core writes them: `name<<delimiter` blocks appended to
 * the file named by $GITHUB_OUTPUT, so any value (a path, JSON) reaches `steps.<id>.outputs`.
 * Outside a runner (no $GITHUB_OUTPUT) nothing is written and the caller's own line is the result.
 */
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';

export async function setOutputs(
  outputs: Readonly<Record<string, string>>,
  file = process.env.GITHUB_OUTPUT,
): Promise<void> {
  if (file === undefined || file === '') return;
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  await appendFile(file, text);
}
