import {
  type Clock,
  ExportClient,
  type ExportKind,
  type ProgressEvent,
  printable,
  type Random,
  validateToken,
} from '@asana-exports/core/protocol';
import type { IExecuteFunctions } from 'n8n-workflow';
import { readRequestTimeout } from '../params';
import { type CredentialType, createApiTransport } from './apiTransport';
import { n8nClock } from './clock';
import { readBaseUrl } from './credentials';

/** What every operation needs: the core's client wired to n8n's helpers. */
export interface Runtime {
  readonly client: ExportClient;
  readonly clock: Clock;
  readonly random: Random;
  /** Aborts when the execution is cancelled (or times out). */
  readonly signal: AbortSignal;
  /** The export the current item created or polled, so a failure can say how to resume it. */
  readonly seen: { kind: ExportKind | undefined; gid: string | undefined };
}

export async function createRuntime(context: IExecuteFunctions): Promise<Runtime> {
  const authentication = context.getNodeParameter('authentication', 0, 'accessToken') as string;
  const credentialType: CredentialType =
    authentication === 'oAuth2' ? 'asanaExportsOAuth2Api' : 'asanaExportsApi';
  const baseUrl = await readBaseUrl(context, credentialType);
  if (credentialType === 'asanaExportsApi') {
    // A token pasted with a line break would fail inside the HTTP library, after retries.
    const { accessToken } = await context.getCredentials<{ accessToken?: string }>(credentialType);
    validateToken('Access Token (in the credential)', accessToken);
  }
  const signal = context.getExecutionCancelSignal() ?? new AbortController().signal;
  const random: Random = Math.random;
  const seen: Runtime['seen'] = { kind: undefined, gid: undefined };
  const client = new ExportClient({
    // Read from the first item: one transport serves the whole execution.
    transport: createApiTransport(context, credentialType, baseUrl, readRequestTimeout(context, 0)),
    clock: n8nClock,
    random,
    onProgress: (event) => {
      if (event.type === 'created' || event.type === 'waiting') {
        seen.kind = event.kind;
        seen.gid = event.gid;
      }
      if (event.type !== 'created') {
        context.logger.debug(describeProgress(event));
        return;
      }
      // Info, not debug: when the worker running this execution dies while waiting, this line
      // is where the export's gid survives, to resume it (Get Status → Download) by that gid
      // instead of starting a new one.
      const where = `execution ${context.getExecutionId()} of workflow ${context.getWorkflow().id}`;
      context.logger.info(`${describeProgress(event)} in ${where}`);
    },
  });
  return { client, clock: n8nClock, random, signal, seen };
}

/**
 * Progress for n8n's log. Events carry paths and gids only, never a token or a download link;
 * what came from outside in them (a state, a reason) is escaped, so it cannot forge a log line.
 */
function describeProgress(event: ProgressEvent): string {
  return printable(progressText(event), Number.POSITIVE_INFINITY);
}

function progressText(event: ProgressEvent): string {
  switch (event.type) {
    case 'created':
      return `Asana export: created ${event.kind} export ${event.gid} (${event.rawState})`;
    case 'waiting':
      return `Asana export: ${event.gid} is ${event.rawState} after ${Math.round(event.elapsedMs / 1000)}s`;
    case 'downloading':
      return `Asana export: downloaded ${event.bytes} of ${event.totalBytes ?? '?'} bytes`;
    case 'retrying':
      return `Asana export: retrying ${event.what} in ${Math.round(event.delayMs)}ms (${event.reason})`;
  }
}
