import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The CLI as a user runs it: the compiled bin, a fresh process (npm test builds first). */
const cli = join(import.meta.dirname, "..", "dist", "src", "cli.js");
function run(args: string[], { input, env }: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("directions search", () => {
  it("prints authors, links and excerpts with the matches marked", () => {
    const { code, stdout } = run(["search", "compression"]);
    expect(code).toBe(0);
    expect(stdout).toContain("机智的叉烧 — https://www.zhihu.com/question/385326992/answer/1141908138");
    expect(stdout).toContain("**模型压缩**");
  });

  it("prints a JSON array of hits with --json, honouring --limit", () => {
    const hits = JSON.parse(run(["search", "可解释性", "--json", "--limit", "2"]).stdout);
    expect(hits).toHaveLength(2);
    for (const hit of hits) expect(Object.keys(hit)).toEqual(expect.arrayContaining(["author", "url", "excerpt", "score", "directions"]));
    expect(JSON.parse(run(["search", "kubernetes", "--json"]).stdout)).toEqual([]);
  });

  it("shows the excerpt in the query's language with the other beneath, or as --lang says", () => {
    const english = run(["search", "remote sensing", "--limit", "1"]).stdout;
    expect(english).toMatch(/\n {3}…?A model's .*\*\*remote\*\* \*\*sensing\*\*/);
    expect(english).toMatch(/\n {3}原文: .*遥感/);
    expect(english).toContain("English: the directions project's translation");
    const chinese = run(["search", "遥感", "--limit", "1"]).stdout;
    expect(chinese).toMatch(/\n {3}2、Transfer learning.*\*\*遥感\*\*/);
    expect(chinese).toMatch(/\n {3}English: .*remote sensing/);
    const forced = run(["search", "遥感", "--limit", "1", "--lang", "en"]).stdout;
    expect(forced).toMatch(/\n {3}原文: .*\*\*遥感\*\*/);
    const bad = run(["search", "遥感", "--lang", "fr"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--lang must be en or zh, got 'fr'");
  });

  it("gives every JSON hit the translation's excerpt and highlights, whatever the query's language", () => {
    const [hit] = JSON.parse(run(["search", "remote sensing", "--json"]).stdout);
    expect(hit.passageId).toBe("qingchun-meiyou-zhongdian#2");
    expect(hit.excerpt).toContain("遥感"); // still the original
    expect(hit.translation.language).toBe("en");
    expect(hit.translation.highlights.map(({ start, end }: { start: number; end: number }) => hit.translation.excerpt.slice(start, end))).toEqual(["remote", "sensing"]);
    const lines = run(["search", "--jsonl"], { input: "蒸馏\nTuring award\nkubernetes\nbest pizza in town\n如何提高数据库性能\n" }).stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines[0][0].translation).toMatchObject({ language: "en", excerpt: expect.stringMatching(/distillation/) });
    expect(lines[1][0].author).toBe("Zhanxing Zhu");
    expect(lines.slice(2)).toEqual([[], [], []]);
  });

  it("says plainly when nothing is found", () => {
    const { code, stdout } = run(["search", "kubernetes"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Nothing found for "kubernetes"/);
  });

  it("answers one JSON array a line, in order, with --jsonl", () => {
    const { code, stdout } = run(["search", "--jsonl"], { input: "蒸馏\nkubernetes\ncatastrophic forgetting\n" });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines[0][0].author).toBe("机智的叉烧");
    expect(lines[1]).toEqual([]);
    expect(lines[2][0].author).toBe("青春没有终点");
  });
});

describe("directions list", () => {
  it("lists every direction with its names and passage count", () => {
    const { code, stdout } = run(["list"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/compression\s+Model compression & distillation\s+模型压缩与蒸馏\s+\d+/);
    expect(stdout.trim().split("\n").length).toBeGreaterThan(15);
  });
});

describe("mistakes", () => {
  it("prints usage and exits 2 for an unknown command or flag", () => {
    for (const args of [["frobnicate"], ["search", "x", "--colour"], ["search", "x", "--limit", "many"], []]) {
      const { code, stderr } = run(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toContain("Usage:");
    }
  });

  it("exits 1 with the loader's message when the corpus is missing or broken", () => {
    const dir = mkdtempSync(join(tmpdir(), "directions-cli-"));
    try {
      const missing = run(["search", "x"], { env: { DIRECTIONS_CORPUS: join(dir, "nowhere") } });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/cannot load the corpus: .*directions\.yaml:1: file not found/);
      mkdirSync(join(dir, "answers"));
      writeFileSync(join(dir, "directions.yaml"), "- id: x\n  name: {en: X, zh: 叉}\n  summary: s\n  synonyms: [{id: x, terms: [x]}]\n");
      writeFileSync(join(dir, "answers", "a.md"), "---\nauthor: A\n---\ntext\n");
      const broken = run(["list"], { env: { DIRECTIONS_CORPUS: dir } });
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/answers\/a\.md:2: url is missing/);
      expect(broken.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
