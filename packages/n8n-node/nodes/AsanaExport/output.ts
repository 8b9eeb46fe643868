import {
  defaultFileName,
  type ExportRef,
  type ExportStatus,
  encryptedFileName,
  fileFormat,
} from '@asana-exports/core/protocol';
import type { IDataObject } from 'n8n-workflow';
import type { FileOptions } from './params';
import type { BinaryFileOptions } from './transport/binaryDownload';

/** An export's status as the node outputs it. The download link is a secret and never shown. */
export function describeStatus(status: ExportStatus): IDataObject {
  const json: IDataObject = {
    kind: status.kind,
    gid: status.gid,
    state: status.outcome,
    rawState: status.rawState,
    done: status.outcome === 'done',
  };
  if (status.exportGid !== undefined) json.exportGid = status.exportGid;
  if (status.createdAt !== undefined) json.createdAt = status.createdAt;
  if (status.completedAt !== undefined) json.completedAt = status.completedAt;
  if (status.organization !== undefined) {
    json.organization = { ...status.organization } as IDataObject;
  }
  return json;
}

/**
 * The stored file's name and type: Asana's name, or the user's, minus `.gz` when decompressed,
 * plus `.age` when encrypted (a user's name that ends in `.age` already is kept as it is).
 */
export function binaryFileFor(ref: ExportRef, options: FileOptions): BinaryFileOptions {
  const format = fileFormat(ref.kind);
  const asanaName = defaultFileName(ref);
  const name =
    options.fileName || (options.decompress ? asanaName.replace(/\.gz$/, '') : asanaName);
  const { encryptTo } = options;
  if (encryptTo !== undefined) {
    const plain = name.replace(/\.age$/, '');
    return {
      fileName: encryptedFileName(plain),
      contentName: plain,
      mimeType: AGE_MIME_TYPE,
      format,
      decompress: false,
      encryptTo,
    };
  }
  const mimeType = options.decompress
    ? format === 'json'
      ? 'application/json'
      : 'application/x-ndjson'
    : 'application/gzip';
  return { fileName: name, contentName: name, mimeType, format, decompress: options.decompress };
}

/**
 * age files' media type, registered with IANA; mime-db (what n8n's mime-types reads) maps `.age`
 * to it and back, so n8n's file extension and other nodes' lookups by name agree with it.
 */
export const AGE_MIME_TYPE = 'application/vnd.age';
