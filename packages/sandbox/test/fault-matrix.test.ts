import { describe, expect, it } from 'vitest';
import { FAULT_ROWS, faultsOf, findSecrets, scenarioOf } from '../src/fault-matrix.js';

describe('the shared fault matrix', () => {
  it('finds tokens and presigned credentials, and accepts their redacted forms', () => {
    const token = '2/1600000000000000/abcdef0123456789';
    expect(findSecrets(`failed with ${token}`, [token, undefined])).toEqual([token]);
    expect(findSecrets('GET https://s3/x?X-Amz-Signature=9f8e7d&X-Amz-Expires=300', [])).toEqual([
      'X-Amz-Signature=9f8e7d',
    ]);
    expect(findSecrets('GET https://s3/x?REDACTED and X-Amz-Signature=***', [token])).toEqual([]);
  });

  it('gives every row a scenario on top of the defaults, and its faults for the served size', () => {
    const midway = FAULT_ROWS.find(
      (row) => row.name === 'a connection reset at 50% of the download',
    );
    if (!midway) throw new Error('row missing');
    expect(faultsOf(midway, 1000)).toEqual([
      { route: 'download', reset: 'mid-body', afterBytes: 500 },
    ]);
    const truncated = FAULT_ROWS.find((row) => row.name === 'a truncated gzip');
    if (!truncated) throw new Error('row missing');
    expect(scenarioOf(truncated)).toMatchObject({ corruption: 'truncated', outcome: 'succeed' });
    expect(new Set(FAULT_ROWS.map((row) => row.name)).size).toBe(FAULT_ROWS.length);
  });
});
