import { describe, expect, it } from 'vitest';
import { readCreate403 } from '../../src/protocol/workspace-busy.js';

// A 403 to a resource export create is "busy" or "not permitted", and Asana documents only the
// status: every signal of the answer is read, and the reading says on what grounds.
describe('readCreate403', () => {
  it.each([
    [
      ['An export is already in progress for this workspace.'],
      undefined,
      'busy',
      /export in progress/,
    ],
    [['Export already running'], undefined, 'busy', /export in progress/],
    [['Only one export may run at a time per workspace'], undefined, 'busy', /export in progress/],
    [
      ['There is a request currently in progress, try again later'],
      undefined,
      'busy',
      /export in progress/,
    ],
    [['You do not have permission to perform this action.'], undefined, 'forbidden', /permission/],
    [
      ['Resource exports require an Enterprise+ plan or the Compliance add-on'],
      undefined,
      'forbidden',
      /permission or entitlement/,
    ],
    [['Forbidden'], undefined, 'forbidden', /permission/],
    // Neither wording: a Retry-After says "come back later".
    [['Nope.'], '30', 'busy', /Retry-After/],
    [[], 'Wed, 21 Oct 2026 07:28:00 GMT', 'busy', /Retry-After/],
    // Neither, and nothing else: unclear.
    [['Nope.'], undefined, 'unclear', /names neither a running export nor a missing permission/],
    [[], undefined, 'unclear', /carries no message/],
    [['Nope.'], 'soon', 'unclear', /names neither/],
    // Both readings have support: unclear, not a guess.
    [['No permission while an export is already in progress'], undefined, 'unclear', /both/],
    [['You do not have permission'], '30', 'unclear', /retry later/],
  ] as const)('%j with Retry-After %j → %s', (messages, retryAfter, reading, because) => {
    const result = readCreate403({ messages, retryAfter });
    expect(result.reading).toBe(reading);
    expect(result.because).toMatch(because);
  });
});
