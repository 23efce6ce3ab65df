/**
 * The PostgreSQL engine (pg), for several replicas on one database.
 *
 * - pg reads the URL: host, port, database, user, password, and TLS from its
 *   `sslmode` (`require`, `verify-full`…) or `ssl` parameters.
 * - A pool of connections that comes back by itself after an outage: a
 *   connection that failed is dropped rather than reused, and the next query
 *   opens a new one. An idle connection that the server closes is reported on
 *   the pool's `error` event, which must have a listener (or the process
 *   exits): it is logged at debug level; the callers say when the database is
 *   down, once.
 * - Transactions that must not overlap on a key (a channel's weekly plan)
 *   start with a transaction-scoped advisory lock on a 64-bit hash of the key,
 *   released by COMMIT or ROLLBACK.
 */
import { createHash } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Engine } from "./kysely-store.js";
import type { Schema } from "./schema.js";

const INT8_OID = 20;

/** `bigint` columns hold milliseconds since the epoch, well within a double's exact range: read them as numbers. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/** A 64-bit advisory lock id for `key`, as a decimal string. */
function advisoryLockId(key: string): string {
  return createHash("sha256").update(`directions:${key}`).digest().readBigInt64BE(0).toString();
}

export interface PostgresOptions {
  /** The URL, password included (only pg sees it). */
  url: string;
  /** The URL without its password, for messages. */
  safeUrl: string;
  /** Where to report connections that the server closed while idle. */
  onIdleError?: (error: Error) => void;
}

/** A pool on the URL; nothing is connected until the first query. */
export function openPostgres(options: PostgresOptions): Engine {
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: "directions",
    max: 10,
    // A database that does not answer must not hold a mention or a start-up attempt for long.
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    types,
  });
  pool.on("error", (error) => options.onIdleError?.(error));
  return {
    engine: "postgres",
    location: options.safeUrl,
    db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }),
    migrationDialect: { autoIdType: "serial" },
    lock: async (trx, key) => {
      await sql`select pg_advisory_xact_lock(${advisoryLockId(key)}::bigint)`.execute(trx);
    },
  };
}
