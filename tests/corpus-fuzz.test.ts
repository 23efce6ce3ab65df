/**
 * Corpus fuzzing: random and malformed answer and directions files, from a
 * fixed seed. Every case must end, within a time bound, in a corpus that
 * loads and can be searched, or in one CorpusError of one line naming the
 * file and line: never another exception, a stack trace or a hang. The
 * compiled loader runs in a worker thread, so that a hang is caught and
 * stopped rather than stopping the test run.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { defaultCorpusDir } from "../src/corpus/load.js";
import { answerFile, FRONT_MATTER } from "./support/temp-corpus.js";

const SEED = 20_260_308;
const CASES = 60;
/** Far more than any case takes (most take a few milliseconds, the largest about half a second on a busy machine). */
const CASE_TIMEOUT_MS = 5_000;

/** mulberry32: a small, well-mixed 32-bit PRNG; the same seed gives the same cases on every machine. */
function prng(seed: number) {
  const next = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  const bytes = (length: number) => Uint8Array.from({ length }, () => int(256));
  /** `length` characters drawn from the given pools, one pool per run of a few characters. */
  const text = (length: number, pools: readonly string[]) => {
    const chars: string[] = [];
    while (chars.length < length) {
      const pool = [...pick(pools)];
      for (let run = 1 + int(12); run > 0 && chars.length < length; run--) chars.push(pick(pool));
    }
    return chars.join("");
  };
  return { next, int, pick, bytes, text };
}
type Random = ReturnType<typeof prng>;

/** Odd Unicode that is still text: combining marks, right-to-left text and controls, emoji sequences, BOMs, zero-width and full-width forms, text NFKC expands, Hangul jamo. */
const ODD = [
  "\u0301\u0316\u0334\u0358\u0489\u20dd\u302a\u302f",
  "مرحباשלום\u202e\u202d\u2067\u2069\u200f",
  "👨‍👩‍👧‍👦🏳️‍🌈👍🏽🇨🇳",
  "\ufeff\u200b\u200d\u2060",
  "ＡＢＣ１２３！？，。",
  "\ufdfa\u3300\u2474",
  "\u1100\u1161\u11a8",
];
/** What text becomes when it is broken: lone surrogates (written as U+FFFD), U+FFFD itself, control characters (NULs come with random bytes). */
const BROKEN = ["\ud800\udbff\udc00\udfff", "\ufffd", "\u0007\u001b\u007f\u0085"];
const PLAIN = ["模型压缩知识蒸馏可解释性联邦学习图神经网络", "abcdefghijklmnopqrstuvwxyz", "。,;:!?、—…“”「」()", " \t\n", "\r\n"];
const BROKEN_FRONT_MATTER = [
  `${FRONT_MATTER}\nreferences: [unclosed`,
  `${FRONT_MATTER}\nauthor: "unterminated`,
  `${FRONT_MATTER}\n\tlanguage: zh`,
  `${FRONT_MATTER}\nx: ${"[".repeat(5_000)}`,
  `${FRONT_MATTER}\nx: ${"{a: ".repeat(3_000)}`,
  `${FRONT_MATTER}\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]`,
  `${FRONT_MATTER}\nauthor: Twice`,
  `? [a, b]\n: c\n${FRONT_MATTER}`,
  `${FRONT_MATTER}\nreferences: !!binary AAAA`,
  `${FRONT_MATTER}\nreferences:\n  - title: !!js/function x\n    url: *nowhere`,
  FRONT_MATTER.replace("author: Someone", `author: ${"长".repeat(300_000)}`),
  FRONT_MATTER.replace("url: https://example.org/a/1", "url: [https://example.org/a/1]"),
  FRONT_MATTER.replace("question:", "question: {title: Q, url: 42}\nq2:"),
  "---\n...\n%YAML 1.2\n---",
  "",
];

