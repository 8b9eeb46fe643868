/** A failure of the action's own work (GitHub API, artifacts), with what to do about it. */
export class StepError extends Error {
  readonly hint: string | undefined;
  /** The HTTP status that caused it, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, hint?: string, options?: { status?: number | undefined }) {
    super(message);
    this.name = 'StepError';
    this.hint = hint;
    this.status = options?.status;
  }
}

/** The message, and what to do about it when known. */
export function explain(error: unknown): string {
  const hint = error instanceof StepError ? error.hint : undefined;
  return hint ? `${messageOf(error)}. ${hint}` : `${messageOf(error)}.`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
