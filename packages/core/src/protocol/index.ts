export {
  type AgeDecryptor,
  type AgeEncryptor,
  ageCiphertextSize,
  createAgeDecryptor,
  createAgeEncryptor,
} from './age.js';
export { parseAgeIdentities, parseAgeRecipients } from './age-keys.js';
export { EncryptedOutput } from './age-output.js';
export type { AgeIdentity, AgeRecipient } from './age-x25519.js';
export * from './base-url.js';
export * from './client.js';
export * from './deadline.js';
export * from './download.js';
export * from './download-plan.js';
export * from './errors.js';
export * from './events.js';
export * from './format.js';
export { GzipMembers } from './gzip-members.js';
export * from './hash.js';
export * from './kinds.js';
export * from './labels.js';
export * from './limits.js';
export * from './links.js';
export * from './manifest.js';
export * from './manifest-check.js';
export * from './params.js';
export * from './polling.js';
export * from './ports.js';
export * from './progress-text.js';
export * from './records.js';
export * from './redact.js';
export * from './requests.js';
export * from './resource-lists.js';
export * from './responses.js';
export * from './resume.js';
export * from './retry.js';
export * from './run.js';
export * from './schemas.js';
export * from './since.js';
export * from './text.js';
export * from './version.js';
export * from './workspace-busy.js';
