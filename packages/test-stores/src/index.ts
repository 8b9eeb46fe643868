// Real object stores for the tests, each started on free loopback ports and removed on stop.
export {
  AZURITE_ACCOUNT,
  AZURITE_ACCOUNT_KEY,
  type AzureBlobServer,
  type AzuriteOptions,
  startAzurite,
} from './azurite.js';
export { type CuttingProxy, type RangedRequest, startCuttingProxy } from './cutting-proxy.js';
export {
  type FakeEntra,
  type FakeEntraOptions,
  startFakeEntra,
  type TokenRequest,
} from './fake-entra.js';
export {
  answersHttp,
  freePort,
  type LoggedProcess,
  pollUntil,
  type SpawnOptions,
  spawnLogged,
  stopProcess,
  waitUntilServing,
} from './processes.js';
export {
  hasRadosgw,
  type Radosgw,
  type RadosgwOptions,
  type S3Server,
  startRadosgw,
} from './radosgw.js';
export {
  type EntraIdAzure,
  startAzureStore,
  startS3Store,
  storesUnderTest,
  type TestStore,
} from './stores.js';
export {
  makeTestCertificate,
  startTlsFront,
  type TestCertificate,
  type TlsFront,
  trustInThisProcess,
} from './tls.js';
