/**
 * A small stand-in for n8n's IExecuteFunctions, for unit tests of the node's own code: parameters
 * from a map, and helpers that behave like n8n's where the node relies on them (httpRequest with
 * `encoding: 'stream'` hands back a Node stream, prepareBinaryData consumes one the way n8n's
 * filesystem or database binary modes do). The real n8n is exercised by e2e.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpGet, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type {
  IBinaryData,
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  INode,
  INodeExecutionData,
} from 'n8n-workflow';
import { tempDir } from './files.mts';

export interface FakeOptions {
  readonly parameters: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
  readonly credentials?: { accessToken: string; baseUrl: string };
  /** Other credentials by type, such as a storage credential of Store In. */
  readonly otherCredentials?: Readonly<Record<string, IDataObject>>;
  readonly items?: number;
  readonly timeZone?: string;
  readonly continueOnFail?: boolean;
  /** The node's type: n8n's AI tool of the node is `n8n-nodes-asana-exports.asanaExportTool`. */
  readonly nodeType?: string;
  /** The node's On Error setting, as n8n sets it on the node (continueOnFail follows from it). */
  readonly onError?: INode['onError'];
  /** How prepareBinaryData consumes the stream: like n8n's filesystem mode, or its database mode. */
  readonly binaryMode?: 'filesystem' | 'database';
  /** Database mode's cap, in bytes. */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  /**
   * Binary fields of every input item: stored files with an id (n8n's filesystem, database and S3
   * modes, read back with getBinaryStream) or, `inMemory`, base64 in the item (its default mode).
   */
  readonly inputBinary?: Readonly<Record<string, InputBinary>>;
}

export interface InputBinary {
  readonly bytes: Uint8Array;
  readonly fileName?: string;
  readonly mimeType?: string;
  readonly inMemory?: boolean;
}

export interface FakeContext {
  readonly context: IExecuteFunctions;
  /** Every request sent, with whether it carried an Authorization header. */
  readonly requests: Array<{ url: string; authorized: boolean; range?: string }>;
  /** What the node logged at info level (n8n's default level, so what a worker's log shows). */
  readonly infoLogs: string[];
  /** The bytes of a stored binary, by its id. */
  stored(binary: IBinaryData): Promise<Buffer>;
  close(): Promise<void>;
}

const node: INode = {
  id: 'fake-node',
  name: 'Asana Export',
  type: 'n8n-nodes-asana-exports.asanaExport',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
};

