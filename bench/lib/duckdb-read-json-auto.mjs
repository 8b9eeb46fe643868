// The reference for bench/load.mjs: DuckDB's own one-liner load of an export, run through the
// same @duckdb/node-api as `asana-export load`, under the same memory_limit, into a database file:
//   node bench/lib/duckdb-read-json-auto.mjs FILE.jsonl.gz DB MEMORY_LIMIT
import { createRequire } from 'node:module';

const [file, db, memoryLimit] = process.argv.slice(2);
const require = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));
const instance = await DuckDBInstance.create(db, { memory_limit: memoryLimit });
const connection = await instance.connect();
const path = file.replaceAll("'", "''");
await connection.run(`CREATE TABLE records AS SELECT * FROM read_json_auto('${path}')`);
const rows = (await connection.runAndReadAll('SELECT count(*) AS n FROM records')).getRows();
process.stdout.write(`${JSON.stringify({ rows: Number(rows[0][0]) })}\n`);
connection.closeSync();
instance.closeSync();
