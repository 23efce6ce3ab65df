/**
 * A small hand-built corpus and a stand-in search for the weekly tests, so
 * they do not depend on the real corpus's content (one test uses the real one).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { Corpus, Direction, Passage } from "../../src/corpus/types.js";
import type { Hit } from "../../src/search/types.js";
import type { WeeklyLogger } from "../../src/weekly/logger.js";
import { openStore, readStoreConfig, type Store } from "../../src/store/index.js";
import { DirectionOfTheWeek, type WeeklySearch } from "../../src/weekly/direction-post.js";
import { createWeeklyClient, WeeklyPublisher, type WeeklyPublisherOptions } from "../../src/weekly/publisher.js";
import { startFakeSlack, type FakeSlack } from "./fake-slack.js";

export function direction(id: string, extra: Partial<Direction> = {}): Direction {
  return {
    id,
    name: { en: `Direction ${id}`, zh: `方向${id}` },
    summary: `Why ${id} matters.`,
    synonyms: [{ id, terms: [id, `${id}术语`] }],
    papers: [{ title: `A paper on ${id}`, url: `https://arxiv.org/abs/${id}` }],
    questions: [`First question about ${id}?`, `Second question about ${id}?`],
    ...extra,
  };
}

function passages(directionId: string, authors: string[]): Passage[] {
  return authors.map((author, i) => ({
    id: `${directionId}-${author}#${i}`,
    answerId: `${directionId}-${author}`,
    author,
    url: `https://www.zhihu.com/answer/${directionId}-${i}`,
    text: `${author} says ${directionId} is worth following (${i}).`,
    directions: [directionId],
  }));
}

export function corpusOf(directions: Direction[], authorsPer = ["Ann", "Bo", "Chen", "Ann"]): Corpus {
  return {
    answers: [],
    directions,
    passages: directions.flatMap((d) => passages(d.id, authorsPer)),
  };
}

/** A Corpus with directions a, b, c. */
export function smallCorpus(): Corpus {
  return corpusOf([direction("a"), direction("b"), direction("c")]);
}

/** Implements only what the weekly post uses of DirectionsSearch: best passages, one per author. */
export function fakeSearch(corpus: Corpus): WeeklySearch {
  return {
    corpus,
    passageCount: (directionId: string) => corpus.passages.filter((p) => p.directions.includes(directionId)).length,
    directionExcerpts(directionId: string, limit = 3): Hit[] {
      const seen = new Set<string>();
      const hits: Hit[] = [];
      for (const p of corpus.passages) {
        if (!p.directions.includes(directionId) || seen.has(p.author) || hits.length >= limit) continue;
        seen.add(p.author);
        hits.push({
          passageId: p.id,
          answerId: p.answerId,
          author: p.author,
          url: p.url,
          excerpt: p.text,
          highlights: [],
          directions: p.directions,
          score: 1,
        });
      }
      return hits;
    },
  };
}

/** A logger that keeps its lines, for asserting what an admin would read. */
export function memoryLogger(): WeeklyLogger & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => {
      lines.push(`error ${m}`);
      errors.push(m);
    },
    text: () => lines.join("\n"),
  };
}

export interface TempDir {
  dir: string;
  /** An old JSON state file's place, inside a `data` folder that does not exist yet, as on a first run. */
  statePath: string;
  /** The SQLite store's file, in the same folder. */
  dbPath: string;
  cleanup: () => void;
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), "directions-weekly-"));
  return {
    dir,
    statePath: path.join(dir, "data", "state.json"),
    dbPath: path.join(dir, "data", "directions.db"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A SQLite store in the folder, as the bot opens it. */
export function openTempStore(tmp: TempDir): Promise<Store> {
  return openStore(readStoreConfig({ DIRECTIONS_DB: tmp.dbPath }));
}

/**
 * Gives each test of the calling file its own fake Slack, temporary folder
 * and SQLite store in it: `use` receives them before the test; afterwards the
 * server is closed (harmless when the test already closed it), the store
 * closed and the folder removed.
 */
export function eachTestWithSlackAndState(use: (slack: FakeSlack, tmp: TempDir, store: Store) => void): void {
  let slack: FakeSlack;
  let tmp: TempDir;
  let store: Store;
  beforeEach(async () => {
    slack = await startFakeSlack();
    tmp = tempDir();
    store = await openTempStore(tmp);
    use(slack, tmp, store);
  });
  afterEach(async () => {
    await slack.close();
    await store.close();
    tmp.cleanup();
  });
}

/** A publisher to channel C0WEEKLY1 on the fake Slack and `store`, with the small corpus, never waiting; `over` replaces any option. */
export function testPublisher(slack: FakeSlack, store: Store, over: Partial<WeeklyPublisherOptions> = {}): WeeklyPublisher {
  return new WeeklyPublisher({
    client: createWeeklyClient("xoxb-test", { apiUrl: slack.apiUrl, timeoutMs: 500 }),
    channel: "C0WEEKLY1",
    timeZone: "UTC",
    store,
    content: new DirectionOfTheWeek(fakeSearch(smallCorpus())),
    logger: memoryLogger(),
    sleep: noWait,
    ...over,
  });
}

/** Resolves at once: retries in tests do not wait on the wall clock. */
export const noWait = async (): Promise<void> => undefined;
