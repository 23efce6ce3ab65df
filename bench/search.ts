/**
 * Search benchmark: index build time, query latency (p50/p99 after warm-up)
 * and heap, on the real corpus and on synthetic corpora of 1,000, 10,000 and
 * 100,000 passages made from its sentences. Prints a table and writes
 * bench/results.json. Run with `npm run bench`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleCorpus, loadCorpus } from "../src/corpus/load.js";
import type { Answer, Corpus } from "../src/corpus/types.js";
import { DirectionsSearch } from "../src/search/engine.js";

const QUERIES = [
  "compression",
  "蒸馏",
  "catastrophic forgetting",
  "how do I avoid catastrophic forgetting when training on new data?",
  "数据标注太贵怎么办?",
  "interpretability",
  "可解释性",
  "federated learning",
  "graph neural networks",
  "compresion",
  "kubernetes",
  "如何提高数据库性能",
  "what should I read about self-supervised learning?",
  "负采样",
  "PyTorch TensorFlow",
];
const WARM_UP_ROUNDS = 20;
const MEASURED_ROUNDS = 100;
const PASSAGES_PER_ANSWER = 10;

/** Deterministic, so every run measures the same corpora. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** `passages` passages of 1 to 4 sentences drawn at random from the whole corpus, so languages and topics mix. */
function syntheticCorpus(real: Corpus, passages: number): Corpus {
  const segmenter = new Intl.Segmenter("zh", { granularity: "sentence" });
  const sentences = real.passages.flatMap((passage) => [...segmenter.segment(passage.text)].map((s) => s.segment.trim()).filter(Boolean));
  const next = random(passages);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const answers: Answer[] = [];
  for (let a = 0; a * PASSAGES_PER_ANSWER < passages; a++) {
    const template = pick(real.answers);
    const body = Array.from({ length: Math.min(PASSAGES_PER_ANSWER, passages - a * PASSAGES_PER_ANSWER) }, () =>
      Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(sentences)).join(""),
    ).join("\n\n");
    answers.push({ ...template, id: `synthetic-${a}`, url: `${template.url}?synthetic=${a}`, body });
  }
  return assembleCorpus(answers, real.directions);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function measure(corpus: Corpus) {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const buildStart = performance.now();
  const search = new DirectionsSearch(corpus);
  const buildMs = performance.now() - buildStart;
  globalThis.gc?.();
  const heapUsedMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  for (let i = 0; i < WARM_UP_ROUNDS; i++) for (const query of QUERIES) search.search(query);
  const times: number[] = [];
  for (let i = 0; i < MEASURED_ROUNDS; i++) {
    for (const query of QUERIES) {
      const start = performance.now();
      search.search(query);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  return { passages: corpus.passages.length, buildMs: round(buildMs, 1), queryP50Ms: round(percentile(times, 50)), queryP99Ms: round(percentile(times, 99)), heapUsedMB: round(heapUsedMB, 1) };
}

const real = loadCorpus();
const runs = [measure(real)];
for (const size of [1_000, 10_000, 100_000]) runs.push(measure(syntheticCorpus(real, size)));

console.log(`Search benchmark (${QUERIES.length} queries × ${MEASURED_ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up rounds; heap = growth of the heap while building, ${globalThis.gc ? "after GC" : "without --expose-gc"})\n`);
console.log(["passages", "build ms", "query p50 ms", "query p99 ms", "heap MB"].map((h) => h.padStart(13)).join(""));
for (const run of runs) console.log([run.passages, run.buildMs, run.queryP50Ms, run.queryP99Ms, run.heapUsedMB].map((v) => String(v).padStart(13)).join(""));
const [first, ...rest] = runs;
const largest = rest[rest.length - 1]!;
console.log(`\n${largest.passages / first!.passages}× the passages: build ${round(largest.buildMs / first!.buildMs, 0)}×, query p50 ${round(largest.queryP50Ms / first!.queryP50Ms, 1)}×, p99 ${round(largest.queryP99Ms / first!.queryP99Ms, 1)}×`);
console.log(`Targets: real p99 < 1 ms: ${first!.queryP99Ms < 1 ? "met" : "MISSED"}; 100k p99 < 20 ms: ${largest.queryP99Ms < 20 ? "met" : "MISSED"}; 100k build < 10 s: ${largest.buildMs < 10_000 ? "met" : "MISSED"}; 100k heap < 1 GB: ${largest.heapUsedMB < 1024 ? "met" : "MISSED"}`);

const out = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "bench", "results.json");
writeFileSync(out, JSON.stringify({ runs }, null, 2) + "\n");
console.log(`\nWrote ${out}`);
