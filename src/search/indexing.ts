import { Worker } from "node:worker_threads";
import type { Direction } from "../corpus/types.js";
import { Analyzer } from "./analyze.js";
import { Glossary } from "../text/glossary.js";
import { isCjk } from "../text/normalize.js";

/**
 * Turns passages into what the index stores. `analyzePassages` finds their
 * terms (most of the cost: Intl.Segmenter), in this thread for small corpora
 * and in a worker thread for large ones (see `analyzeInWorker`), batch by
 * batch, so that the index can take one batch while the next is analysed.
 * `KeyCounter`, in the index's thread, turns terms into index keys and keeps
 * how many passages each key occurs in and the champion lists of common keys.
 */

/**
 * A key in more passages than this gets a champion list: the passages where it
 * weighs most, those that use it most often, shortest first, much as BM25
 * ranks them (Manning et al., Introduction to Information Retrieval, §7.1.3).
 * A query scores a common key only in those, in the passages its rarer keys
 * find, and in up to as many that match several of its common keys (see
 * `DirectionsSearch.passagesToScore`), so the passages it scores per common
 * key stay bounded however large the corpus grows. Far more than anyone pages
 * through.
 */
export const CHAMPIONS_PER_KEY = 500;

/** Passages analysed between two hand-overs to the index. */
const BATCH_SIZE = 2_000;

/** One passage's terms, or index keys, by field, joined by spaces (so that a worker hands over three strings, not forty). */
export interface PassageFields {
  concepts: string;
  terms: string;
  directions: string;
}

/** What is analysed of a passage: its text and its translation. */
export interface PassageTexts {
  text: string;
  translation?: string;
}

export interface AnalyzedPassage extends PassageFields {
  /** The passage's index in the corpus. */
  passage: number;
}

export type AnalyzedBatch = AnalyzedPassage[];

export interface KeyStatistics {
  /** In how many passages each index key occurs. */
  documentFrequency: Map<string, number>;
  /** For every key in more than CHAMPIONS_PER_KEY passages: the corpus indices of its champions. */
  champions: Map<string, number[]>;
}

/**
 * MiniSearch's radix tree finds a child by scanning a node's keys one by one,
 * and Chinese terms start with thousands of different characters, so every
 * insert scanned thousands of keys (measured on this project's machine:
 * 100,000 documents of 30 two-character terms took 35 s to index with raw
 * keys, 8 s with hex keys). Chinese terms are therefore keyed by the four
 * 4-bit digits of each UTF-16 unit, an alphabet of 16, after a mark that keeps
 * them apart from English words. The digits are the upper-case letters A–P,
 * which normalized text never contains, so that no English word is a typo
 * away from a Chinese key (with 0–9a–f, 6a215b8b was). Only the index sees
 * these keys.
 */
const CJK_KEY_MARK = "~";
const DIGITS_PER_UNIT = 4;
const FIRST_DIGIT = "A".charCodeAt(0);

export function indexKey(term: string): string {
  if (!isCjk(term)) return term;
  let key = CJK_KEY_MARK;
  for (let i = 0; i < term.length; i++) {
    const unit = term.charCodeAt(i);
    for (let shift = 12; shift >= 0; shift -= 4) key += String.fromCharCode(FIRST_DIGIT + ((unit >> shift) & 0xf));
  }
  return key;
}

export function termOfKey(key: string): string {
  if (!key.startsWith(CJK_KEY_MARK)) return key;
  let term = "";
  for (let i = CJK_KEY_MARK.length; i < key.length; i += DIGITS_PER_UNIT) {
    let unit = 0;
    for (let d = 0; d < DIGITS_PER_UNIT; d++) unit = (unit << 4) | (key.charCodeAt(i + d) - FIRST_DIGIT);
    term += String.fromCharCode(unit);
  }
  return term;
}

/**
 * Analyses every passage and hands the results to `onBatch` batch by batch,
 * shortest passages first, which is what makes champion lists cheap to keep
 * (see `Champions`).
 */
export function analyzePassages(passages: readonly PassageTexts[], directions: readonly Direction[], onBatch: (batch: AnalyzedBatch) => void): void {
  const analyzer = new Analyzer(new Glossary(directions));
  const length = (i: number) => passages[i]!.text.length + (passages[i]!.translation?.length ?? 0);
  const order = passages.map((_, i) => i).sort((a, b) => length(a) - length(b) || a - b);
  for (let start = 0; start < order.length; start += BATCH_SIZE) {
    onBatch(
      order.slice(start, start + BATCH_SIZE).map((passage) => {
        const { text, translation } = passages[passage]!;
        const { concepts, terms, directions: directionTerms } = analyzer.document(text, translation);
        return { passage, concepts: concepts.join(" "), terms: terms.join(" "), directions: directionTerms.join(" ") };
      }),
    );
  }
}

