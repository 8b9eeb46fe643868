import type { INodeProperties } from 'n8n-workflow';

/**
 * How long an answer may take to start: every operation but Compare talks to Asana, and Compare
 * from a bucket or container talks to the store. One option, read by params.ts's readRequestTimeout.
 */
export const requestTimeoutOption: INodeProperties = {
  displayName: 'Request Timeout (Seconds)',
  name: 'requestTimeout',
  type: 'number',
  typeOptions: { minValue: 1, maxValue: 3600 },
  default: 60,
  description:
    'How long to wait for an answer from Asana or the download host before the request is retried',
};
