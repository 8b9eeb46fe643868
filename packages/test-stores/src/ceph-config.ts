/**
 * The ceph.conf of a throwaway one-node cluster: one mon, one OSD on memstore (RAM, no disk
 * image), every pool with one copy, no cephx, and one radosgw. Chosen for a fast start and a small
 * footprint on a 2-core CI machine, not for safety: nothing here survives the test run.
 */
export interface CephConfigInput {
  readonly fsid: string;
  /** The mkdtemp folder that holds everything: config, mon store, OSD, sockets, logs. */
  readonly home: string;
  readonly monPort: number;
  readonly rgwPort: number;
  /** `name=base64 key` pairs for radosgw's testing KMS backend (SSE-KMS without a KMS). */
  readonly kmsKeys: Readonly<Record<string, string>>;
  /** memstore's size: everything stored lives in the OSD's memory. */
  readonly memoryBytes: number;
}

export function cephConfig(input: CephConfigInput): string {
  const { home } = input;
  const kmsKeys = Object.entries(input.kmsKeys)
    .map(([name, key]) => `${name}=${key}`)
    .join(' ');
  const settings: [string, string | number | boolean][] = [
    ['fsid', input.fsid],
    ['mon host', `v2:127.0.0.1:${input.monPort}`],
    ['public addr', '127.0.0.1'],
    ['ms bind ipv6', false],
    // No cephx: nothing to leak, no keyrings to hand around. Without cephx there is no "secure"
    // messenger mode, and radosgw asks for it towards the mon by default: crc everywhere.
    ['auth cluster required', 'none'],
    ['auth service required', 'none'],
    ['auth client required', 'none'],
    ['ms cluster mode', 'crc'],
    ['ms service mode', 'crc'],
    ['ms client mode', 'crc'],
    ['ms mon cluster mode', 'crc'],
    ['ms mon service mode', 'crc'],
    ['ms mon client mode', 'crc'],
    ['run dir', `${home}/run`],
    // One socket per process: the ceph CLI and radosgw-admin are all client.admin.
    ['admin socket', `${home}/run/$name.$pid.asok`],
    ['log file', `${home}/log/$name.log`],
    // The mon's cluster and audit logs too, which otherwise go to /var/log/ceph.
    ['mon cluster log file', `default=${home}/log/cluster.$channel.log`],
    ['pid file', ''],
    ['keyring', `${home}/keyring`],
    ['mon data', `${home}/mon`],
    ['osd data', `${home}/osd`],
    ['rgw data', `${home}/rgw`],
    // A full CI disk must not stop the mon: its data is a few MB in a folder removed afterwards.
    ['mon data avail crit', 0],
    // The mon batches map changes for a second by default; radosgw's first start makes a dozen
    // one after the other (create each pool, tag it), which took 8 s of a 12 s start.
    ['paxos propose interval', 0.01],
    ['paxos min wait', 0.001],
    ['mon data avail warn', 0],
    // One OSD: one copy of everything, few placement groups, no autoscaler (there is no mgr).
    ['osd pool default size', 1],
    ['osd pool default min size', 1],
    ['osd pool default pg num', 8],
    ['osd pool default pgp num', 8],
    ['osd pool default pg autoscale mode', 'off'],
    ['mon allow pool size one', true],
    ['mon warn on pool no redundancy', false],
    ['mon allow pool delete', true],
    ['osd crush chooseleaf type', 0],
    ['osd objectstore', 'memstore'],
    ['memstore device bytes', input.memoryBytes],
    // radosgw: plain HTTP on loopback, no multisite sync, few threads.
    ['rgw frontends', `beast endpoint=127.0.0.1:${input.rgwPort} tcp_nodelay=1`],
    ['rgw thread pool size', 32],
    ['rgw run sync thread', false],
    ['rgw dynamic resharding', false],
    // Deleted objects' data is freed by the garbage collector, two hours later by default: in
    // memory, a benchmark that deletes between runs would fill the OSD.
    ['rgw gc obj min wait', 0],
    ['rgw gc processor period', 1],
    // Quotas (setBucketQuota) checked against fresh bucket stats, not ten-minute-old ones.
    ['rgw bucket quota ttl', 0],
    ['rgw user quota bucket sync interval', 0],
    // SSE-KMS against fixed test keys, over plain HTTP (AWS and Ceph require TLS by default).
    ['rgw crypt require ssl', false],
    ['rgw crypt s3 kms backend', 'testing'],
    ['rgw crypt s3 kms encryption keys', kmsKeys],
  ];
  const lines = settings.map(([key, value]) => `${key} = ${String(value)}`);
  return `[global]\n${lines.join('\n')}\n`;
}
