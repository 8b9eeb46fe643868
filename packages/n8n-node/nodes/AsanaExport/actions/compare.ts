import {
  assertRecordsPerLine,
  type ChangeLimit,
  type CrossedLimit,
  checkComparable,
  checkStoredAgainstManifest,
  crossedLimits,
  type DiffReport,
  type DiffStreamFigures,
  describeCrossed,
  diffMarkdown,
  diffRecordStreams,
  InputError,
  type Manifest,
  parseChangeLimits,
  parseManifest,
  printable,
} from '@asana-exports/core/protocol';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  NodeOperationError,
} from 'n8n-workflow';
import { readStoreIn } from '../storeIn';
import { type BinaryExport, openBinaryExport } from '../transport/binaryInput';
import { type ComparedSide, openStoredPair } from './compareStored';

export const OLD_FIELD_LABEL = 'Old Export Field';
export const NEW_FIELD_LABEL = 'New Export Field';
export const FAIL_ON_LABEL = 'Fail On';
export const OLD_MANIFEST_LABEL = 'Old Manifest';
export const NEW_MANIFEST_LABEL = 'New Manifest';

/**
 * Compares two exports of the same kind and target, from the item's binary data or from a bucket
 * or container (Compare From), with the core's diff (the CLI's `asana-export diff` report, record
 * by record by type and gid), in memory of an index of their keys, never of the files (see the
 * core's diffRecordStreams). Both sources feed the same comparison, so two files make the same
 * report wherever they are read from. One item out: the change report, the percentages an If node
 * tests, and the Fail On limits it crosses.
 */
export async function compare(
  context: IExecuteFunctions,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const settings = readCompareSettings(context, itemIndex);
  const storeIn = readStoreIn(context, itemIndex);
  const signal = context.getExecutionCancelSignal() ?? new AbortController().signal;
  const stored =
    storeIn === 'binary' ? undefined : await openStoredPair(context, itemIndex, storeIn, signal);
  const { older, newer } = stored ?? binaryPair(context, itemIndex, settings);
  const { kind, warnings } = checkComparable(comparedOf(older), comparedOf(newer));

  const result = await diffRecordStreams(older.export, newer.export, { signal });
  checkManifest(older.export, older.manifest, result.old);
  checkManifest(newer.export, newer.manifest, result.new);
  assertRecordsPerLine(older.input, older.export.shown, result.old);
  assertRecordsPerLine(newer.input, newer.export.shown, result.new);
  const report = result.tally.report({
    kind,
    target: older.manifest?.target ?? newer.manifest?.target,
    old: sideOf(older, result.old),
    new: sideOf(newer, result.new),
  });
  const crossed = crossedLimits(report, settings.limits);
  if (crossed.length > 0 && settings.whenCrossed === 'fail') {
    throw new NodeOperationError(
      context.getNode(),
      `Change limit crossed: ${crossed.map(describeCrossed).join('; ')}`,
      {
        description: `Fail On is ${settings.limits.map((limit) => limit.text).join(', ')}. To route the item instead (to a Slack or email node), set When a Limit Is Crossed to Report in the Output and test "crossed" in an If node.`,
        itemIndex,
      },
    );
  }
  const json: IDataObject = {
    ...percentages(report),
    crossed: crossed.map(describeLimit),
    warnings,
    ...(stored === undefined ? {} : { oldKey: stored.keys.old, newKey: stored.keys.new }),
    ...(report as unknown as IDataObject),
  };
  if (settings.includeMarkdown) json.markdown = diffMarkdown(report, crossed);
  return [{ json, pairedItem: { item: itemIndex } }];
}

/** The two binary fields of the item, with the manifests given in the options. */
function binaryPair(
  context: IExecuteFunctions,
  itemIndex: number,
  settings: CompareSettings,
): { older: ComparedSide; newer: ComparedSide } {
  const { oldField, newField } = readBinaryFields(context, itemIndex);
  const side = (label: string, field: string, manifest: Manifest | undefined): ComparedSide => ({
    input: label,
    export: openBinaryExport(context, itemIndex, label, field),
    manifest,
    unnamed: `binary field ${printable(field, 100)}`,
  });
  return {
    older: side(OLD_FIELD_LABEL, oldField, settings.oldManifest),
    newer: side(NEW_FIELD_LABEL, newField, settings.newManifest),
  };
}

function comparedOf(side: ComparedSide) {
  return {
    input: side.input,
    shown: side.export.shown,
    manifest: side.manifest,
    fileName: side.export.fileName,
  };
}

interface CompareSettings {
  readonly limits: readonly ChangeLimit[];
  readonly whenCrossed: 'fail' | 'report';
  readonly includeMarkdown: boolean;
  readonly oldManifest: Manifest | undefined;
  readonly newManifest: Manifest | undefined;
}

