import {
  assertRecordsPerLine,
  type ChangeLimit,
  type CrossedLimit,
  crossedLimits,
  type DiffReport,
  type DiffStreamFigures,
  describeCrossed,
  diffMarkdown,
  diffRecordStreams,
  type ExportKind,
  InputError,
  parseChangeLimits,
  printable,
} from '@asana-exports/core/protocol';
import {
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  NodeOperationError,
} from 'n8n-workflow';
import { type BinaryExport, openBinaryExport } from '../transport/binaryInput';

export const OLD_FIELD_LABEL = 'Old Export Field';
export const NEW_FIELD_LABEL = 'New Export Field';
export const FAIL_ON_LABEL = 'Fail On';

/**
 * Compares two exports of the same kind and target, from the item's binary data, with the core's
 * diff (the CLI's `asana-export diff` report, record by record by type and gid), in memory of an
 * index of their keys, never of the files (see the core's diffRecordStreams). One item out: the
 * change report, the percentages an If node tests, and the Fail On limits it crosses.
 */
export async function compare(
  context: IExecuteFunctions,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const settings = readCompareSettings(context, itemIndex);
  const older = openBinaryExport(context, itemIndex, OLD_FIELD_LABEL, settings.oldField);
  const newer = openBinaryExport(context, itemIndex, NEW_FIELD_LABEL, settings.newField);
  const kind = checkComparable(older, newer);

  const signal = context.getExecutionCancelSignal() ?? new AbortController().signal;
  const result = await diffRecordStreams(older, newer, { signal });
  assertRecordsPerLine(OLD_FIELD_LABEL, older.shown, result.old);
  assertRecordsPerLine(NEW_FIELD_LABEL, newer.shown, result.new);
  const report = result.tally.report({
    kind,
    target: undefined,
    old: sideOf(older, settings.oldField, result.old),
    new: sideOf(newer, settings.newField, result.new),
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
    ...(report as unknown as IDataObject),
  };
  if (settings.includeMarkdown) json.markdown = diffMarkdown(report, crossed);
  return [{ json, pairedItem: { item: itemIndex } }];
}

interface CompareSettings {
  readonly oldField: string;
  readonly newField: string;
  readonly limits: readonly ChangeLimit[];
  readonly whenCrossed: 'fail' | 'report';
  readonly includeMarkdown: boolean;
}

/** Every parameter checked before a byte is read: a typo in Fail On must not cost a comparison. */
export function readCompareSettings(
  context: IExecuteFunctions,
  itemIndex: number,
): CompareSettings {
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
  return {
    oldField,
    newField,
    limits: parseChangeLimits(FAIL_ON_LABEL, [failOn]),
    whenCrossed: whenCrossed === 'report' ? 'report' : 'fail',
    includeMarkdown: options.includeMarkdown === true,
  };
}

const KIND_IN_NAME = /^asana-(organization|resource|graph)-export-/;

/**
 * What the file names tell, as the CLI checks its files' manifests: two kinds, or JSON against
 * JSON Lines, cannot be compared (every record would be added and removed). Returns the kind.
 */
function checkComparable(older: BinaryExport, newer: BinaryExport): ExportKind | undefined {
  const [oldKind, newKind] = [older, newer].map(
    (side) => KIND_IN_NAME.exec(side.fileName ?? '')?.[1] as ExportKind | undefined,
  );
  if (oldKind !== undefined && newKind !== undefined && oldKind !== newKind) {
    throw new InputError(
      NEW_FIELD_LABEL,
      `${newer.shown} is a ${newKind} export and ${older.shown} a ${oldKind} export`,
      'Compare two exports of the same kind and target.',
    );
  }
  const [oldFormat, newFormat] = [older, newer].map((side) => formatOf(side.fileName));
  if (oldFormat !== undefined && newFormat !== undefined && oldFormat !== newFormat) {
    throw new InputError(
      NEW_FIELD_LABEL,
      `${newer.shown} is ${newFormat} and ${older.shown} is ${oldFormat}`,
      'Compare two exports of the same kind.',
    );
  }
  return oldKind ?? newKind;
}

function formatOf(fileName: string | undefined): 'json' | 'jsonl' | undefined {
  const match = /\.(jsonl?)(\.gz)?$/.exec(fileName ?? '');
  return match === null ? undefined : (match[1] as 'json' | 'jsonl');
}

function sideOf(side: BinaryExport, field: string, figures: DiffStreamFigures): DiffReport['old'] {
  return {
    file: side.fileName ?? `binary field ${printable(field, 100)}`,
    exportGid: undefined,
    completedAt: undefined,
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
