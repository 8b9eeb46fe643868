import { IntegrityError } from './errors.js';
import type { Manifest } from './manifest.js';
import type { RecordCounts } from './records.js';

export interface ObservedFile {
  readonly bytes: number;
  readonly sha256: string;
  readonly records: RecordCounts;
}

/**
 * Compares a file as read now with the manifest written when it was downloaded, so a backup
 * copied between machines or stores can be proven unchanged. Throws listing every difference.
 */
export function checkAgainstManifest(manifest: Manifest, observed: ObservedFile): void {
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
  if (differences.length > 0) {
    throw new IntegrityError(
      `${manifest.file.name} differs from its manifest: ${differences.join('; ')}`,
    );
  }
}
