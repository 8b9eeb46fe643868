import {
  type Clock,
  createProgressLog,
  createRedactor,
  ExportClient,
  type ExportKind,
  type ProgressListener,
  printable,
  QUIET_LOG_INTERVAL_MS,
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
  /** Progress into n8n's log: downloads pass it to the core's `downloadExport`. */
  readonly onProgress: ProgressListener;
}

export async function createRuntime(context: IExecuteFunctions): Promise<Runtime> {
  const authentication = context.getNodeParameter('authentication', 0, 'accessToken') as string;
  const credentialType: CredentialType =
    authentication === 'oAuth2' ? 'asanaExportsOAuth2Api' : 'asanaExportsApi';
  const baseUrl = await readBaseUrl(context, credentialType);
  // Masks the token where it is known; presigned links and tokens of Asana's shape in any case.
  const redact = createRedactor([]);
  if (credentialType === 'asanaExportsApi') {
    // A token pasted with a line break would fail inside the HTTP library, after retries.
    const { accessToken } = await context.getCredentials<{ accessToken?: string }>(credentialType);
    validateToken('Access Token (in the credential)', accessToken);
    redact.add(accessToken);
  }
  const signal = context.getExecutionCancelSignal() ?? new AbortController().signal;
  const random: Random = Math.random;
  const seen: Runtime['seen'] = { kind: undefined, gid: undefined };
  // Waiting, download progress and retries, throttled as the CLI's lines on CI: a 20-minute
  // download shows it is alive in the worker's log without flooding it.
  const log = createProgressLog({
    intervalMs: QUIET_LOG_INTERVAL_MS,
    redact,
    now: n8nClock.now,
    emit: (text) => context.logger.info(`Asana export: ${text}`),
  });
  const onProgress: ProgressListener = (event) => {
    if (event.type === 'created' || event.type === 'waiting') {
      seen.kind = event.kind;
      seen.gid = event.gid;
    }
    if (event.type !== 'created') {
      log.onProgress(event);
      return;
    }
    // A line of its own: when the worker running this execution dies while waiting, this line
    // is where the export's gid survives, to resume it (Get Status → Download) by that gid
    // instead of starting a new one. Events carry gids, never a token or a link; the state came
    // from outside and is escaped, so it cannot forge a log line.
    const where = `execution ${context.getExecutionId()} of workflow ${context.getWorkflow().id}`;
    const line = `Asana export: created ${event.kind} export ${event.gid} (${event.rawState}) in ${where}`;
    context.logger.info(printable(redact(line), Number.POSITIVE_INFINITY));
  };
  const client = new ExportClient({
    // Read from the first item: one transport serves the whole execution.
    transport: createApiTransport(context, credentialType, baseUrl, readRequestTimeout(context, 0)),
    clock: n8nClock,
    random,
    onProgress,
  });
  return { client, clock: n8nClock, random, signal, seen, onProgress };
}
