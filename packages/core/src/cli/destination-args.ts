import type { ParseArgsConfig } from 'node:util';
import {
  DESTINATION_OPTIONS,
  type DestinationInputs,
  readDestinationInputs,
} from '../protocol/destination-options.js';
import { InputError } from '../protocol/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The options of `run` and `download` that store the export in object storage (`--to`). */
export const DESTINATION_FLAGS: Options = Object.fromEntries(
  DESTINATION_OPTIONS.map((option) => [
    option,
    { type: option === 's3-path-style' ? 'boolean' : 'string' },
  ]),
) as Options;

export interface DestinationArgs extends DestinationInputs {
  /** The options as typed, for the resume command printed on failure. */
  readonly words: readonly string[];
}

/** `--to` and its options, every one checked; undefined without `--to` (a folder, `--out`). */
export function destinationArgs(values: Values): DestinationArgs | undefined {
  const read = (option: string) => {
    const value = values[option];
    return value === true ? 'true' : typeof value === 'string' ? value : undefined;
  };
  const inputs = readDestinationInputs(read, (option) => `--${option}`);
  if (inputs === undefined) return undefined;
  if (values.out !== undefined) {
    throw new InputError(
      '--out',
      'cannot be combined with --to',
      'An export goes to one place: a folder (--out) or object storage (--to).',
    );
  }
  const words: string[] = [];
  for (const option of DESTINATION_OPTIONS) {
    const value = values[option];
    if (value === true) words.push(`--${option}`);
    else if (typeof value === 'string') words.push(`--${option}`, value);
  }
  return { ...inputs, words };
}
