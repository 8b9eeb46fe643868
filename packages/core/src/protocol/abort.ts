import { CancelledError } from './errors.js';

/**
 * Turns whatever an aborted operation threw into a `CancelledError`, so every front end sees one
 * type for "the user or the runner stopped us", whatever the transport threw on abort.
 */
export function asCancelled(signal: AbortSignal, what: string, error?: unknown): CancelledError {
  if (error instanceof CancelledError) return error;
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError(what, { cause: error ?? reason });
}

export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw asCancelled(signal, what);
}

/** Sleeps through the injected clock; an abort surfaces as `CancelledError`. */
export async function sleepOrCancel(
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal,
  what: string,
): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch (error) {
    if (signal.aborted) throw asCancelled(signal, what, error);
    throw error;
  }
}
