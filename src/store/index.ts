/**
 * Everything the bot remembers, behind one interface (`Store`): answered
 * mentions, the channels that receive the weekly post, and its claims and
 * records per channel and week.
 *
 *   const store = await openStore(readStoreConfig(process.env), { logger });
 *   await store.claimDelivery([`event:${id}`], 60 * 60 * 1000);
 *   …
 *   await store.close();
 *
 * SQLite (`DIRECTIONS_DB`, default data/directions.db) unless `DATABASE_URL`
 * names a PostgreSQL database.
 */
export { readStoreConfig, DEFAULT_SQLITE_PATH, type StoreConfig } from "./config.js";
export { openStore, describeStoreError, StoreError, DEFAULT_CONNECT_TIMEOUT_MS, type OpenStoreOptions, type StoreLogger } from "./open.js";
export type { Claim, PostRecord, Store, StoreEngine, Subscription, WeekPlan, WeeklySchedule, WeekView } from "./types.js";
