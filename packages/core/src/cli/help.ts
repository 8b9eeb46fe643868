import { DUCKDB_VERSION } from '../node/load/duckdb-package.js';
import { DEFAULT_MEMORY_LIMIT } from '../protocol/load-plan.js';
import { EXAMPLE_QUERIES } from '../protocol/load-queries.js';
import type { Command } from './args.js';

const EXIT_CODES_TEXT = `Exit codes:
  0    the export is downloaded and verified (or the command succeeded)
  2    bad input: an option is missing or malformed (nothing was sent to Asana)
  3    Asana or its download host refused (401 token, 403 not permitted, 404, 429 or 5xx
       after retries), answered something unusable, or the network failed after retries
  4    the export failed at Asana, or the download failed verification
  5    timed out: --timeout ended the run (the export goes on at Asana; resume it by gid)
  6    a local file could not be written: the disk is full, read-only or not permitted
       (load: DuckDB refused, or its native binary is missing)
  7    verify, diff, load: none of the identities given (--identity) can decrypt the export
  8    the object storage given with --to refused or failed to store the export
  9    diff: the report was made and crosses a --fail-on limit
  10   check: no verified export was found, or the last one is older than --max-age
  130  cancelled (Ctrl-C / SIGTERM)

Whenever a run ends while the export goes on at Asana, the error ends with the command that
picks it up (asana-export run --resume GID ...), keeping any bytes already downloaded.`;

const TARGET_TEXT = `Export parameters:
  --kind organization|resource|graph   which export API (required)
  --organization GID     organization exports: the workspace/organization gid
  --workspace GID        resource exports: the workspace gid
  --resource-types LIST  resource exports: task,team,message (default: task)
  --fields LIST          resource exports: fields of each record, e.g. gid,name,modified_at
  --filter NAME=VALUE    resource exports, repeatable: e.g. modified_at.after=2024-01-01,
                         assignee.any=123,456 (applied to the types that accept it)
  --parameters JSON|@FILE  resource exports: Asana's export_request_parameters array verbatim
  --since DATE|DURATION  resource exports: only records modified after a date (2024-01-31) or
                         within a duration (24h, 7d), as modified_at.after
  --parent GID           graph exports: a goal, project, portfolio or team gid`;

const WAIT_TEXT = `Waiting and output:
  -o, --out DIR              where the file and its manifest go (default: .)
  --timeout DURATION         end the whole run after this long (default: 6h), e.g. 90m, 2h:
                             waiting for another running resource export of the workspace
                             (Asana runs one at a time), for the export, and the download;
                             the run ends within it plus a second or two to clean up
  --poll-interval DURATION   first delay between status checks (default: 2s)
  --poll-max-interval DURATION  longest delay between checks (default: 5m)
  --request-timeout DURATION how long to wait for an answer from Asana, the download host or
                             the object storage (--to) before retrying the request (default: 60s)
  --stall-timeout DURATION   a download slower than --min-speed for this long is broken and
                             resumed (default: 60s; also the longest silence allowed)
  --min-speed BYTES          bytes per second a download must keep up (default: 1024)
  --skip-json-check          count JSON Lines records without parsing each one`;

const ENCRYPTION_TEXT = `Encryption (age, https://age-encryption.org):
  --encrypt-to KEY           store the export encrypted to this age public key (age1...);
                             repeatable, or several separated by commas. Only ciphertext
                             reaches the disk, as <file>.age; the content is verified on its way
  --encrypt-to-file FILE     the same for the keys in FILE, one per line, # comments (age -R)

Make a key with \`age-keygen -o key.txt\` (\`age-keygen -y key.txt\` prints its public key).
Check an encrypted export with \`asana-export verify FILE.age --identity key.txt\`; decrypt it
with \`age -d -i key.txt FILE.age | zcat\`.`;

