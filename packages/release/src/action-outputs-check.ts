/**
 * The self-test's verdict on one run of the action: that its outputs agree with each other, with
 * the file they name (re-read and re-verified: gzip, every record, SHA-256), and with the artifact
 * it stored, as a later job downloads it. Every disagreement is listed, each naming the output.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  checkAgainstManifest,
  type ExportKind,
  isExportKind,
  type Manifest,
  manifestFileName,
  parseManifest,
  verifyGzipFile,
} from '@asana-exports/core/node';

export interface OutputsCheckOptions {
  readonly kind: string;
  /** The action's outputs, as `toJSON(steps.<id>.outputs)` gives them. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The artifact as actions/download-artifact unpacks it; skipped when undefined. */
  readonly artifactDir?: string | undefined;
  /** The gid the export was asked for, to find in the manifest's target. */
  readonly target?: string | undefined;
}

export interface OutputsCheck {
  readonly problems: readonly string[];
  /** One line saying what was checked, when there were no problems. */
  readonly summary: string;
}

const TARGET_KEY = {
  organization: 'organization',
  resource: 'workspace',
  graph: 'parent',
} as const;

export async function checkActionOutputs(options: OutputsCheckOptions): Promise<OutputsCheck> {
  const problems: string[] = [];
  const { kind, outputs } = options;
  if (!isExportKind(kind)) {
    return { problems: [`kind ${kind} is not organization, resource or graph`], summary: '' };
  }
  const text = (name: string): string => {
    const value = outputs[name];
    if (typeof value !== 'string' || value === '') {
      problems.push(`output ${name} is missing`);
      return '';
    }
    return value;
  };
  const file = text('file');
  const sha256 = text('sha256');
  const bytes = text('bytes');
  const records = text('records');
  const artifactId = text('artifact-id');
  const manifestText = text('manifest');
  if (artifactId !== '' && !/^[1-9]\d*$/.test(artifactId)) {
    problems.push(`output artifact-id is ${JSON.stringify(artifactId)}, not an artifact's number`);
  }
  if (sha256 !== '' && !/^[0-9a-f]{64}$/.test(sha256)) {
    problems.push(`output sha256 is ${JSON.stringify(sha256)}, not a lower-case SHA-256`);
  }
  let manifest: Manifest | undefined;
  if (manifestText !== '') {
    try {
      manifest = parseManifest(manifestText, 'output manifest');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (manifest) {
    problems.push(...manifestAgreement(manifest, kind, { file, sha256, bytes, records }));
    if (options.target !== undefined) {
      const key = TARGET_KEY[kind];
      if (manifest.target[key] !== options.target) {
        problems.push(
          `the manifest's target.${key} is ${manifest.target[key] ?? 'missing'}, the export was asked for ${options.target}`,
        );
      }
    }
    if (file !== '') problems.push(...(await fileAgreement(file, manifest, 'output file')));
    if (options.artifactDir !== undefined) {
      problems.push(...(await artifactAgreement(options.artifactDir, manifest)));
    }
  }
  const summary = manifest
    ? `${kind} export ${manifest.file.name}: ${manifest.file.bytes} bytes, ${manifest.records.total} records, sha256 ${manifest.file.sha256}, artifact ${artifactId}`
    : '';
  return { problems, summary };
}

function manifestAgreement(
  manifest: Manifest,
  kind: ExportKind,
  outputs: { file: string; sha256: string; bytes: string; records: string },
): string[] {
  const problems: string[] = [];
  const differ = (output: string, value: string, expected: string | number): void => {
    if (value !== '' && value !== String(expected)) {
      problems.push(`output ${output} is ${value}, the manifest says ${expected}`);
    }
  };
  if (manifest.kind !== kind)
    problems.push(`the manifest is of a ${manifest.kind} export, not ${kind}`);
  if (manifest.state.outcome !== 'done') {
    problems.push(`the manifest's state is ${manifest.state.raw}, not a finished export`);
  }
  differ('sha256', outputs.sha256, manifest.file.sha256);
  differ('bytes', outputs.bytes, manifest.file.bytes);
  differ('records', outputs.records, manifest.records.total);
  if (outputs.file !== '') differ('file (its name)', basename(outputs.file), manifest.file.name);
  return problems;
}

/** Re-reads a file and compares it with the manifest; problems name it as `what`. */
async function fileAgreement(path: string, manifest: Manifest, what: string): Promise<string[]> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) return [`${what} ${path} does not exist`];
  try {
    const observed = await verifyGzipFile(path, {
      format: manifest.file.format,
      validateJson: true,
    });
    checkAgainstManifest(manifest, observed);
    return [];
  } catch (error) {
    return [`${what} ${path}: ${(error as Error).message}`];
  }
}

/** The artifact holds exactly the export and its manifest, both as the outputs describe them. */
async function artifactAgreement(dir: string, manifest: Manifest): Promise<string[]> {
  const names = await readdir(dir).catch(() => undefined);
  if (names === undefined) return [`the artifact folder ${dir} does not exist`];
  const manifestName = manifestFileName(manifest.file.name);
  const problems: string[] = [];
  const expected = [manifest.file.name, manifestName];
  for (const name of expected) {
    if (!names.includes(name)) problems.push(`the artifact holds no ${name}`);
  }
  const unexpected = names.filter((name) => !expected.includes(name));
  if (unexpected.length > 0) problems.push(`the artifact also holds ${unexpected.join(', ')}`);
  if (names.includes(manifest.file.name)) {
    problems.push(
      ...(await fileAgreement(join(dir, manifest.file.name), manifest, "the artifact's")),
    );
  }
  if (names.includes(manifestName)) {
    const stored = await readFile(join(dir, manifestName), 'utf8');
    try {
      const storedManifest = parseManifest(stored, `the artifact's ${manifestName}`);
      if (JSON.stringify(storedManifest) !== JSON.stringify(manifest)) {
        problems.push(`the artifact's ${manifestName} differs from output manifest`);
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}
