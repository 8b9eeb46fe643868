import { describe, expect, it } from 'vitest';
import { recordsChart } from '../src/compare-summary.js';

describe('recordsChart', () => {
  it('draws the runs oldest first, labelled by UTC minute', () => {
    expect(
      recordsChart([
        { at: '2026-12-04T02:17:09.000Z', records: 7800 },
        { at: '2026-12-05T02:18:00+01:00', records: 7823 },
      ]),
    ).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '    title "Records in the last 2 runs"',
        '    x-axis ["12-04 02:17", "12-05 01:18"]',
        '    y-axis "Records"',
        '    line [7800, 7823]',
        '```',
      ].join('\n'),
    );
  });

  it('leaves out what is not a date or a count, and draws nothing for fewer than two runs', () => {
    const hostile = [
      { at: '"] \n```\n<script>', records: 1 },
      { at: '2026-12-05T02:17:00Z', records: Number.NaN },
      { at: '2026-12-06T02:17:00Z', records: 5 },
    ];
    expect(recordsChart(hostile)).toBeUndefined();
    const chart = recordsChart([...hostile, { at: '2026-12-07T02:17:00Z', records: 6 }]) ?? '';
    expect(chart).toContain('x-axis ["12-06 02:17", "12-07 02:17"]');
    expect(chart).toContain('line [5, 6]');
    expect(chart).not.toContain('script');
  });
});