const STORE_TEXT = `Object storage (instead of --out):
  --to URI                   s3://BUCKET/PREFIX or azure://ACCOUNT/CONTAINER/PREFIX: the export
                             streams into a multipart upload that is completed only once the
                             file is verified; its manifest goes beside it, then
                             <prefix><kind>/<target>/latest.json points at it
  --layout TEMPLATE          the folder below the prefix (default: {kind}/{target}/{timestamp});
                             placeholders {kind} {target} {timestamp} {date} {export}
  --storage-class CLASS      S3 storage class (STANDARD_IA, GLACIER_IR...) or Azure access tier
                             (Hot, Cool, Cold, Archive)
  --retention-mode MODE      governance or compliance: write-once retention of the export and
  --retention-days N         its manifest for N days (S3 Object Lock, Azure immutability)
  --s3-region REGION         the bucket's region (default: AWS_REGION, AWS_DEFAULT_REGION)
  --s3-endpoint URL          an S3-compatible store: R2, MinIO, Ceph, Google Cloud Storage
                             (https://storage.googleapis.com, with HMAC keys); default:
                             AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL
  --s3-path-style            the bucket in the path, not the host name (default with an endpoint)
  --sse AES256|aws:kms       S3 server-side encryption; --sse-kms-key-id KEY for SSE-KMS
  --azure-endpoint URL       the blob endpoint (default: https://ACCOUNT.blob.core.windows.net)
  --azure-encryption-scope NAME  an Azure encryption scope

Credentials are the ones the AWS and Azure tools use: for S3 the AWS SDK's default chain
(AWS_ACCESS_KEY_ID..., AWS_PROFILE, SSO, web identity, instance roles); for Azure
AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY, else az login or a managed identity.`;

const COMMON_TEXT = `Common:
  --base-url URL   Asana API root (default: https://app.asana.com/api/1.0)
  -v, --verbose    log every request (method, path, status)
  -q, --quiet      no progress output
  -h, --help       this help
  -V, --version    print the version

The token is read from ASANA_TOKEN (a personal access token or a service account token).`;

const VERIFY_TEXT = `Usage: asana-export verify FILE [--manifest PATH] [--identity KEY]

Re-checks a downloaded export: the gzip stream end to end, every record, its size and SHA-256.
When FILE's manifest is beside it (or named with --manifest), also checks that nothing changed
since the download. Prints the figures as JSON on stdout; needs no token.

An encrypted export (FILE.age) is decrypted as it is read with --identity, nothing decrypted
written anywhere, and checked the same way, its ciphertext too. Without --identity only the
ciphertext's size and SHA-256 are compared with the manifest: the content is not checked, and
the summary says so.

  --manifest PATH      the manifest to compare with (default: the one beside FILE, if any)
  -i, --identity KEY   an age identity file (AGE-SECRET-KEY-1..., as age-keygen writes it) to
                       decrypt FILE.age with; repeatable
  --skip-json-check    count JSON Lines records without parsing each one
  -q, --quiet          no summary line on stderr

Exit codes: 0 intact, 2 bad input, 4 corrupt or different from its manifest, 7 none of the
identities given can decrypt it.`;

