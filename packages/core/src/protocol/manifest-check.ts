import { IntegrityError } from './errors.js';
import type { Manifest } from './manifest.js';
import type { RecordCounts } from './records.js';
import { printable } from './text.js';

export interface ObservedFile extends ObservedDigest {
  readonly records: RecordCounts;
}

export interface ObservedDigest {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Compares a file as read now with the manifest written when it was downloaded, so a backup
 * copied between machines or stores can be proven unchanged. Throws listing every difference.
 */
export function checkAgainstManifest(manifest: Manifest, observed: ObservedFile): void {
  const differences = contentDifferences(manifest, observed);
  if (differences.length > 0) {
    throw new IntegrityError(
      `${manifest.file.name} differs from its manifest: ${differences.join('; ')}`,
    );
  }
}

/** How the content as read now differs from what the manifest recorded; empty when it does not. */
export function contentDifferences(manifest: Manifest, observed: ObservedFile): string[] {
  const differences: string[] = [];
  if (observed.bytes !== manifest.file.bytes) {
    differences.push(`size is ${observed.bytes} bytes, the manifest says ${manifest.file.bytes}`);
  }
  if (observed.sha256 !== manifest.file.sha256) {
    differences.push(`SHA-256 is ${observed.sha256}, the manifest says ${manifest.file.sha256}`);
  }
  if (observed.records.records !== manifest.records.total) {
    differences.push(
      `it holds ${observed.records.records} records, the manifest says ${manifest.records.total}`,
    );
  }
  const expectedTypes = manifest.records.byResourceType;
  const observedTypes = observed.records.byResourceType;
  if (expectedTypes && observedTypes) {
    for (const type of new Set([...Object.keys(expectedTypes), ...Object.keys(observedTypes)])) {
      const expected = expectedTypes[type] ?? 0;
      const actual = observedTypes[type] ?? 0;
      if (expected !== actual) {
        differences.push(`${actual} records of type ${type}, the manifest says ${expected}`);
      }
    }
  }
  return differences;
}

/**
 * Compares an encrypted export's ciphertext, as read now, with the `encryption.file` its
 * manifest recorded: proof the stored file is unchanged, though its content is not checked.
 */
export function checkCiphertextAgainstManifest(manifest: Manifest, observed: ObservedDigest): void {
  const expected = manifest.encryption?.file;
  if (expected === undefined) {
    throw new RangeError('checkCiphertextAgainstManifest needs a manifest with encryption');
  }
  const differences = ciphertextDifferences(expected, observed);
  if (differences.length > 0) {
    throw new IntegrityError(
      `${expected.name} differs from its manifest: ${differences.join('; ')}`,
    );
  }
}

/** How the stored ciphertext differs from the manifest's `encryption.file`. */
export function ciphertextDifferences(
  expected: ObservedDigest,
  observed: ObservedDigest,
): string[] {
  const differences: string[] = [];
  if (observed.bytes !== expected.bytes) {
    differences.push(`size is ${observed.bytes} bytes, the manifest says ${expected.bytes}`);
  }
  if (observed.sha256 !== expected.sha256) {
    differences.push(`SHA-256 is ${observed.sha256}, the manifest says ${expected.sha256}`);
  }
  return differences;
}

/**
 * An export already stored, read back (by `verify` or `diff`), against its manifest: the content
 * when it was read, the ciphertext when the manifest records one. The error names the file as the
 * user gave it, and the manifest by the name it records, and says the file was left as it is: it
 * may be another export's manifest, or the file may be damaged, and nothing is to be re-downloaded
 * blindly.
 */
export function checkStoredAgainstManifest(
  file: string,
  manifest: Manifest,
  observed: {
    readonly content?: ObservedFile | undefined;
    readonly ciphertext?: ObservedDigest | undefined;
  },
): void {
  const differences = observed.content ? contentDifferences(manifest, observed.content) : [];
  if (manifest.encryption && observed.ciphertext) {
    differences.push(...ciphertextDifferences(manifest.encryption.file, observed.ciphertext));
  }
  if (differences.length > 0) {
    throw new IntegrityError(
      `it does not match its manifest (${printable(manifest.file.name, 300)}): ${differences.join('; ')}`,
      { storedFile: file },
    );
  }
}
