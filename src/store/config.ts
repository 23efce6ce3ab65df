/**
 * Where the store lives, from the environment:
 *
 * - `DATABASE_URL` (`postgres://` or `postgresql://`) → PostgreSQL, for
 *   several replicas; TLS, user and password as the URL says (pg reads its
 *   `sslmode` and the rest);
 * - else `DIRECTIONS_DB` (default `data/directions.db`, relative to the
 *   working directory) → SQLite, created with its folder on first use.
 *
 * A malformed `DATABASE_URL` throws `ConfigError` naming it, never echoing the
 * value (it holds a password).
 */
import path from "node:path";
import { ConfigError, setting, type Env } from "../config.js";

export const DEFAULT_SQLITE_PATH = "data/directions.db";

export type StoreConfig =
  | { engine: "sqlite"; path: string }
  | {
      engine: "postgres";
      /** The URL as given, password included: only for pg's connection. */
      url: string;
      /** The URL without its password, for messages and logs. */
      safeUrl: string;
      /** The password, so that loggers can scrub it (empty when the URL has none). */
      password: string;
    };

const URL_EXAMPLE = "postgres://user:password@host:5432/database (add ?sslmode=verify-full for TLS)";

/** The URL with its password replaced by `***`. */
export function withoutPassword(url: URL): string {
  if (url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.password = "***";
  return copy.href;
}

export function readStoreConfig(env: Env = process.env, cwd: string = process.cwd()): StoreConfig {
  const raw = setting(env, "DATABASE_URL");
  if (raw === undefined) {
    return { engine: "sqlite", path: path.resolve(cwd, setting(env, "DIRECTIONS_DB") ?? DEFAULT_SQLITE_PATH) };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`DATABASE_URL is malformed: expected ${URL_EXAMPLE} (leave it unset to use SQLite)`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(
      `DATABASE_URL is malformed: it should start with postgres:// or postgresql://: expected ${URL_EXAMPLE}`,
    );
  }
  if (url.hostname === "" && !url.searchParams.has("host")) {
    throw new ConfigError(`DATABASE_URL is malformed: it names no host: expected ${URL_EXAMPLE}`);
  }
  let password: string;
  try {
    password = decodeURIComponent(url.password);
  } catch {
    throw new ConfigError(`DATABASE_URL is malformed: its password has a % that starts no %XX escape (write % as %25): expected ${URL_EXAMPLE}`);
  }
  return { engine: "postgres", url: raw, safeUrl: withoutPassword(url), password };
}
