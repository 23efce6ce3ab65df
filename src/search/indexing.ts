import { Worker } from "node:worker_threads";
import type { Direction } from "../corpus/types.js";
import { Analyzer } from "./analyze.js";
import { Glossary } from "./glossary.js";
import { isCjk } from "./normalize.js";

/**
 * Turns passages into what the index stores: their terms as index keys, how
 * many passages each key occurs in, and the champion lists of common keys.
 * Runs in this thread for small corpora and in a worker thread for large ones
 * (see `analyzeInWorker`), batch by batch, so that the index can take one
 * batch while the next is being analysed.
 */

/**
 * A key in more passages than this gets a champion list: the passages where it
 * weighs most, those that use it most often, shortest first, much as BM25
 * ranks them (Manning et al., Introduction to Information Retrieval, §7.1.3).
 * A query scores a common key only in those, and in the passages its rarer
 * keys find, so the cost of a query stays bounded however large the corpus
 * grows. Far more than anyone pages through.
 */
export const CHAMPIONS_PER_KEY = 500;

/** Passages analysed between two hand-overs to the index. */
const BATCH_SIZE = 2_000;

/** One passage's index keys, joined by spaces (so that a worker hands over two strings, not forty). */
export interface AnalyzedPassage {
  /** The passage's index in the corpus. */
  passage: number;
  concepts: string;
  terms: string;
}

export type AnalyzedBatch = AnalyzedPassage[];

export interface KeyStatistics {
  /** In how many passages each index key occurs. */
  documentFrequency: Array<[key: string, passages: number]>;
  /** For every key in more than CHAMPIONS_PER_KEY passages: the corpus indices of its champions. */
  champions: Array<[key: string, passages: number[]]>;
}

/**
 * MiniSearch's radix tree finds a child by scanning a node's keys one by one,
 * and Chinese terms start with thousands of different characters, so every
 * insert scanned thousands of keys (measured on this project's machine:
 * 100,000 documents of 30 two-character terms took 35 s to index with raw
 * keys, 8 s with hex keys). Chinese terms are therefore keyed by their UTF-16
 * code units in hex, an alphabet of 16, after a mark that keeps them apart
 * from English words. Only the index sees these keys.
 */
const CJK_KEY_MARK = "~";
const HEX_PER_CHAR = 4;

export function indexKey(term: string): string {
  if (!isCjk(term[0]!)) return term;
  let key = CJK_KEY_MARK;
  for (let i = 0; i < term.length; i++) key += term.charCodeAt(i).toString(16).padStart(HEX_PER_CHAR, "0");
  return key;
}

export function termOfKey(key: string): string {
  if (!key.startsWith(CJK_KEY_MARK)) return key;
  let term = "";
  for (let i = CJK_KEY_MARK.length; i < key.length; i += HEX_PER_CHAR) term += String.fromCharCode(parseInt(key.slice(i, i + HEX_PER_CHAR), 16));
  return term;
}

/** How one index key occurs in the corpus, counted while the passages are read. */
interface KeyCount {
  key: string;
  /** How many passages it occurs in so far. */
  passages: number;
  /** The passage being read, and how often the key occurs in it. */
  current: number;
  frequency: number;
  champions: Champions;
}

/**
 * Analyses every passage, hands the results to `onBatch` batch by batch, and
 * returns the statistics of the whole corpus. Passages are read shortest
 * first, which is what makes champion lists cheap to keep (see `Champions`).
 */
export function analyzePassages(texts: readonly string[], directions: readonly Direction[], onBatch: (batch: AnalyzedBatch) => void): KeyStatistics {
  const analyzer = new Analyzer(new Glossary(directions));
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length || a - b);
  // By term, not key: one lookup finds both, and a key is encoded once per corpus, not once per occurrence.
  const counts = new Map<string, KeyCount>();
  for (let start = 0; start < order.length; start += BATCH_SIZE) {
    const batch: AnalyzedBatch = [];
    for (const passage of order.slice(start, start + BATCH_SIZE)) {
      const { concepts, terms } = analyzer.document(texts[passage]!);
      const inPassage: KeyCount[] = [];
      const keyOf = (term: string) => {
        let count = counts.get(term);
        if (!count) counts.set(term, (count = { key: indexKey(term), passages: 0, current: -1, frequency: 0, champions: new Champions(CHAMPIONS_PER_KEY) }));
        if (count.current !== passage) {
          count.current = passage;
          count.frequency = 0;
          inPassage.push(count);
        }
        count.frequency++;
        return count.key;
      };
      batch.push({ passage, concepts: concepts.map(keyOf).join(" "), terms: terms.map(keyOf).join(" ") });
      for (const count of inPassage) {
        count.passages++;
        count.champions.offer(passage, count.frequency);
      }
    }
    onBatch(batch);
  }
  const statistics: KeyStatistics = { documentFrequency: [], champions: [] };
  for (const { key, passages, champions } of counts.values()) {
    statistics.documentFrequency.push([key, passages]);
    if (passages > CHAMPIONS_PER_KEY) statistics.champions.push([key, champions.passages()]);
  }
  return statistics;
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
  texts: readonly string[];
  directions: readonly Direction[];
}

/** What the worker thread sends back: batches in order, then the statistics. */
export type AnalysisMessage = { batch: AnalyzedBatch } | { statistics: KeyStatistics };

/**
 * `analyzePassages` in a worker thread: the analysis (mostly Intl.Segmenter)
 * runs on another core while this thread indexes the batches already done.
 */
export function analyzeInWorker(job: AnalysisJob, onBatch: (batch: AnalyzedBatch) => void): Promise<KeyStatistics> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./analysis-worker.js", import.meta.url), { workerData: job });
    const fail = (error: unknown) => {
      reject(error);
      void worker.terminate();
    };
    worker.on("message", (message: AnalysisMessage) => {
      if ("statistics" in message) {
        resolve(message.statistics);
        void worker.terminate();
        return;
      }
      try {
        onBatch(message.batch);
      } catch (error) {
        fail(error);
      }
    });
    worker.on("error", fail);
    // After `resolve` this is a no-op; before it, the worker died without a word.
    worker.on("exit", (code) => reject(new Error(`the analysis worker stopped (exit code ${code}) before it finished`)));
  });
}