/** How one index key occurs in the corpus, counted while the passages are indexed. */
interface KeyCount {
  key: string;
  /** How many passages it occurs in so far. */
  passages: number;
  /** The passage being counted, and how often the key occurs in it. */
  current: number;
  frequency: number;
  champions: Champions;
}

/** Turns a passage's terms into index keys, counting where each occurs. */
export class KeyCounter {
  // By term, not key: one lookup finds both, and a key is encoded once per corpus, not once per occurrence.
  private readonly counts = new Map<string, KeyCount>();

  /** The index keys of one passage's terms. Passages must come shortest first, as `analyzePassages` hands them over. */
  keys({ passage, concepts, terms, directions }: AnalyzedPassage): PassageFields {
    const inPassage: KeyCount[] = [];
    const keysOf = (joinedTerms: string) => {
      if (!joinedTerms) return "";
      return joinedTerms
        .split(" ")
        .map((term) => {
          let count = this.counts.get(term);
          if (!count) this.counts.set(term, (count = { key: indexKey(term), passages: 0, current: -1, frequency: 0, champions: new Champions(CHAMPIONS_PER_KEY) }));
          if (count.current !== passage) {
            count.current = passage;
            count.frequency = 0;
            inPassage.push(count);
          }
          count.frequency++;
          return count.key;
        })
        .join(" ");
    };
    const keys = { concepts: keysOf(concepts), terms: keysOf(terms), directions: keysOf(directions) };
    for (const count of inPassage) {
      count.passages++;
      count.champions.offer(passage, count.frequency);
    }
    return keys;
  }

  statistics(): KeyStatistics {
    const statistics: KeyStatistics = { documentFrequency: new Map(), champions: new Map() };
    for (const { key, passages, champions } of this.counts.values()) {
      statistics.documentFrequency.set(key, passages);
      if (passages > CHAMPIONS_PER_KEY) statistics.champions.set(key, champions.passages());
    }
    return statistics;
  }
}

/**
 * The champions of one key: the `capacity` passages that use it most often,
 * shortest first. Passages are offered shortest first, so of those that use
 * the key once, the first `capacity` offered are the ones to keep and later
 * ones are dropped unseen; the few that use it more often are all kept until
 * the end, then ranked.
 */
class Champions {
  private readonly candidates: Array<{ passage: number; frequency: number }> = [];
  private usedOnce = 0;

  constructor(private readonly capacity: number) {}

  offer(passage: number, frequency: number): void {
    if (frequency === 1 && this.usedOnce++ >= this.capacity) return;
    this.candidates.push({ passage, frequency });
  }

  /** The champions' passages, in corpus order. */
  passages(): number[] {
    // A stable sort: among equal frequencies, the order offered, shortest first.
    const strongest = [...this.candidates].sort((a, b) => b.frequency - a.frequency).slice(0, this.capacity);
    return strongest.map((champion) => champion.passage).sort((a, b) => a - b);
  }
}

/** What the worker thread is given. */
export interface AnalysisJob {
  passages: readonly PassageTexts[];
  directions: readonly Direction[];
}

/** What the worker thread sends back: batches, then word that it is done. */
export type AnalysisMessage = { batch: AnalyzedBatch } | { done: true };

/**
 * `analyzePassages` in a worker thread: the analysis (mostly Intl.Segmenter)
 * runs on another core while this thread indexes the batches already done.
 * The worker runs from the compiled `analysis-worker.js`, so this needs the
 * build (`npm run build`), not the TypeScript sources.
 */
export function analyzeInWorker(job: AnalysisJob, onBatch: (batch: AnalyzedBatch) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./analysis-worker.js", import.meta.url), { workerData: job });
    let done = false;
    const fail = (error: unknown) => {
      reject(error);
      worker.removeAllListeners("message"); // batches already on their way must not reach a build that failed
      void worker.terminate();
    };
    worker.on("message", (message: AnalysisMessage) => {
      if ("done" in message) {
        done = true;
        return;
      }
      try {
        onBatch(message.batch);
      } catch (error) {
        fail(error);
      }
    });
    worker.on("error", fail);
    worker.on("messageerror", fail); // a batch that cannot be read would leave passages out of the index
    // Resolve once the worker has exited, so that its memory (and its messages' buffers) is freed when the build ends.
    worker.on("exit", (code) => (done ? resolve() : reject(new Error(`the analysis worker stopped (exit code ${code}) before it finished`))));
  });
}