const DIFF_TEXT = `Usage: asana-export diff OLD NEW [options]
       asana-export diff --to DEST --kind KIND --target GID [options]
       asana-export diff --to DEST OLD_KEY NEW_KEY [options]

Compares two stored exports of the same kind and target record by record, by resource_type
and gid: added, removed, changed (which fields, and which custom fields by name) and unchanged,
with a few examples. Prints the report as JSON (default) or Markdown on stdout; needs no token.
Each file is checked as verify checks it, and against its manifest when one is beside it (or
named): a damaged file, or two exports of different kinds or targets, is an error, never a
report. Memory stays flat: both are spread over temporary files on disk (about their
uncompressed size), which are removed at the end.

What a diff means for each kind: a graph export holds a project, portfolio, team or goal with
everything under it, so tasks, sections, projects and their links are compared type by type; a
resource export holds what its parameters asked for (compare two made with the same ones);
an organization export laid out one record per line is compared by type and gid the same way
(one that is a single JSON document is refused: it has no records to match). A
record with no gid (a link such as project_to_portfolio) is matched by its whole content: it is
either in both or added or removed. A record found twice in one export (a resource export's
filters may match it twice) is compared in its latest modified_at version.

  --old-manifest PATH   OLD's manifest (default: the one beside it, if any)
  --new-manifest PATH   NEW's manifest (default: the one beside it, if any)
  -i, --identity KEY    an age identity file to decrypt encrypted exports with; repeatable
  --format json|markdown  what goes to stdout (default: json)
  --report FILE         also write the JSON report to FILE (which must not exist)
  --fail-on LIMIT       exit 9 when the report crosses LIMIT; repeatable or comma-separated:
                        removed>5%, changed>=20%, added>1000, task.removed>100 (a percentage
                        is of the older export's records, of that type when one is named)
  --temp-dir DIR        where the temporary files go (default: the system's)
  -q, --quiet           no summary on stderr

Exports in object storage (as run --to stored them), read with the credentials run --to uses:
  --to DEST             s3://BUCKET/PREFIX or azure://ACCOUNT/CONTAINER/PREFIX
  --kind, --target      compare the target's latest export (its latest.json) with the one
                        stored before it; or give two keys, OLD_KEY NEW_KEY, prefix included
  --layout, --s3-region, --s3-endpoint, --s3-path-style, --azure-endpoint: as for run --to
  --request-timeout D   how long the store may take to answer, or keep silent (default: 60s)
Both are copied into --temp-dir first, with the manifests stored beside them, which are checked.

Exit codes: 0 report made, 2 bad input (different kinds or targets too), 4 a file is damaged
or differs from its manifest, 6 the temporary files could not be written, 7 no identity fits,
9 a --fail-on limit is crossed (the report is still printed).`;

const CHECK_TEXT = `Usage: asana-export check [FOLDER] --max-age DURATION [--kind KIND]
       asana-export check --to s3://BUCKET/PREFIX --kind KIND --target GID --max-age DURATION

Exits 10, with the reason in one line, unless the newest verified export is younger than
--max-age: a watchdog for a scheduled backup, run on a schedule of its own. The age is that of
the data, from when Asana completed the export. Prints what it found as JSON on stdout.

A folder (default: .) is checked by the manifests in it, each with its export beside it at the
recorded size (a manifest whose file is gone does not count). A destination is checked by the
latest.json of the target, under PREFIX/KIND/TARGET/, with the storage credentials of run --to.

  --max-age DURATION   how old the last export may be, e.g. 26h for a nightly one (required)
  --kind KIND          only exports of this kind (required with --to)
  --target GID         with --to: the organization, workspace or parent gid exported
  --to URI             s3://BUCKET/PREFIX or azure://ACCOUNT/CONTAINER/PREFIX, and the
                       store's options as for run (--s3-region, --s3-endpoint, ...)
  -q, --quiet          no reason line on stderr

Exit codes: 0 fresh, 2 bad input, 8 the store refused, 10 stale or missing.`;

const LOAD_TEXT = `Usage: asana-export load EXPORT... --duckdb FILE [--parquet DIR] [options]

Loads downloaded exports (any kind, plain or encrypted) into a DuckDB database for analysis:
one table per resource_type (task, project, message, workspace, ...), its fields typed from
the record schemas (schemaVersion) and the rest of each record in the JSON column _extra.
Each export is checked first as verify checks it (gzip stream, records, its manifest when it
is beside it); one that fails is refused before anything is loaded.

Loading into an existing database merges into it, by gid: a record replaces the stored one
when it was modified later (modified_at), or for types without modified_at when its export is
not older. So a full export plus nightly increments give one current table per type. Records
missing from a later export are kept (an increment cannot tell removed from unchanged).
_asana_export_history lists every export loaded; an export already in it is skipped. Each row
says where it came from: _export_sha256 and _export_gid (the export its values are from),
_changed_in (the export it last appeared new or changed in), _loaded_at.

  --duckdb FILE        the database (required): created, or merged into when it exists
  --parquet DIR        also write each table as DIR/<table>.parquet (for a warehouse)
  --force              with --parquet: replace .parquet files already in DIR (each is written
                       under a temporary name, then renamed); without it they are refused
  --memory-limit SIZE  the most memory load takes (default: ${DEFAULT_MEMORY_LIMIT}, at least 512MiB), e.g. 4GB.
                       DuckDB's memory_limit is SIZE less 256 MiB and 128 MiB a thread for Node
                       and what DuckDB does not count (a thread per core, while each keeps 192
                       MiB); both are in the summary. What does not fit spills to a folder
                       beside the database, removed after
  -i, --identity KEY   age identity file to decrypt .age exports (repeatable); the plaintext
                       goes to that folder beside the database, and is removed after
  -q, --quiet          no summary or warnings on stderr

Fields a record has that its schema lacks are warned about (schema drift), never refused; a
resource_type without a schema is loaded with every field in _extra, with a warning. An
organization export that is one JSON document is split into its parts: its arrays of records
are loaded as records, the rest as the workspace record.

Example queries (duckdb FILE):
${Object.values(EXAMPLE_QUERIES)
  .map((query) => `  -- ${query.title}\n${query.sql.replace(/^/gm, '  ')}`)
  .join('\n\n')}

DuckDB is imported only by load: its native binary comes with the package @duckdb/node-api,
one per platform, an optional peer of asana-export (npm install @duckdb/node-api@${DUCKDB_VERSION}
where asana-export is installed). Where it is missing, load says so; every other command works
without it.

Exit codes: 0 loaded, 2 bad input, 4 an export is damaged or differs from its manifest,
6 the database or a file could not be written (DuckDB refused, or its binary is missing),
7 no identity fits, 130 cancelled (the export being loaded is rolled back; a database the load
created is removed).`;

