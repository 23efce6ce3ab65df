/**
 * Search benchmark: index build time, query latency (p50/p99 after warm-up)
 * and heap, on the real corpus and on synthetic corpora of 1,000, 10,000 and
 * 100,000 passages made from its sentences; then the start-up (load and
 * build) on an answer of 5 MB in one paragraph and in many. Prints tables and
 * writes bench/results.json. Run with `npm run bench`.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleCorpus, defaultCorpusDir, loadCorpus } from "../src/corpus/load.js";
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
/** Warm up like a bot that has been running a while: JIT-compiled code and a young generation V8 has grown to its load (fewer, rarer GC pauses). */
const WARM_UP_ROUNDS = 20;
const WARM_UP_MS = 2_000;
const MEASURED_ROUNDS = 100;
const PASSAGES_PER_ANSWER = 10;
const MIN_SYNTHETIC_CHARS = 20;

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
    const body = Array.from({ length: Math.min(PASSAGES_PER_ANSWER, passages - a * PASSAGES_PER_ANSWER) }, () => {
      let passage = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(sentences)).join("");
      while (passage.length < MIN_SYNTHETIC_CHARS) passage += pick(sentences); // shorter ones would be merged into the next
      return passage;
    }).join("\n\n");
    answers.push({ ...template, id: `synthetic-${a}`, url: `${template.url}?synthetic=${a}`, body });
  }
  return assembleCorpus(answers, real.directions);
}

/** Long answers: 5 MB of the corpus's paragraphs, joined into one paragraph or kept apart. */
const LONG_ANSWER_BYTES = 5 * 2 ** 20;
const LONG_SHAPES = { one: "", many: "\n\n" } as const;
type LongShape = keyof typeof LONG_SHAPES;

