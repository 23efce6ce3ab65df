/**
 * The two engines under test, for `describe.each`: SQLite files in a temp
 * folder, and databases on a throwaway PostgreSQL server (tests/support/
 * postgres.ts), started once per test file. `fresh()` names a new empty
 * database; `openForTest()` opens a store on it (as many as a test wants,
 * like replicas) and closes it after the file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openStore, readStoreConfig, type OpenStoreOptions, type Store, type StoreConfig } from "../../src/store/index.js";
import { pgSkipReason, startPostgres, type TestPostgres } from "./postgres.js";

export interface EngineUnderTest {
  name: "SQLite" | "PostgreSQL";
  /** Why this engine's tests are skipped here, if they are. */
  skip: string | undefined;
  /** A new, empty database. */
  fresh(): Promise<StoreConfig>;
}

/** Opens a store, and closes it after the test file. */
export async function openForTest(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const store = await openStore(config, options);
  opened.push(store);
  return store;
}

const opened: Store[] = [];
let postgres: TestPostgres | undefined;
const folders: string[] = [];

/** Registers the file's hooks: the PostgreSQL server is started once, and everything is cleaned up after. */
export function storeEngines(): { engines: EngineUnderTest[]; postgres: () => TestPostgres } {
  beforeAll(async () => {
    if (!pgSkipReason) postgres = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close().catch(() => undefined)));
    postgres?.destroy();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const engines: EngineUnderTest[] = [
    {
      name: "SQLite",
      skip: undefined,
      fresh: async () => {
        const folder = mkdtempSync(join(tmpdir(), "directions-store-"));
        folders.push(folder);
        return readStoreConfig({ DIRECTIONS_DB: join(folder, "data", "directions.db") });
      },
    },
    {
      name: "PostgreSQL",
      skip: pgSkipReason,
      fresh: async () => readStoreConfig({ DATABASE_URL: await server().createDatabase() }),
    },
  ];
  const server = (): TestPostgres => {
    if (!postgres) throw new Error("the PostgreSQL server is not running");
    return postgres;
  };
  return { engines, postgres: server };
}