const TEXTS: Record<Command | 'overview', string> = {
  overview: `asana-export: create, wait for, download and verify Asana exports.

Usage: asana-export <command> [options]

Commands:
  run        create an export (or --resume one), wait, download, verify, write a manifest
  create     start an export and print its gid
  status     print the status of an export or job
  download   wait for a started export if needed, then download and verify it
  verify     re-check a downloaded file (decrypting it with --identity), and that it still
             matches its manifest
  diff       what changed between two exports: added, removed, changed records and fields
  check      exit 10 unless the newest verified export is younger than --max-age
  load       load exports into DuckDB tables (and Parquet files), merging increments

Run \`asana-export <command> --help\` for a command's options.

${EXIT_CODES_TEXT}`,
  run: `Usage: asana-export run --kind KIND [parameters] [options]
       asana-export run --kind KIND --resume GID [options]

Creates an export, waits for it, downloads it, verifies the gzip stream and every record, and
writes <file>.manifest.json beside it. Prints the manifest as JSON on stdout.

${TARGET_TEXT}
  --resume GID           wait for and download an export started earlier instead

${WAIT_TEXT}

${ENCRYPTION_TEXT}

${STORE_TEXT}

${COMMON_TEXT}

${EXIT_CODES_TEXT}`,
  create: `Usage: asana-export create --kind KIND [parameters]

Starts an export and prints {"kind","gid","state"} as JSON on stdout. Use the gid with status,
download, or run --resume. While another resource export of the same workspace runs (Asana runs
one at a time), waits for it to finish first.

${TARGET_TEXT}
  --timeout DURATION     give up waiting for the workspace after this long (default: 6h)
  --request-timeout DURATION  how long to wait for an answer before retrying (default: 60s)

${COMMON_TEXT}`,
  status: `Usage: asana-export status --kind KIND --gid GID

Prints the export's status as JSON: kind, gid, state (raw), outcome (waiting|done|failed).
The download link is never printed: download fetches a fresh one.

  --kind organization|resource|graph
  --gid GID      organization export gid, or the job gid of a resource or graph export

${COMMON_TEXT}`,
  verify: VERIFY_TEXT,
  diff: DIFF_TEXT,
  check: CHECK_TEXT,
  load: LOAD_TEXT,
  download: `Usage: asana-export download --kind KIND --gid GID [options]

Waits for the export if it is still running, then downloads and verifies it and writes its
manifest. Prints the manifest as JSON on stdout.

  --kind organization|resource|graph
  --gid GID      organization export gid, or the job gid of a resource or graph export

${WAIT_TEXT}

${ENCRYPTION_TEXT}

${STORE_TEXT}

${COMMON_TEXT}

${EXIT_CODES_TEXT}`,
};

export function helpText(topic: Command | undefined): string {
  return TEXTS[topic ?? 'overview'];
}
