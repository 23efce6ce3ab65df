/**
 * Long text: cut into bounded pieces where it pauses, so that start-up and
 * queries stay linear in the corpus's size however its answers are split into
 * paragraphs (Intl.Segmenter and NFKC are not linear on long input).
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultCorpusDir, loadCorpus } from "../src/corpus/load.js";
import { MAX_PASSAGE_CHARS } from "../src/corpus/passages.js";
import { Analyzer } from "../src/search/analyze.js";
import { DirectionsSearch } from "../src/search/engine.js";
import { makeExcerpt } from "../src/search/excerpt.js";
import { Glossary } from "../src/text/glossary.js";
import { normalize } from "../src/text/normalize.js";
import { cutIntoPieces } from "../src/text/pieces.js";
import { answerFile, runCli, tempCorpus } from "./support/temp-corpus.js";

const real = loadCorpus(defaultCorpusDir());
/** The corpus's own paragraphs over and over, up to about `bytes` of UTF-8, joined by `separator`. */
function prose(bytes: number, separator: string): string {
  const paragraphs: string[] = [];
  for (let size = 0; size < bytes; size += Buffer.byteLength(paragraphs[paragraphs.length - 1]!)) paragraphs.push(real.passages[paragraphs.length % real.passages.length]!.text);
  return paragraphs.join(separator);
}
const ms = (work: () => unknown) => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function corpusWith(body: string): string {
  const dir = tempCorpus({ answers: false });
  dirs.push(dir);
  writeFileSync(join(dir, "answers", "long.md"), answerFile(body));
  return dir;
}

describe("cutting long text into pieces", () => {
  const cut = (text: string, max: number) => cutIntoPieces(text, max).map(({ start, end }) => text.slice(start, end));

  it("keeps text of max units or fewer whole", () => {
    expect(cut("短句。", 10)).toEqual(["短句。"]);
    expect(cut("", 10)).toEqual([""]);
  });

  it("cuts after the last sentence end in the last half, else a clause end, else a space", () => {
    expect(cut("一二三。四五六,七八。九十十一", 12)).toEqual(["一二三。四五六,七八。", "九十十一"]);
    expect(cut("一二三四五六,七八九十十一十二", 12)).toEqual(["一二三四五六,", "七八九十十一十二"]);
    expect(cut("one two three four", 12)).toEqual(["one two ", "three four"]);
    // A sentence end in the first half makes no piece shorter than half.
    expect(cut("一。二三四五六七,八九十十一十二", 12)).toEqual(["一。二三四五六七,", "八九十十一十二"]);
  });

  it("does not cut inside numbers or links, nor between the halves of an emoji", () => {
    expect(cut("pi is 3.14159 and 1,000,000 or 10:30", 12).join("|")).not.toMatch(/3\.\||\|14|1,\||\|000|10:\|/);
    for (const piece of cut("😀".repeat(20), 7)) expect(piece).toMatch(/^(😀)+$/u);
  });

  it("gives back the whole text in pieces from half of max to max long", () => {
    const text = prose(50_000, "");
    const pieces = cutIntoPieces(text, 1_000);
    expect(pieces.map(({ start, end }) => text.slice(start, end)).join("")).toBe(text);
    for (const { start, end } of pieces.slice(0, -1)) expect(end - start).toBeGreaterThanOrEqual(500);
    for (const { start, end } of pieces) expect(end - start).toBeLessThanOrEqual(1_000);
    expect(pieces.slice(0, -1).filter(({ end }) => /[。!?!?\n]/.test(text[end - 1]!)).length / (pieces.length - 1)).toBeGreaterThan(0.9);
  });
});

describe("an answer that is one long paragraph", () => {
  it("starts the CLI about as fast as the same megabyte in paragraphs", async () => {
    // 1 MB each, to keep the suite quick; `npm run bench` measures 5 MB.
    const [one, many] = [corpusWith(prose(2 ** 20, "")), corpusWith(prose(2 ** 20, "\n\n"))];
    const [oneRun, manyRun] = [await runCli(["search", "可解释性", "--json"], one, 60_000), await runCli(["search", "可解释性", "--json"], many, 60_000)];
    for (const run of [oneRun, manyRun]) {
      expect(run.code, `killed after ${Math.round(run.ms)} ms`).toBe(0);
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout).length).toBeGreaterThan(0);
    }
    // Before the analysis was cut into pieces, the paragraph took minutes; now about as long as the paragraphs.
    expect(oneRun.ms).toBeLessThan(3 * manyRun.ms);
    expect(oneRun.ms).toBeLessThan(30_000);
  }, 70_000);

  it("becomes passages of at most 2,000 characters, cut at sentence ends, that queries find and excerpt quickly", async () => {
    const corpus = loadCorpus(corpusWith(prose(2 ** 20, "")));
    expect(corpus.passages.length).toBeGreaterThan(2 ** 20 / 3 / MAX_PASSAGE_CHARS);
    for (const passage of corpus.passages) expect(passage.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
    expect(corpus.passages.filter((passage) => /[。!?!?]$/.test(passage.text)).length / corpus.passages.length).toBeGreaterThan(0.9);
    const search = await DirectionsSearch.build(corpus);
    let hits = search.search("模型压缩");
    expect(ms(() => (hits = search.search("模型压缩")))).toBeLessThan(1_000);
    expect(hits[0]!.excerpt).toContain("模型压缩");
  }, 30_000);
});

describe("linear time on text no one writes", () => {
  it("analyses 200,000 characters of English words with no punctuation", () => {
    // One Intl.Segmenter call on all of it took 20 s.
    const text = Array.from({ length: 40_000 }, (_, i) => ["model", "graph", "learning", "data", "robust"][i % 5]).join(" ");
    const analyzer = new Analyzer(new Glossary(real.directions));
    let terms: string[] = [];
    expect(ms(() => (terms = analyzer.document(text).terms))).toBeLessThan(3_000);
    expect(terms.filter((term) => term === "robust")).toHaveLength(8_000);
  });

  it("normalizes a run of 100,000 combining marks", () => {
    // NFKC orders each run of marks in quadratic time: 4 s for this one in one piece.
    const marks = "a" + "\u0301\u0316".repeat(50_000);
    expect(ms(() => normalize(marks))).toBeLessThan(2_000);
  });

  it("finds the best excerpt of a 500,000-character passage with thousands of matches", () => {
    const text = prose(1_500_000, "");
    const spans = Array.from({ length: Math.floor(text.length / 40) }, (_, i) => ({ start: i * 40, end: i * 40 + 2 }));
    let excerpt = { text: "", highlights: [] as unknown[] };
    expect(ms(() => (excerpt = makeExcerpt(text, spans)))).toBeLessThan(3_000);
    expect(excerpt.text.length).toBeLessThanOrEqual(400);
    expect(excerpt.highlights.length).toBeGreaterThanOrEqual(9);
  });
});
