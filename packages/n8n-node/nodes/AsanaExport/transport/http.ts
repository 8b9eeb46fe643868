import { TransportError } from '@asana-exports/core/protocol';

/** One value per header, lower-case names: all the core needs. */
export function normaliseHeaders(headers: unknown): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  if (headers === null || typeof headers !== 'object') return result;
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) result[name.toLowerCase()] = value.map(String).join(', ');
    else if (value !== undefined && value !== null) result[name.toLowerCase()] = String(value);
  }
  return result;
}

/** The `code` of a Node or axios error (`ECONNRESET`, `ECONNREFUSED`…), walking `cause`s. */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * What a failed request becomes for the core: a `TransportError` (no answer arrived, so the core
 * may retry it), or the abort reason when the execution was cancelled.
 */
export function toTransportError(what: string, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return error;
  return new TransportError(what, errorCode(error), { cause: error });
}
