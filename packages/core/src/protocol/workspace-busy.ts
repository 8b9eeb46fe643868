/**
 * Asana runs one resource export per workspace and refuses a second with 403, the same status as
 * "not permitted". Its description documents the status but not the wording, so a 403 to a
 * resource export create is read with every signal the answer gives, and the reading taken is
 * said in the error (a busy workspace is waited for; a refusal is final).
 */
import { parseRetryAfter } from './retry.js';

export type Create403Reading =
  /** Another export of the workspace is running: waiting for it and asking again is safe. */
  | { readonly reading: 'busy'; readonly because: string }
  /** The token may not create resource exports here: asking again changes nothing. */
  | { readonly reading: 'forbidden'; readonly because: string }
  /** Neither reading has support: waited for a few times, then taken as a refusal. */
  | { readonly reading: 'unclear'; readonly because: string };

/** Wording of a running export (the sandbox's, and forms Asana's messages are likely to take). */
const BUSY_WORDING =
  /already (?:in progress|running|being (?:processed|exported))|in progress for this workspace|one (?:in[- ]progress )?export|(?:export|request) (?:is )?(?:currently |still )?(?:in progress|running|pending)|try again (?:later|when)/i;
/** Wording of a missing entitlement or permission. */
const FORBIDDEN_WORDING =
  /permission|not (?:authori[sz]ed|allowed|permitted|available)|forbidden|access|enterprise|add-?on|service account|premium|upgrade|plan\b/i;

/** How many times an unclear 403 is waited out before it is read as a refusal. */
export const UNCLEAR_403_WAITS = 3;

export function readCreate403(signals: {
  /** Every `errors[].message` of the answer. */
  readonly messages: readonly string[];
  /** The answer's Retry-After header, if any: "come back later" is a busy server's word. */
  readonly retryAfter: string | undefined;
}): Create403Reading {
  const busy = signals.messages.some((message) => BUSY_WORDING.test(message));
  const forbidden = signals.messages.some((message) => FORBIDDEN_WORDING.test(message));
  const retryAfter = parseRetryAfter(signals.retryAfter, 0) !== undefined;
  if (busy && !forbidden) {
    return { reading: 'busy', because: "Asana's message speaks of an export in progress" };
  }
  if (forbidden && !busy) {
    return retryAfter
      ? {
          reading: 'unclear',
          because: "Asana's message speaks of permission, but the answer says to retry later",
        }
      : { reading: 'forbidden', because: "Asana's message speaks of permission or entitlement" };
  }
  if (busy && forbidden) {
    return {
      reading: 'unclear',
      because: "Asana's message speaks both of an export in progress and of permission",
    };
  }
  if (retryAfter) {
    return {
      reading: 'busy',
      because: 'the answer carries Retry-After, a request to come back later',
    };
  }
  return {
    reading: 'unclear',
    because:
      signals.messages.length === 0
        ? 'the answer carries no message'
        : "Asana's message names neither a running export nor a missing permission",
  };
}
