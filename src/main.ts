#!/usr/bin/env node
/**
 * `npm start`: reads the configuration (`.env` via dotenv; real environment
 * variables win), builds the search index once, then runs
 * - Socket Mode when SLACK_APP_TOKEN is set,
 * - else HTTP mode on PORT when SLACK_SIGNING_SECRET is set,
 * - else, with no Slack variable at all, the terminal shell.
 * Every mode opens the store first (SQLite, or PostgreSQL when DATABASE_URL
 * is set), runs its migrations and imports an old weekly state file, so that
 * `npm start` on a laptop checks the same database set-up as a deployment
 * (the terminal itself remembers nothing there).
 * SIGINT/SIGTERM stop it cleanly. A bad setting stops start-up with one message.
 */
import v8 from "node:v8";
import { config as loadDotenv } from "dotenv";
import { createSlackApp } from "./app.js";
import { ConfigError, describeConfig, readConfig, type AppConfig } from "./config.js";
import { CorpusError, loadCorpus } from "./corpus/load.js";
import { DirectionsSearch } from "./search/engine.js";
import { runShell } from "./shell/shell.js";
import { Answers } from "./slack/answers.js";
import { DeliveryMemory } from "./slack/dedupe.js";
import { AppLogger } from "./slack/logger.js";
import { openStore, readStoreConfig, StoreError, type StoreConfig } from "./store/index.js";
import {
  createWeeklyClient,
  DirectionOfTheWeek,
  importLegacyState,
  readWeeklyAdmins,
  readWeeklyConfig,
  readWeeklySettings,
  WeeklyChannels,
  WeeklyScheduler,
  type WeeklyConfig,
} from "./weekly/index.js";

/**
 * How far V8 may let the heap grow past what survived the last full
 * collection, once the bot serves. By default it allows up to 4× on a machine
 * with a lot of memory, and a bot's live heap is small (about 25 MB with the
 * real corpus), so RSS climbed to about 230 MB under a burst of mentions, nearly
 * all of it garbage: every Web API call goes through Node's fetch (undici),
 * which registers its request and response for finalization, and V8's young
 * collections keep such objects alive, so each reply's request body, streams
 * and the mention's handling were promoted to the old generation and waited
 * there for a full collection. At 30% (and with npm start's small young
 * generation), RSS stays within about 20 MB of its level at start, at no
 * measurable cost in time (see the mention benchmark, bench/mentions.ts).
 */
const HEAP_GROWING_PERCENT = 30;

/** Things to stop on SIGINT/SIGTERM, last registered first. */
type Stopper = () => Promise<void>;

function fail(message: string): never {
  process.stderr.write(`directions: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });

  let config: AppConfig;
  let weekly: WeeklyConfig | undefined;
  let storeConfig: StoreConfig;
  let admins: ReadonlySet<string>;
  try {
    config = readConfig(process.env);
    weekly = readWeeklyConfig(process.env);
    admins = readWeeklyAdmins(process.env);
    storeConfig = readStoreConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const secrets = [...(config.mode === "http" ? [config.signingSecret] : []), ...(storeConfig.engine === "postgres" ? [storeConfig.password] : [])];
  const logger = new AppLogger({ level: config.logLevel, secrets });

  let search: DirectionsSearch;
  try {
    const corpus = loadCorpus();
    for (const warning of corpus.warnings) logger.warn(`Corpus: ${warning}`);
    search = await DirectionsSearch.build(corpus);
  } catch (error) {
    if (error instanceof CorpusError) fail(`the corpus could not be loaded: ${error.message}`);
    throw error;
  }

  const stoppers: Stopper[] = [];
  const shutdown = new AbortController();
  let stopping = false;
  const stopAll = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`Received ${signal}; stopping`);
    shutdown.abort();
    const watchdog = setTimeout(() => {
      logger.warn("Could not stop within 10 s; exiting anyway");
      process.exit(1);
    }, 10_000);
    watchdog.unref();
    for (const stop of stoppers.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn("Error while stopping:", error);
      }
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stopAll("SIGINT"));
  process.on("SIGTERM", () => void stopAll("SIGTERM"));
  process.on("unhandledRejection", (reason) => logger.error("Unhandled promise rejection:", reason));

  const store = await openStore(storeConfig, { logger }).catch((error: unknown) => {
    if (error instanceof StoreError) fail(error.message);
    throw error;
  });
  stoppers.push(() => store.close());
  if (config.mode !== "shell") logger.info(`Store: ${store.engine === "sqlite" ? "SQLite" : "PostgreSQL"} at ${store.location}`);
  await importLegacyState(readWeeklySettings(process.env).statePath, store, logger).catch((error: unknown) => {
    logger.error(`Direction of the week: could not import the old state file into the store: ${error instanceof Error ? error.message : String(error)}`);
  });

  if (config.mode === "shell") {
    if (weekly) logger.warn("DIRECTIONS_CHANNEL is set, but the weekly post needs Slack: it is off in the terminal (try `npx directions post-weekly --dry-run`)");
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0); // e.g. `| head`
      throw error;
    });
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    await runShell({
      answers: new Answers(search),
      input: process.stdin,
      output: process.stdout,
      interactive,
      color: interactive && !process.env.NO_COLOR,
      width: process.stdout.columns ? Math.min(process.stdout.columns, 120) : 100,
      logger,
      signal: shutdown.signal,
    });
    // Let piped output drain before exiting (stdin may still be open after a signal).
    await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
    await store.close();
    process.exit(0);
  }

  logger.info(`Starting: ${describeConfig(config)}, ${search.corpus.passages.length} passages indexed`);
  // After the build, which may need a large heap for a large corpus.
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // The direction of the week, in every channel that turned it on (and DIRECTIONS_CHANNEL's, the deployment's).
  const content = new DirectionOfTheWeek(search);
  const channels = new WeeklyChannels({ store, content, onChange: () => scheduler.refresh() });
  // Its own Slack client: Bolt's retries for ~30 minutes and can post twice.
  const scheduler = new WeeklyScheduler({ store, channels, content, client: createWeeklyClient(config.botToken, config.apiUrl ? { apiUrl: config.apiUrl } : {}), logger });
  await channels.syncDeployment(weekly).catch((error: unknown) => {
    logger.error(`Direction of the week: could not record DIRECTIONS_CHANNEL in the store: ${error instanceof Error ? error.message : String(error)}`);
  });

  const slack = createSlackApp({ config, search, logger, deliveries: new DeliveryMemory({ store, logger }), weekly: { channels, admins } });
  stoppers.push(() => slack.stop());
  try {
    await slack.start();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    fail(error instanceof Error ? error.message : String(error));
  }
  logger.info(config.mode === "socket" ? "Ready (Socket Mode)" : "Ready (HTTP mode)");

  scheduler.start();
  stoppers.push(() => scheduler.stop());
  if (weekly) logger.info(`Direction of the week: ${weekly.channel} (DIRECTIONS_CHANNEL), "${weekly.cron}" in ${weekly.timeZone}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`directions: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
