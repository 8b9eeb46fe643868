import type { DownloadResponse, DownloadSource } from '@asana-exports/core/protocol';
import type { IExecuteFunctions } from 'n8n-workflow';
import { openStream, readTransfer, release } from './stream';

/** A plain download source, resuming with `Range`: for sinks that can continue where they stopped. */
export function createStreamSource(context: IExecuteFunctions): DownloadSource {
  return {
    async open(url, options): Promise<DownloadResponse> {
      const { status, headers, stream } = await openStream(context, url, options);
      return {
        status,
        headers,
        body: readTransfer(stream, options.signal),
        cancel: async () => release(stream),
      };
    },
  };
}
