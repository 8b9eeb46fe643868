import {
  AsanaApiError,
  AsanaExportError,
  type ErrorCategory,
  type ResumeAdvice,
} from '@asana-exports/core/protocol';
import { type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { UnreadableBinaryError } from './transport/readableSize';
import { RecordTooLargeError, TooManyRecordsError } from './transport/recordsSink';

/**
 * Turns whatever an operation threw into n8n's error types: Asana's refusals become NodeApiError
 * with Asana's own message and status, everything else NodeOperationError, each with what the
 * user can do about it. Messages never hold the token or a download link (the core's rule).
 */
export function toNodeError(
  node: INode,
  error: unknown,
  itemIndex: number,
  resume?: ResumeAdvice,
): NodeApiError | NodeOperationError {
  if (error instanceof NodeApiError || error instanceof NodeOperationError) {
    if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
    return error;
  }
  const resumeText = resume === undefined ? undefined : resumeHint(resume);
  if (error instanceof AsanaApiError) {
    return new NodeApiError(node, asJson(error), {
      message: error.message,
      description: join(error.hint, error.help ? `Asana: ${error.help}` : undefined, resumeText),
      httpCode: String(error.status),
      itemIndex,
    });
  }
  if (error instanceof AsanaExportError) {
    const converted = new NodeOperationError(node, error.message, {
      description: join(error.hint, categoryHint(error.category), resumeText),
      itemIndex,
    });
    // n8n swaps a message naming ECONNREFUSED and the like for a generic one ("The service
    // refused the connection"): keep ours, which says what failed (Asana, the store).
    if (converted.message !== error.message) {
      const sentence = /[.!?]$/.test(error.message) ? error.message : `${error.message}.`;
      converted.description = join(sentence, converted.description ?? undefined);
    }
    return converted;
  }
  if (error instanceof TooManyRecordsError) {
    return new NodeOperationError(node, error.message, {
      description: `Split Into Items keeps every record in memory, so it stops past Max Records (${error.limit}). Raise Max Records, narrow the export (fields, filters), or turn Split Into Items off to get the file as binary data and process it in a later node.`,
      itemIndex,
    });
  }
  if (error instanceof RecordTooLargeError) {
    return new NodeOperationError(node, error.message, {
      description:
        'Split Into Items keeps every record in memory, so a record that long is not turned into an item. Turn Split Into Items off to get the file as binary data (verified without holding any line whole).',
      itemIndex,
    });
  }
  if (isFileTooLarge(error)) {
    return new NodeOperationError(node, `n8n could not store the export: ${messageOf(error)}`, {
      description: `n8n's database binary data mode (the default in queue mode) keeps each file in memory and caps it at 512 MiB (N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE, at most 1024). ${PAST_THE_DATABASE}`,
      itemIndex,
    });
  }
  if (error instanceof UnreadableBinaryError) {
    return new NodeOperationError(node, error.message, {
      description: `PostgreSQL hands stored files back as text, and a file over 256 MiB would leave the next node's execution hanging, so nothing was passed on. ${PAST_THE_DATABASE}`,
      itemIndex,
    });
  }
  if (isTooLargeForMemory(error)) {
    return new NodeOperationError(
      node,
      `n8n could not hold the export in memory: ${messageOf(error)}`,
      {
        description:
          "n8n's in-memory binary data mode (N8N_DEFAULT_BINARY_DATA_MODE=default) cannot hold files over about 384 MiB. Set N8N_DEFAULT_BINARY_DATA_MODE=filesystem to stream exports of any size to storage.",
        itemIndex,
      },
    );
  }
  return new NodeOperationError(node, error instanceof Error ? error : new Error(String(error)), {
    itemIndex,
  });
}

/** How to move exports too large for n8n's database binary data mode. */
const PAST_THE_DATABASE =
  'To stream exports of any size, set N8N_DEFAULT_BINARY_DATA_MODE=filesystem on a single instance; in queue mode, s3 or azure (licensed), or filesystem with N8N_BINARY_DATA_STORAGE_PATH on storage every instance shares. Or let Get Status with Include Download Link hand the link to a node that uploads from a URL, or make the export smaller with fields and filters.';

/** V8's limit on string length, hit when n8n base64-encodes a large file held in memory. */
function isTooLargeForMemory(error: unknown): boolean {
  return (
    error instanceof RangeError &&
    /Cannot create a string longer|Invalid string length/.test(error.message)
  );
}

function categoryHint(category: ErrorCategory): string | undefined {
  switch (category) {
    case 'integrity':
      return 'Nothing was passed on to the next node. Run the node again: it downloads a fresh copy.';
    case 'timeout':
      return 'Or raise Timeout (Minutes).';
    default:
      return undefined;
  }
}

/** The operation that picks up an export that goes on at Asana. */
function resumeHint(resume: ResumeAdvice): string {
  return `To pick it up, run Get Status or Download with Export Kind ${resume.kind} and Export or Job GID ${resume.gid}.`;
}

/** n8n-core's FileTooLargeError (a UserError, whose `name` is not its class's). */
function isFileTooLarge(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'FileTooLargeError' ||
      error.constructor.name === 'FileTooLargeError' ||
      /exceeds the max size limit .* for `database` mode/.test(error.message))
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function join(...parts: Array<string | undefined>): string | undefined {
  const text = parts.filter((part) => part !== undefined && part !== '').join(' ');
  return text === '' ? undefined : text;
}

/** What NodeApiError shows as the raw response: Asana's answer, never a URL with credentials. */
function asJson(error: AsanaApiError): JsonObject {
  return {
    message: error.message,
    httpCode: String(error.status),
    reason: error.reason,
    request: `${error.method} ${error.path}`,
    ...(error.asanaMessage === undefined ? {} : { asanaMessage: error.asanaMessage }),
    ...(error.phrase === undefined ? {} : { phrase: error.phrase }),
  };
}
