import { describe, expect, it } from 'vitest';
import {
  EXPORT_KINDS,
  type ExportKind,
  fileExtension,
  fileFormat,
  isExportGid,
  isExportKind,
  isGid,
  normalizeState,
  type Outcome,
  outcomeOf,
} from '../../src/protocol/kinds.js';

describe('normalizeState', () => {
  const table: [ExportKind, string, Outcome][] = [
    ['organization', 'pending', 'waiting'],
    ['organization', 'started', 'waiting'],
    ['organization', 'finished', 'done'],
    ['organization', 'error', 'failed'],
    ['resource', 'not_started', 'waiting'],
    ['resource', 'in_progress', 'waiting'],
    ['resource', 'succeeded', 'done'],
    ['resource', 'failed', 'failed'],
    ['graph', 'not_started', 'waiting'],
    ['graph', 'in_progress', 'waiting'],
    ['graph', 'succeeded', 'done'],
    ['graph', 'failed', 'failed'],
    // The vocabularies do not mix: a job's words mean nothing to an organization export.
    ['organization', 'succeeded', 'waiting'],
    ['organization', 'failed', 'waiting'],
    ['resource', 'finished', 'waiting'],
    ['graph', 'error', 'waiting'],
    // Unknown states keep waiting; the timeout bounds them.
    ['organization', 'queued_for_review', 'waiting'],
    ['resource', '', 'waiting'],
    // Case and padding do not hide a final state.
    ['resource', ' Succeeded ', 'done'],
    ['organization', 'ERROR', 'failed'],
  ];
  it.each(table)('%s %j → %s', (kind, raw, outcome) => {
    expect(normalizeState(kind, raw)).toBe(outcome);
  });
});

describe('fileFormat and fileExtension', () => {
  it('organization exports are JSON, the others JSON Lines', () => {
    expect(fileFormat('organization')).toBe('json');
    expect(fileFormat('resource')).toBe('jsonl');
    expect(fileFormat('graph')).toBe('jsonl');
    expect(fileExtension('organization')).toBe('.json.gz');
    expect(fileExtension('graph')).toBe('.jsonl.gz');
  });
});

describe('isGid and isExportKind', () => {
  it.each([
    ['1', true],
    ['1234567890123456', true],
    ['9'.repeat(32), true],
    ['9'.repeat(33), false],
    ['', false],
    ['12a', false],
    [' 12', false],
    ['-1', false],
    ['1.5', false],
    ['../1', false],
  ])('isGid(%j) is %s', (value, expected) => {
    expect(isGid(value)).toBe(expected);
  });

  it('knows exactly the three kinds', () => {
    expect(EXPORT_KINDS).toEqual(['organization', 'resource', 'graph']);
    expect(isExportKind('graph')).toBe(true);
    expect(isExportKind('Graph')).toBe(false);
    expect(isExportKind('workspace')).toBe(false);
  });
});

describe('outcomeOf', () => {
  it('a finished export without a link is still waiting: there is nothing to download yet', () => {
    expect(outcomeOf('graph', 'succeeded', false)).toBe('waiting');
    expect(outcomeOf('organization', 'finished', false)).toBe('waiting');
    expect(outcomeOf('graph', 'succeeded', true)).toBe('done');
    expect(outcomeOf('graph', 'failed', false)).toBe('failed');
    expect(outcomeOf('resource', 'in_progress', true)).toBe('waiting');
  });
});

describe('isExportGid: gids from answers, safe in a URL path and a file name', () => {
  it.each([
    ['1234567890123456', true],
    ['job_AB-12', true],
    ['_x', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['-rf', false],
    ['1/../../x', false],
    ['..', false],
    ['1.5', false],
    ['1 2', false],
    ['12\u001b[2J', false],
    ['12\n', false],
    ['%2e%2e', false],
    ['C:\\x', false],
  ])('isExportGid(%j) is %s', (value, expected) => {
    expect(isExportGid(value)).toBe(expected);
  });
});
