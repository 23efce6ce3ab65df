/**
 * Search on corpora large enough that common terms get champion lists (more
 * than 500 passages use them) and that the index is built with a worker
 * thread (2,000 passages or more).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultCorpusDir, loadCorpus } from "../src/corpus/load.js";
import { DirectionsSearch } from "../src/search/engine.js";
import type { Hit } from "../src/search/types.js";
import { highlighted } from "./support/hits.js";

const PASSAGES_PER_ANSWER = 100;
const LONG_TAIL = "我们在很多实验里反复比较了不同的设置,结果并不总是一致,还需要更多的数据和更长的训练时间才能下结论。".repeat(3);
/** Says 可解释性 three times, and is longer than every other passage: a champion by use, not by length. */
const SAYS_IT_MOST = `可解释性是核心:没有可解释性就没有信任,可解释性也决定了模型能否落地。${LONG_TAIL}`;
/** Says 可解释性 once and is long, so it is no champion of it; only it says 量子退火. */
const RARE_AND_COMMON = `量子退火也能用来训练小模型,它和可解释性的关系值得研究。${LONG_TAIL}`;
/** Says two common terms once each and is long: a champion of neither, but the only passage with both. */
const TWO_COMMON = `知识蒸馏能不能提高可解释性?这是一个开放的问题。${LONG_TAIL}`;

/** A corpus directory: the real directions; `fillers` short passages that say 可解释性 once, as many that say 知识蒸馏 once; then the three above. */
function writeCorpus(fillers: number): string {
  const dir = mkdtempSync(join(tmpdir(), "directions-scale-"));
  mkdirSync(join(dir, "answers"));
  copyFileSync(join(defaultCorpusDir(), "directions.yaml"), join(dir, "directions.yaml"));
  const paragraphs = Array.from({ length: fillers }, (_, i) => `第${i}条:模型的可解释性很重要${"。还要多做实验".repeat(i % 4)}。`);
  for (let i = 0; i < fillers; i++) paragraphs.push(`第${i}条:知识蒸馏很有用${"。还要多做实验".repeat(i % 4)}。`);
  paragraphs.push(SAYS_IT_MOST, RARE_AND_COMMON, TWO_COMMON);
  for (let a = 0; a * PASSAGES_PER_ANSWER < paragraphs.length; a++) {
    const body = paragraphs.slice(a * PASSAGES_PER_ANSWER, (a + 1) * PASSAGES_PER_ANSWER).join("\n\n");
    const frontMatter = [
      "---",
      `author: 作者${a}`,
      `url: https://www.zhihu.com/question/385326992/answer/${1000 + a}`,
      "question:",
      "  title: 深度学习领域目前仍有哪些值得追踪的前沿研究?",
      "  url: https://www.zhihu.com/question/385326992",
      "language: zh",
      "---",
    ].join("\n");
    writeFileSync(join(dir, "answers", `a${String(a).padStart(3, "0")}.md`), `${frontMatter}\n${body}\n`);
  }
  return dir;
}

/** The queries, and what a user should see for them on such a corpus, however it was built. */
const QUERIES = ["可解释性", "量子退火 可解释性", "可解释性 知识蒸馏"];
function expectChampionBehaviour([commonOnly, rareAndCommon, twoCommon]: Hit[][]): void {
  // Among 700+ passages that say 可解释性, the one that says it most comes first, though it is the last and longest.
  expect(commonOnly![0]!.excerpt).toContain("没有可解释性就没有信任");
  // A passage found through a rare word is scored and highlighted on the common one too.
  expect(rareAndCommon![0]!.excerpt).toContain("量子退火");
  expect(highlighted(rareAndCommon![0]!)).toEqual(expect.arrayContaining(["量子退火", "可解释性"]));
  // The one passage with both common terms comes first, though it is a champion of neither.
  expect(twoCommon![0]!.excerpt).toContain("知识蒸馏能不能提高可解释性");
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("a corpus where common terms have more passages than their champion lists", () => {
  it("still ranks the passages that use a term most, and scores rare-word passages on every term", async () => {
    const dir = writeCorpus(700); // below the worker threshold: analysed in this thread
    dirs.push(dir);
    const search = await DirectionsSearch.build(loadCorpus(dir));
    expect(search.corpus.passages.length).toBeLessThan(2_000);
    expectChampionBehaviour(QUERIES.map((query) => search.search(query)));
  });

  it("gives the same answers when the index is built with a worker thread (the CLI, 2,000+ passages)", () => {
    const dir = writeCorpus(1_000);
    dirs.push(dir);
    expect(loadCorpus(dir).passages.length).toBeGreaterThanOrEqual(2_000);
    const cli = join(import.meta.dirname, "..", "dist", "src", "cli.js");
    const result = spawnSync(process.execPath, [cli, "search", "--jsonl"], {
      input: [...QUERIES, "kubernetes"].join("\n") + "\n",
      encoding: "utf8",
      env: { ...process.env, DIRECTIONS_CORPUS: dir },
    });
    // Only warnings: most directions have no passage in this corpus.
    expect(result.stderr.split("\n").filter((line) => line && !line.startsWith("directions: warning: "))).toEqual([]);
    expect(result.status).toBe(0);
    const answers = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as Hit[]);
    expectChampionBehaviour(answers.slice(0, QUERIES.length));
    expect(answers[QUERIES.length]).toEqual([]);
  });
});