/** One case: which corpus file it replaces or adds, with what bytes. */
interface FuzzCase {
  what: string;
  file: "answers/fuzz.md" | "directions.yaml";
  bytes: Uint8Array;
}

const realAnswer = readFileSync(join(defaultCorpusDir(), "answers", "kai-enbo.md"));
const realDirections = readFileSync(join(defaultCorpusDir(), "directions.yaml"));
const encode = (text: string) => new Uint8Array(Buffer.from(text));

/** Random byte edits of a real file: flips, deletions, insertions of random bytes (rarely a NUL) or of odd text, a cut. */
function mutate(random: Random, original: Uint8Array): Uint8Array {
  const bytes = [...original];
  const noise = (length: number) => [...random.bytes(length)].map((byte) => byte || (random.next() < 0.1 ? 0 : 1));
  for (let edits = 1 + random.int(20); edits > 0; edits--) {
    const at = random.int(bytes.length + 1);
    const edit = random.int(4);
    if (edit === 0) bytes[at] = noise(1)[0]!;
    else if (edit === 1) bytes.splice(at, 1 + random.int(40));
    else if (edit === 2) bytes.splice(at, 0, ...noise(1 + random.int(8)));
    else bytes.splice(at, 0, ...encode(random.text(1 + random.int(40), [...ODD, ...BROKEN])));
  }
  if (random.next() < 0.2) bytes.length = random.int(bytes.length);
  return Uint8Array.from(bytes);
}

const KINDS: Array<(random: Random) => Omit<FuzzCase, "file"> & { file?: FuzzCase["file"] }> = [
  (random) => ({ what: "random bytes", bytes: random.bytes(random.int(65_536)) }),
  (random) => ({ what: "front matter, then random bytes", bytes: Buffer.concat([encode(answerFile("第一段。")), random.bytes(random.int(300_000))]) }),
  (random) => ({ what: "a huge line with no punctuation", bytes: encode(answerFile(random.text(100_000 + random.int(400_000), [PLAIN[0]!, PLAIN[1]!, ...ODD]))) }),
  (random) => ({ what: "a huge line of words and spaces", bytes: encode(answerFile(random.text(100_000 + random.int(400_000), [PLAIN[1]!, " "]))) }),
  (random) => ({ what: "broken front matter", bytes: encode(answerFile(random.text(200, PLAIN), random.pick(BROKEN_FRONT_MATTER))) }),
  (random) => ({ what: "odd Unicode", bytes: encode(answerFile(random.text(random.int(20_000), [...PLAIN, ...ODD]))) }),
  (random) => ({ what: "odd Unicode with some U+FFFD, lone surrogates and controls", bytes: encode(answerFile(random.text(random.int(20_000), [...PLAIN, ...PLAIN, ...ODD, ...BROKEN]))) }),
  (random) => ({ what: "odd Unicode, CR and BOM line ends", bytes: encode(`\ufeff${answerFile(random.text(random.int(5_000), [...PLAIN, ...ODD]))}`.replace(/\n/g, random.pick(["\r\n", "\r", "\n\ufeff"]))) }),
  (random) => ({ what: "a mutated real answer", bytes: mutate(random, realAnswer) }),
  (random) => ({ what: "random YAML-like front matter", bytes: encode(answerFile("正文。", random.text(random.int(2_000), [...PLAIN, ...ODD, "-:[]{}&*!|>'\"%@`#", "author: url: question: title: language: references: "]))) }),
  (random) => ({ what: "a mutated directions.yaml", file: "directions.yaml", bytes: mutate(random, realDirections) }),
  (random) => ({ what: "random YAML-like text as directions.yaml", file: "directions.yaml", bytes: encode(random.text(random.int(10_000), [...PLAIN, ...ODD, "-:[]{}&*!|>'\"%@`#", "- id: name: synonyms: terms: "])) }),
];