/** Every parameter checked before a byte is read: a typo in Fail On must not cost a comparison. */
export function readCompareSettings(
  context: IExecuteFunctions,
  itemIndex: number,
): CompareSettings {
  const failOn = context.getNodeParameter('failOn', itemIndex, '') as unknown;
  if (typeof failOn !== 'string') {
    throw new InputError(
      FAIL_ON_LABEL,
      `is a ${typeof failOn}, not text`,
      'Write e.g. removed>5%.',
    );
  }
  const whenCrossed = context.getNodeParameter('whenCrossed', itemIndex, 'fail');
  const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
  const manifests = {
    oldManifest: readManifest(options.oldManifest, OLD_MANIFEST_LABEL),
    newManifest: readManifest(options.newManifest, NEW_MANIFEST_LABEL),
  };
  if (readStoreIn(context, itemIndex) !== 'binary') {
    const given = manifests.oldManifest === undefined ? NEW_MANIFEST_LABEL : OLD_MANIFEST_LABEL;
    if (manifests.oldManifest !== undefined || manifests.newManifest !== undefined) {
      throw new InputError(
        given,
        'applies to Binary Fields only',
        'Remove it: in a bucket or container, the manifest stored beside each export is read.',
      );
    }
  }
  return {
    ...manifests,
    limits: parseChangeLimits(FAIL_ON_LABEL, [failOn]),
    whenCrossed: whenCrossed === 'report' ? 'report' : 'fail',
    includeMarkdown: options.includeMarkdown === true,
  };
}

/** The two binary fields, checked before a byte is read. */
function readBinaryFields(
  context: IExecuteFunctions,
  itemIndex: number,
): { oldField: string; newField: string } {
  const field = (name: string, label: string, fallback: string) => {
    const value = String(context.getNodeParameter(name, itemIndex, fallback)).trim();
    if (value === '') {
      throw new InputError(
        label,
        `empty; expected the name of a binary field, such as ${fallback}`,
      );
    }
    return value;
  };
  const oldField = field('oldBinaryPropertyName', OLD_FIELD_LABEL, 'old');
  const newField = field('newBinaryPropertyName', NEW_FIELD_LABEL, 'new');
  if (oldField === newField) {
    throw new InputError(
      NEW_FIELD_LABEL,
      `"${printable(newField, 100)}" is the Old Export Field too`,
      'Name the two binary fields that hold the older and the newer export.',
    );
  }
  return { oldField, newField };
}

/** A manifest as Create and Download output it: an object (an expression's) or its JSON text. */
function readManifest(value: unknown, label: string): Manifest | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string')
    return value.trim() === '' ? undefined : parseManifest(value, label);
  return parseManifest(JSON.stringify(value), label);
}

/**
 * With a manifest, the file must be the export it describes (size and SHA-256 of the gzip file,
 * when it is one; its record count always), before any report is made of it, as the CLI checks.
 */
function checkManifest(
  side: BinaryExport,
  manifest: Manifest | undefined,
  figures: DiffStreamFigures,
): void {
  if (manifest === undefined) return;
  const records = { records: figures.records, byResourceType: undefined };
  const digest = side.gzipDigest();
  if (digest !== undefined) {
    checkStoredAgainstManifest(side.shown, manifest, { content: { ...digest, records } });
  } else if (figures.records !== manifest.records.total) {
    // Decompressed: only the count can differ from what the manifest says of the gzip file.
    checkStoredAgainstManifest(side.shown, manifest, {
      content: { bytes: manifest.file.bytes, sha256: manifest.file.sha256, records },
    });
  }
}

function sideOf(compared: ComparedSide, figures: DiffStreamFigures): DiffReport['old'] {
  const { manifest } = compared;
  return {
    file: compared.export.fileName ?? compared.unnamed,
    exportGid: optionalPrintable(manifest?.exportGid),
    completedAt: optionalPrintable(manifest?.completedAt),
    records: figures.records,
    duplicates: figures.duplicates,
  };
}

/** Of the older export's records, as Fail On measures them: for an If node. */
function percentages(report: DiffReport): IDataObject {
  const { old, added, removed, changed } = report.totals;
  const of = (count: number) =>
    old === 0 ? (count === 0 ? 0 : 100) : Math.round((count / old) * 10_000) / 100;
  return {
    addedPercent: of(added),
    removedPercent: of(removed),
    changedPercent: of(changed),
  };
}

function describeLimit(crossed: CrossedLimit): IDataObject {
  return {
    limit: crossed.limit.text,
    actual: crossed.actual,
    percentOfOld: Math.round(crossed.percentOfOld * 100) / 100,
    message: describeCrossed(crossed),
  };
}

function optionalPrintable(text: string | undefined): string | undefined {
  return text === undefined ? undefined : printable(text, 64);
}
