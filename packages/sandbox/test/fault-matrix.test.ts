import { describe, expect, it } from 'vitest';
import {
  FAULT_ROWS,
  type FaultRow,
  faultsOf,
  findRawControls,
  findSecrets,
  scenarioOf,
} from '../src/fault-matrix.js';

function row(name: string): FaultRow {
  const found = FAULT_ROWS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`row missing: ${name}`);
  return found;
}

describe('the shared fault matrix', () => {
  it('finds tokens and presigned credentials, and accepts their redacted forms', () => {
    const token = '2/1600000000000000/abcdef0123456789';
    expect(findSecrets(`failed with ${token}`, [token, undefined])).toEqual([token]);
    expect(findSecrets('GET https://s3/x?X-Amz-Signature=9f8e7d&X-Amz-Expires=300', [])).toEqual([
      'X-Amz-Signature=9f8e7d',
    ]);
    expect(findSecrets('GET https://s3/x?REDACTED and X-Amz-Signature=***', [token])).toEqual([]);
  });

  it('finds raw terminal controls and forged workflow commands, and accepts escaped ones', () => {
    expect(findRawControls('state in_progress\\u001b[2J\\r\\n::error::forged\n')).toEqual([]);
    expect(findRawControls('::error::Asana said %0A::error::forged')).toEqual([]);
    expect(findRawControls('a\u001b[2Jb')).toEqual(['U+001b']);
    expect(findRawControls('a\rb')).toEqual(['U+000d']);
    expect(findRawControls('state in_progress\n::error::forged by the answer')).toEqual([
      'a line that starts ::error::forged',
    ]);
  });

  it('gives every row a scenario on top of the defaults, and its faults for the served file', () => {
    const served = () => ({ bytes: 1000, memberOffsets: [0, 300, 600, 900] });
    expect(faultsOf(row('a connection reset at 50% of the download'), served)).toEqual([
      { route: 'download', reset: 'mid-body', afterBytes: 500 },
    ]);
    // At a member boundary, so that a spliced file would still be a valid gzip.
    const boundary = row('the object changes at a gzip member boundary, If-Range honoured');
    expect(faultsOf(boundary, served)[0]).toEqual({
      route: 'download',
      reset: 'mid-body',
      afterBytes: 600,
    });
    expect(() => faultsOf(boundary, () => ({ bytes: 1000, memberOffsets: [0] }))).toThrow(
      /several gzip members/,
    );
    expect(scenarioOf(row('a truncated gzip'))).toMatchObject({
      corruption: 'truncated',
      outcome: 'succeed',
    });
    expect(new Set(FAULT_ROWS.map((candidate) => candidate.name)).size).toBe(FAULT_ROWS.length);
  });
});
