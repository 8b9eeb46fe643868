/**
 * A check of an action's metadata file (`action.yml`) against GitHub's metadata syntax.
 * actionlint checks workflows, not action metadata, and the one npm validator for it
 * (@action-validator/core 0.6.0) still rejects `using: node24`, so this is the schema check.
 * Unknown keys are errors: a misspelt `runs.mian` would otherwise be ignored by GitHub until the
 * action fails to start.
 *
 * Reference: docs.github.com, "Metadata syntax for GitHub Actions".
 */
import * as z from 'zod';
import type { Problem } from './problems.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

export const BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
] as const;

/** JavaScript runtimes GitHub still starts (node12 and node16 are refused or forced up). */
export const NODE_RUNTIMES = ['node20', 'node24'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const idRule = 'it must start with a letter or _ and hold only letters, digits, - and _';
const id = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, idRule);

const input = z.strictObject({
  description: z.string().min(1),
  required: z.boolean().optional(),
  default: scalar.optional(),
  deprecationMessage: z.string().optional(),
});

const output = z.strictObject({
  description: z.string().min(1),
  value: z.string().optional(),
});

const nodeRuns = z.strictObject({
  using: z.enum(NODE_RUNTIMES),
  main: z.string().min(1),
  pre: z.string().min(1).optional(),
  'pre-if': z.string().optional(),
  post: z.string().min(1).optional(),
  'post-if': z.string().optional(),
});

const compositeRuns = z.strictObject({
  using: z.literal('composite'),
  steps: z.array(z.record(z.string(), z.unknown())).min(1),
});

const dockerRuns = z.strictObject({
  using: z.literal('docker'),
  image: z.string().min(1),
  env: z.record(z.string(), scalar).optional(),
  entrypoint: z.string().optional(),
  'pre-entrypoint': z.string().optional(),
  'post-entrypoint': z.string().optional(),
  'pre-if': z.string().optional(),
  'post-if': z.string().optional(),
  args: z.array(scalar).optional(),
});

export const actionMetadataSchema = z.strictObject({
  name: z.string().min(1),
  author: z.string().optional(),
  description: z.string().min(1),
  inputs: z.record(id, input).optional(),
  outputs: z.record(id, output).optional(),
  runs: z.discriminatedUnion('using', [nodeRuns, compositeRuns, dockerRuns]),
  branding: z
    .strictObject({
      icon: z
        .string()
        .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a Feather icon name')
        .optional(),
      color: z.enum(BRANDING_COLORS).optional(),
    })
    .optional(),
});

export type ActionMetadata = z.infer<typeof actionMetadataSchema>;

export interface ActionMetadataCheck {
  /** Set when the file is valid metadata. */
  readonly metadata: ActionMetadata | undefined;
  readonly problems: readonly Problem[];
  /** To point further checks of the metadata at the lines they are about. */
  readonly source: YamlSource;
}

export function checkActionMetadata(text: string, file: string): ActionMetadataCheck {
  const source = parseYamlSource(text, file);
  if (source.syntaxProblems.length > 0) {
    return { metadata: undefined, problems: source.syntaxProblems, source };
  }
  const result = actionMetadataSchema.safeParse(source.data);
  if (result.success) return { metadata: result.data, problems: [], source };
  const problems = result.error.issues.flatMap((issue) => {
    const path = issue.path;
    const where = path.length > 0 ? path.join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        source.problemAt(
          [...path, key],
          `${[...path, key].join('.')} is not a known key`,
          'action-metadata',
        ),
      );
    }
    if (issue.code === 'invalid_union' && where.startsWith('runs')) {
      // The discriminator: no runs.* rule applies until `using` names a kind of action.
      return [
        source.problemAt(
          ['runs', 'using'],
          `runs.using must be one of ${[...NODE_RUNTIMES, 'composite', 'docker'].join(', ')}`,
          'action-metadata',
        ),
      ];
    }
    if (issue.code === 'invalid_key') {
      return [source.problemAt(path, `${where} is not a valid id: ${idRule}`, 'action-metadata')];
    }
    const missing = issue.code === 'invalid_type' && valueAt(source.data, path) === undefined;
    const message = missing ? `${where} is required` : `${where}: ${issue.message}`;
    return [source.problemAt(path, message, 'action-metadata')];
  });
  return { metadata: undefined, problems, source };
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