export async function fakeContext(options: FakeOptions): Promise<FakeContext> {
  // close() removes it at once; if a test does not call it, it goes with the file's others.
  const dir = await tempDir('unit-');
  const requests: FakeContext['requests'] = [];
  const infoLogs: string[] = [];
  const parametersAt = (index: number) =>
    typeof options.parameters === 'function' ? options.parameters(index) : options.parameters;

  const send = async (requestOptions: IHttpRequestOptions, authorization?: string) => {
    const url = new URL(requestOptions.url);
    for (const [name, value] of Object.entries(requestOptions.qs ?? {})) {
      url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(requestOptions.headers ?? {})) {
      headers[name.toLowerCase()] = String(value);
    }
    if (authorization !== undefined) headers.authorization = authorization;
    requests.push({
      url: url.pathname,
      authorized: authorization !== undefined,
      ...(headers.range === undefined ? {} : { range: headers.range }),
    });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpGet(url, {
        method: requestOptions.method ?? 'GET',
        headers,
        ...(requestOptions.abortSignal
          ? { signal: requestOptions.abortSignal as AbortSignal }
          : {}),
      });
      req.once('response', resolve);
      req.once('error', reject);
      // Text (Asana's JSON) or bytes (the parts and manifests Store In uploads).
      const body = requestOptions.body;
      req.end(typeof body === 'string' || body instanceof Uint8Array ? body : undefined);
    });
    if (requestOptions.encoding === 'stream') {
      return { body: response, headers: response.headers, statusCode: response.statusCode };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const ignore = requestOptions.ignoreHttpStatusErrors;
    const status = response.statusCode ?? 0;
    const thrown =
      status >= 400 &&
      (ignore === undefined ||
        ignore === false ||
        (typeof ignore === 'object' && ignore.except.includes(status)));
    if (thrown) {
      // As n8n does: a NodeApiError whose cause is axios's error, with the response.
      throw new Error(`Request failed with status code ${status}`, {
        cause: { response: { status, headers: response.headers, data: body } },
      });
    }
    return { body, headers: response.headers, statusCode: status };
  };

  const prepareBinaryData = async (
    data: Buffer | Readable,
    fileName?: string,
    mimeType?: string,
  ): Promise<IBinaryData> => {
    const id = randomUUID();
    const path = join(dir, id);
    if (options.binaryMode === 'database') {
      // n8n's database mode: the whole file in memory, then a size check.
      const buffer = Buffer.isBuffer(data) ? data : await collect(data);
      if (options.maxBytes !== undefined && buffer.length > options.maxBytes) {
        const error = new Error(`File is too large (${buffer.length} bytes)`);
        error.name = 'FileTooLargeError';
        throw error;
      }
      await writeFile(path, buffer);
    } else {
      // n8n's filesystem mode: fs.writeFile iterates the stream into a temporary file.
      await writeFile(path, data);
    }
    const bytes = (await stat(path)).size;
    return {
      id,
      data: 'filesystem-v2',
      mimeType: mimeType ?? 'application/octet-stream',
      ...(fileName === undefined ? {} : { fileName }),
      bytes,
    } as IBinaryData;
  };

  const binary: Record<string, IBinaryData> = {};
  for (const [name, input] of Object.entries(options.inputBinary ?? {})) {
    const described = {
      mimeType: input.mimeType ?? 'application/gzip',
      ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
    };
    if (input.inMemory === true) {
      binary[name] = { ...described, data: Buffer.from(input.bytes).toString('base64') };
    } else {
      const id = randomUUID();
      await writeFile(join(dir, id), input.bytes);
      binary[name] = { ...described, id, data: 'filesystem-v2', bytes: input.bytes.byteLength };
    }
  }
  const inputItems: INodeExecutionData[] = Array.from({ length: options.items ?? 1 }, () => ({
    json: {},
    ...(options.inputBinary === undefined ? {} : { binary }),
  }));
  const bytesOf = async (data: IBinaryData) =>
    data.id === undefined ? Buffer.from(data.data, 'base64') : await readFile(join(dir, data.id));

  const context = {
    getNode: () => ({
      ...node,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.nodeType === undefined ? {} : { type: options.nodeType }),
    }),
    getInputData: (): INodeExecutionData[] => inputItems,
    getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
      const parameters = parametersAt(itemIndex);
      if (name in parameters) return parameters[name];
      if (fallback !== undefined) return fallback;
      throw new Error(`Could not get parameter "${name}"`);
    },
    getTimezone: () => options.timeZone ?? 'UTC',
    getCredentials: async (type: string) =>
      options.otherCredentials?.[type] ?? (options.credentials as unknown as IDataObject),
    getExecutionCancelSignal: () => options.signal,
    getExecutionId: () => 'fake-execution',
    getWorkflow: () => ({ id: 'fake-workflow', name: 'Fake workflow', active: false }),
    continueOnFail: () =>
      options.continueOnFail === true ||
      options.onError === 'continueRegularOutput' ||
      options.onError === 'continueErrorOutput',
    logger: {
      debug: () => undefined,
      info: (message: string) => {
        infoLogs.push(message);
      },
      warn: () => undefined,
      error: () => undefined,
    },
    helpers: {
      httpRequest: (requestOptions: IHttpRequestOptions) => send(requestOptions),
      async httpRequestWithAuthentication(_type: string, requestOptions: IHttpRequestOptions) {
        return await send(requestOptions, `Bearer ${options.credentials?.accessToken ?? ''}`);
      },
      prepareBinaryData,
      // As n8n's: a fresh stream of the stored file on each call.
      getBinaryStream: async (id: string, chunkSize?: number) =>
        createReadStream(join(dir, id), { highWaterMark: chunkSize ?? 64 * 1024 }),
      getBinaryDataBuffer: async (itemIndex: number, property: string) => {
        const data = inputItems[itemIndex]?.binary?.[property];
        if (data === undefined) throw new Error(`No binary field ${property}`);
        return await bytesOf(data);
      },
    },
  } as unknown as IExecuteFunctions;

  return {
    context,
    requests,
    infoLogs,
    stored: (binary) => readFile(join(dir, binary.id ?? '')),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function collect(stream: Readable): Promise<Buffer> {
  // Like n8n's streamToBuffer: 'data' events, not async iteration.
  return await new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => reject(new Error('Stream closed before completing')));
  });
}

export { createHash } from 'node:crypto';
/** gzip of the given lines, for sinks that expect an export file. */
export { gunzipSync, gzipSync } from 'node:zlib';
