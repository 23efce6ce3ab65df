/**
 * Opening the store at start-up: connect (waiting for a PostgreSQL that is
 * not up yet), run the migrations, and say in one line what went wrong when
 * that fails, naming the variable to fix and never the password.
 */
import { KyselyStore, migrate, type Engine } from "./kysely-store.js";
import type { StoreConfig } from "./config.js";
import type { Store } from "./types.js";

/** The store could not be opened: the message names `DATABASE_URL` or `DIRECTIONS_DB`. */
export class StoreError extends Error {
  override name = "StoreError";
}

export interface StoreLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface OpenStoreOptions {
  logger?: StoreLogger;
  /** How long an unreachable PostgreSQL is waited for (default 30 s). */
  connectTimeoutMs?: number;
  /** Clock of the delivery expiry (tests). */
  now?: () => number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** SQLSTATEs that mean "try again in a moment" although the server answered. */
const TRANSIENT_SQLSTATES = new Set(["57P03" /* the database system is starting up */, "53300" /* too many connections */]);

/** A driver's error in one line: its message, and its code when the message lacks it. */
export function describeStoreError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || message.includes(code)) return message || "unknown error";
  return message ? `${message} (${code})` : code;
}

/** An error the PostgreSQL server itself sent (it is reachable; retrying will not help). */
function refusedByServer(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !TRANSIENT_SQLSTATES.has(code);
}

/** Pings until the database answers, for up to `timeoutMs`. */
async function waitUntilReachable(store: Store, safeUrl: string, timeoutMs: number, logger?: StoreLogger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await store.ping();
      return;
    } catch (error) {
      if (refusedByServer(error)) throw new StoreError(`DATABASE_URL was refused by PostgreSQL at ${safeUrl}: ${describeStoreError(error)}`);
      const wait = Math.min(2_000, 250 * 2 ** (attempt - 1));
      if (Date.now() + wait >= deadline) {
        throw new StoreError(
          `DATABASE_URL: could not reach PostgreSQL at ${safeUrl} within ${Math.round(timeoutMs / 1000)} s (${describeStoreError(error)}); ` +
            "check that the server is running and that the URL's host, port and TLS settings are right",
        );
      }
      if (attempt === 1) logger?.warn(`PostgreSQL at ${safeUrl} is not reachable yet (${describeStoreError(error)}); trying again for up to ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Opens the store the configuration names and brings its tables up to date. */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const variable = config.engine === "sqlite" ? `DIRECTIONS_DB (${config.path})` : `DATABASE_URL (${config.safeUrl})`;
  let engine: Engine;
  try {
    // Each engine's driver is loaded only when it is used.
    engine =
      config.engine === "sqlite"
        ? await (await import("./sqlite.js")).openSqlite(config.path)
        : (await import("./postgres.js")).openPostgres({
            url: config.url,
            safeUrl: config.safeUrl,
            onIdleError: (error) => options.logger?.debug(`PostgreSQL closed an idle connection: ${describeStoreError(error)}`),
          });
  } catch (error) {
    throw new StoreError(`${variable}: cannot open the database: ${describeStoreError(error)}`);
  }
  const store = new KyselyStore(engine, options.now);
  try {
    if (config.engine === "postgres") {
      await waitUntilReachable(store, config.safeUrl, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, options.logger);
    }
    await migrate(engine).catch((error: unknown) => {
      throw new StoreError(`${variable}: cannot prepare the database's tables: ${describeStoreError(error)}`);
    });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