/** A corpus folder with the real directions and one answer of LONG_ANSWER_BYTES in the given shape. */
function writeLongAnswer(real: Corpus, shape: LongShape): string {
  const paragraphs: string[] = [];
  for (let bytes = 0; bytes < LONG_ANSWER_BYTES; bytes += Buffer.byteLength(paragraphs[paragraphs.length - 1]!)) {
    paragraphs.push(real.passages[paragraphs.length % real.passages.length]!.text);
  }
  const dir = mkdtempSync(join(tmpdir(), "directions-bench-"));
  mkdirSync(join(dir, "answers"));
  copyFileSync(join(defaultCorpusDir(), "directions.yaml"), join(dir, "directions.yaml"));
  const frontMatter = "author: A\nurl: https://example.org/a\nquestion:\n  title: Q\n  url: https://example.org/q\nlanguage: zh";
  writeFileSync(join(dir, "answers", "long.md"), `---\n${frontMatter}\n---\n${paragraphs.join(LONG_SHAPES[shape])}\n`);
  return dir;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function measure(corpus: Corpus) {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const buildStart = performance.now();
  const search = await DirectionsSearch.build(corpus);
  const buildMs = performance.now() - buildStart;
  globalThis.gc?.();
  const heapUsedMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const warmUpStart = performance.now();
  for (let round = 0; round < WARM_UP_ROUNDS || performance.now() - warmUpStart < WARM_UP_MS; round++) for (const query of QUERIES) search.search(query);
  const times: number[] = [];
  for (let i = 0; i < MEASURED_ROUNDS; i++) {
    for (const query of QUERIES) {
      const start = performance.now();
      search.search(query);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  const peakRssMB = process.resourceUsage().maxRSS / 1024; // the whole process, with the analysis worker's heap and MiniSearch's
  return {
    passages: corpus.passages.length,
    buildMs: round(buildMs, 1),
    queryP50Ms: round(percentile(times, 50)),
    queryP99Ms: round(percentile(times, 99)),
    heapUsedMB: round(heapUsedMB, 1),
    peakRssMB: round(peakRssMB, 0),
  };
}

const SIZES = [0, 1_000, 10_000, 100_000]; // 0: the real corpus
/** A single cold build varies by ±30% on a shared machine; the median of three fresh processes much less. */
const PROCESSES_PER_SIZE = 3;

type Run = Awaited<ReturnType<typeof measure>> & { loadMs?: number };

/** One corpus (`--size N` or `--long one|many`), measured in a fresh process so that no run inherits another's heap or JIT state. */
function runIsolated(args: string[]): Run {
  const child = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (child.status !== 0) throw new Error(`the run ${args.join(" ")} failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as Run;
}

/** Every figure the median of its processes' figures, and the builds' range. */
function medianRun(args: string[]): Run & { buildRange: string } {
  const runs = Array.from({ length: PROCESSES_PER_SIZE }, () => runIsolated(args));
  const median = (key: keyof Run) => runs.map((run) => run[key] ?? 0).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  const builds = runs.map((run) => run.buildMs);
  return {
    passages: runs[0]!.passages,
    loadMs: median("loadMs"),
    buildMs: median("buildMs"),
    queryP50Ms: median("queryP50Ms"),
    queryP99Ms: median("queryP99Ms"),
    heapUsedMB: median("heapUsedMB"),
    peakRssMB: median("peakRssMB"),
    buildRange: `${Math.min(...builds)}–${Math.max(...builds)}`,
  };
}

const sizeFlag = process.argv.indexOf("--size");
const longFlag = process.argv.indexOf("--long");
if (sizeFlag > 0) {
  const real = loadCorpus();
  const size = Number(process.argv[sizeFlag + 1]);
  process.stdout.write(JSON.stringify(await measure(size ? syntheticCorpus(real, size) : real)));
} else if (longFlag > 0) {
  const dir = writeLongAnswer(loadCorpus(), process.argv[longFlag + 1] as LongShape);
  const loadStart = performance.now();
  const corpus = loadCorpus(dir);
  const loadMs = round(performance.now() - loadStart, 1);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ...(await measure(corpus)), loadMs }));
} else {
  const runs = SIZES.map((size) => medianRun(["--size", String(size)]));
  console.log(`Search benchmark: ${QUERIES.length} queries × ${MEASURED_ROUNDS} rounds after a warm-up of ≥ ${WARM_UP_ROUNDS} rounds and ≥ ${WARM_UP_MS / 1000} s;`);
  console.log(`each size in ${PROCESSES_PER_SIZE} fresh processes, medians shown; heap = growth of the main thread's heap while building, after GC;`);
  console.log(`peak RSS = the whole process at its largest.\n`);
  const row = (cells: Array<string | number>) => console.log(cells.map((cell) => String(cell).padStart(13)).join(" "));
  row(["passages", "build ms", "query p50 ms", "query p99 ms", "heap MB", "peak RSS MB", "builds ms"]);
  for (const run of runs) row([run.passages, run.buildMs, run.queryP50Ms, run.queryP99Ms, run.heapUsedMB, run.peakRssMB, run.buildRange]);
  console.log("\nGrowth for each 10× more passages:");
  for (let i = 2; i < runs.length; i++) {
    const [small, large] = [runs[i - 1]!, runs[i]!];
    const ratio = (key: "buildMs" | "queryP50Ms" | "queryP99Ms" | "heapUsedMB") => `${round(large[key] / small[key], 1)}×`;
    console.log(`  ${small.passages} → ${large.passages}: build ${ratio("buildMs")}, query p50 ${ratio("queryP50Ms")}, p99 ${ratio("queryP99Ms")}, heap ${ratio("heapUsedMB")}`);
  }
  const [real, largest] = [runs[0]!, runs[runs.length - 1]!];
  const verdict = (met: boolean) => (met ? "met" : "MISSED");
  console.log(
    `\nTargets: real corpus p99 < 1 ms: ${verdict(real.queryP99Ms < 1)}; 100k p99 < 20 ms: ${verdict(largest.queryP99Ms < 20)}; ` +
      `100k build < 10 s: ${verdict(largest.buildMs < 10_000)}; 100k heap < 1 GB: ${verdict(largest.heapUsedMB < 1024)}`,
  );

  console.log(`\nAn answer of ${LONG_ANSWER_BYTES / 2 ** 20} MB (the corpus's paragraphs over and over), in one paragraph or in many; medians of ${PROCESSES_PER_SIZE} processes:\n`);
  row(["answer", "passages", "load ms", "build ms", "query p50 ms", "query p99 ms", "builds ms"]);
  const long = (Object.keys(LONG_SHAPES) as LongShape[]).map((shape) => ({ shape, run: medianRun(["--long", shape]) }));
  for (const { shape, run } of long) row([shape === "one" ? "1 paragraph" : "paragraphs", run.passages, run.loadMs!, run.buildMs, run.queryP50Ms, run.queryP99Ms, run.buildRange]);
  const startUp = (run: Run) => run.loadMs! + run.buildMs;
  console.log(`  start-up (load + build), one paragraph / paragraphs: ${round(startUp(long[0]!.run) / startUp(long[1]!.run), 2)}×`);

  // results.json keeps the shape other tools read; peak RSS and the long answers are for the tables only.
  const results = runs.map(({ passages, buildMs, queryP50Ms, queryP99Ms, heapUsedMB }) => ({ passages, buildMs, queryP50Ms, queryP99Ms, heapUsedMB }));
  writeFileSync(join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "bench", "results.json"), JSON.stringify({ runs: results }, null, 2) + "\n");
  console.log("\nWrote bench/results.json");
}