function makeCases(): FuzzCase[] {
  const random = prng(SEED);
  return Array.from({ length: CASES }, (_, i) => {
    const made = KINDS[i % KINDS.length]!(random);
    return { file: "answers/fuzz.md", ...made, what: `case ${i} (seed ${SEED}): ${made.what}` };
  });
}

type Outcome = { outcome: "loaded"; passages: number } | { outcome: "refused"; message: string } | { outcome: "crashed"; error: string };

const dist = (file: string) => pathToFileURL(join(import.meta.dirname, "..", "dist", "src", file)).href;
/** The worker: loads the corpus of each folder it is sent, builds the search and queries it, and says how that ended. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const modules = Promise.all([import(${JSON.stringify(dist("corpus/load.js"))}), import(${JSON.stringify(dist("search/engine.js"))})]);
parentPort.on("message", async ({ dir, queries }) => {
  const [{ loadCorpus, CorpusError }, { DirectionsSearch }] = await modules;
  try {
    const corpus = loadCorpus(dir);
    const search = await DirectionsSearch.build(corpus);
    for (const query of queries) search.search(query);
    parentPort.postMessage({ outcome: "loaded", passages: corpus.passages.length });
  } catch (error) {
    parentPort.postMessage(error instanceof CorpusError ? { outcome: "refused", message: error.message } : { outcome: "crashed", error: String(error && error.stack || error) });
  }
});`;

const dirs: string[] = [];
let worker: Worker | undefined;
afterAll(async () => {
  await worker?.terminate();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs one case in the worker: its outcome, or "hung" (and a fresh worker for the next) after CASE_TIMEOUT_MS. */
function run(dir: string, queries: string[]): Promise<Outcome | { outcome: "hung" }> {
  const current = (worker ??= new Worker(WORKER_SOURCE, { eval: true }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      current.removeAllListeners();
      worker = undefined;
      void current.terminate();
      resolve({ outcome: "hung" });
    }, CASE_TIMEOUT_MS);
    current.once("message", (outcome: Outcome) => {
      clearTimeout(timer);
      current.removeAllListeners("error");
      resolve(outcome);
    });
    current.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    current.postMessage({ dir, queries });
  });
}

describe("corpus fuzzing", () => {
  it(`loads or refuses in one line each of ${CASES} random and malformed files, none hanging`, async () => {
    const base = mkdtempSync(join(tmpdir(), "directions-fuzz-"));
    dirs.push(base);
    cpSync(defaultCorpusDir(), base, { recursive: true });
    // The answer mutations start from, which would clash with its copies (and its translation with them).
    rmSync(join(base, "answers", "kai-enbo.md"));
    rmSync(join(base, "translations", "en", "kai-enbo.md"));
    const random = prng(SEED + 1);
    const outcomes: string[] = [];
    for (const fuzz of makeCases()) {
      const dir = mkdtempSync(join(tmpdir(), "directions-fuzz-"));
      dirs.push(dir);
      cpSync(base, dir, { recursive: true });
      writeFileSync(join(dir, fuzz.file), fuzz.bytes);
      const text = Buffer.from(fuzz.bytes).toString("utf8");
      const at = random.int(Math.max(1, text.length - 100));
      const result = await run(dir, ["模型压缩", "catastrophic forgetting", text.slice(at, at + 1 + random.int(100))]);
      rmSync(dir, { recursive: true, force: true });
      expect(result.outcome, `${fuzz.what}: ${JSON.stringify(result)}`).toMatch(/^(loaded|refused)$/);
      if (result.outcome === "refused") {
        expect(result.message, fuzz.what).toMatch(new RegExp(`${fuzz.file.replace(".", "\\.")}:\\d+: \\S`));
        expect(result.message, fuzz.what).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(result.message.length, fuzz.what).toBeLessThan(500);
      }
      outcomes.push(result.outcome);
    }
    // Both ends are reached: the cases are not all refused at the first byte.
    expect(outcomes).toContain("loaded");
    expect(outcomes).toContain("refused");
  }, 120_000);
});

