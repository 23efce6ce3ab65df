/**
 * The SQLite engine (better-sqlite3), the embedded default: one file that
 * several processes on one host may share.
 *
 * - WAL, so readers never wait for the writer, and `synchronous = NORMAL`,
 *   which in WAL mode loses no committed transaction when the process crashes
 *   (only, at worst, the last ones on a power cut).
 * - Every transaction starts with `BEGIN IMMEDIATE`, which takes the file's
 *   write lock up front: transactions never overlap, on any process, so
 *   `lock()` has nothing left to do, and DDL runs in transactions too (the
 *   Migrator then migrates inside one, so replicas starting together do not
 *   race).
 * - The busy timeout is waited out *asynchronously*: better-sqlite3's own
 *   busy handler sleeps inside the call and so blocks the event loop (and,
 *   with two connections in one process, waits for a lock that the same
 *   stalled thread holds). Here the connection's timeout is 0, and a statement
 *   refused with SQLITE_BUSY outside a transaction (`BEGIN IMMEDIATE`
 *   included) is retried after a short timer, until `busyTimeoutMs`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
} from "kysely";
import type { Engine } from "./kysely-store.js";
import type { Schema } from "./schema.js";

/** Default wait for another process's write lock (transactions take milliseconds). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** Runs `attempt` again after short timers while SQLite says the file is busy, until `timeoutMs`. */
async function whileBusy<T>(attempt: () => T | Promise<T>, timeoutMs: number, retryable: () => boolean = () => true): Promise<T> {
  const started = Date.now();
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusy(error) || !retryable() || Date.now() - started + wait > timeoutMs) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
  }
}

/** SQLite's one connection, with statements refused as busy retried outside transactions. */
function busyWaiting(inner: DatabaseConnection, database: Database.Database, timeoutMs: number): DatabaseConnection {
  return {
    executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
      whileBusy(() => inner.executeQuery<R>(query), timeoutMs, () => !database.inTransaction),
    streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  #connection: DatabaseConnection | undefined;

  constructor(
    config: SqliteDialectConfig,
    private readonly database: Database.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    this.#connection ??= busyWaiting(inner, this.database, this.busyTimeoutMs);
    return this.#connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** SQLite runs DDL in transactions like anything else. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: Database.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database }, this.database, this.busyTimeoutMs);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

/**
 * Opens (and creates, with its folder) the SQLite file at `file`. Throws the
 * driver's error when the file cannot be opened or is not a database.
 */
export async function openSqlite(file: string, busyTimeoutMs: number = DEFAULT_BUSY_TIMEOUT_MS): Promise<Engine> {
  mkdirSync(path.dirname(file), { recursive: true });
  const database = new Database(file, { timeout: 0 });
  try {
    await whileBusy(() => database.pragma("journal_mode = WAL"), busyTimeoutMs);
    database.pragma("synchronous = NORMAL");
  } catch (error) {
    database.close();
    throw error;
  }
  return {
    engine: "sqlite",
    location: file,
    db: new Kysely<Schema>({ dialect: new ImmediateSqliteDialect(database, busyTimeoutMs) }),
    migrationDialect: { autoIdType: "integer" },
    lock: async () => undefined,
  };
}
