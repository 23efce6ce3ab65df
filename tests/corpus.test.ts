import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CorpusError, defaultCorpusDir, loadCorpus } from "../src/corpus/load.js";
import { runBot, runCli } from "./support/temp-corpus.js";

const corpus = loadCorpus(defaultCorpusDir());

describe("the corpus", () => {
  it("holds the ten answers of the thread, with authors and links", () => {
    expect(corpus.answers).toHaveLength(10);
    const authors = corpus.answers.map((answer) => answer.author);
    expect(authors).toEqual(expect.arrayContaining(["Zhanxing Zhu", "夕小瑶", "王晋东不在家", "机智的叉烧", "青春没有终点", "Luau Lawrence", "马昊天", "凯恩博", "Spaceman", "谭励"]));
    for (const answer of corpus.answers) {
      expect(answer.url).toMatch(/^https:\/\/www\.zhihu\.com\/question\/385326992\/answer\/\d+$/);
      expect(answer.question.url).toBe("https://www.zhihu.com/question/385326992");
    }
  });

  it("keeps the page's navigation, ads and footers out of the answers", () => {
    const text = corpus.answers.map((answer) => answer.body).join("\n");
    for (const noise of ["小白学视觉", "下载1", "交流群", "python88", "作者:", "社区所有版块导航"]) expect(text).not.toContain(noise);
  });

  it("names three papers for every direction, each an arXiv abstract, so no weekly post falls back to a search link", () => {
    for (const direction of corpus.directions) {
      expect(direction.papers, direction.id).toHaveLength(3);
      for (const paper of direction.papers) expect(paper.url, direction.id).toMatch(/^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{4,5}$/);
    }
  });

  it("loads without warnings", () => {
    expect(corpus.warnings).toEqual([]);
  });

  it("finds every direction in at least one passage, and every answer in at least one direction", () => {
    for (const direction of corpus.directions) {
      expect(corpus.passages.filter((passage) => passage.directions.includes(direction.id)).length, direction.id).toBeGreaterThan(0);
    }
    for (const answer of corpus.answers) {
      const directions = new Set(corpus.passages.filter((passage) => passage.answerId === answer.id).flatMap((passage) => passage.directions));
      expect(directions.size, answer.id).toBeGreaterThan(0);
    }
  });

  it("links the papers the answers mention to their public records", () => {
    const references = corpus.answers.flatMap((answer) => answer.references);
    expect(references.map((reference) => reference.url)).toEqual(
      expect.arrayContaining(["https://arxiv.org/abs/1503.02531", "https://arxiv.org/abs/1912.01412", "https://arxiv.org/abs/2002.06440", "https://arxiv.org/abs/1810.11750"]),
    );
  });

  it("splits answers into paragraphs and list items", () => {
    const bullets = corpus.passages.filter((passage) => passage.answerId === corpus.answers.find((answer) => answer.author === "凯恩博")!.id);
    expect(bullets.some((passage) => passage.text.startsWith("Few-shot learning"))).toBe(true);
    expect(corpus.passages.every((passage) => !/^\s*[-•]\s/.test(passage.text))).toBe(true);
  });
});

describe("loading a corpus a team extends", () => {
  let dir: string;
  const answer = (frontMatter: string, body = "一段关于模型压缩的回答。") => `---\n${frontMatter}\n---\n${body}\n`;
  const valid = "author: Someone\nurl: https://example.org/a/1\nquestion:\n  title: Q\n  url: https://example.org/q\nlanguage: zh";
  const setUp = () => {
    dir = mkdtempSync(join(tmpdir(), "directions-corpus-"));
    cpSync(defaultCorpusDir(), dir, { recursive: true });
  };
  const errorOf = (write: () => void): CorpusError => {
    setUp();
    write();
    try {
      loadCorpus(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(CorpusError);
      return error as CorpusError;
    }
    throw new Error("the corpus loaded");
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("adds an answer dropped in as a well-formed file", () => {
    setUp();
    writeFileSync(join(dir, "answers", "someone.md"), answer(valid));
    const extended = loadCorpus(dir);
    expect(extended.answers).toHaveLength(11);
    expect(extended.passages.find((passage) => passage.answerId === "someone")?.directions).toContain("compression");
  });

  it("names the file, the line and the problem for a missing author", () => {
    const error = errorOf(() => writeFileSync(join(dir, "answers", "bad.md"), answer(valid.replace("author: Someone\n", ""))));
    expect(error.message).toMatch(/answers\/bad\.md:\d+: author is missing/);
  });

  it("reports a missing url, and a url that is not a link, on its line", () => {
    expect(errorOf(() => writeFileSync(join(dir, "answers", "bad.md"), answer(valid.replace("url: https://example.org/a/1\n", "")))).message).toMatch(/bad\.md:\d+: url is missing/);
    expect(errorOf(() => writeFileSync(join(dir, "answers", "bad.md"), answer(valid.replace("https://example.org/a/1", "not a link")))).message).toMatch(/bad\.md:3: url must be an http\(s\) link/);
  });

  it("reports broken YAML with its line", () => {
    const error = errorOf(() => writeFileSync(join(dir, "answers", "bad.md"), answer(`${valid}\nreferences: [unclosed`)));
    expect(error.message).toMatch(/bad\.md:\d+: invalid YAML/);
    expect(error.line).toBeGreaterThan(1);
  });

  it("reports a file with no front matter and one with an empty body", () => {
    expect(errorOf(() => writeFileSync(join(dir, "answers", "bad.md"), "just text\n")).message).toMatch(/bad\.md:1: front matter missing/);
    expect(errorOf(() => writeFileSync(join(dir, "answers", "bad.md"), answer(valid, "  \n"))).message).toMatch(/bad\.md:\d+: the answer's text is empty/);
  });

  it("reports a duplicate id, naming both files", () => {
    const first = readFileSync(join(defaultCorpusDir(), "answers", "spaceman.md"), "utf8");
    const error = errorOf(() => writeFileSync(join(dir, "answers", "copy.md"), first.replace("---\n", "---\nid: spaceman\n")));
    expect(error.message).toMatch(/spaceman\.md:1: duplicate id 'spaceman' \(also in .*copy\.md\)/);
  });

  it("reports a synonym group id that is not lower-case letters, digits and dashes", () => {
    const error = errorOf(() => {
      const file = join(dir, "directions.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace(/- id: distillation\n/, "- id: knowledge distillation\n"));
    });
    expect(error.message).toMatch(/directions\.yaml:\d+: synonym group id 'knowledge distillation' must be lower-case letters, digits and dashes/);
  });

  it("reports a term used by two synonym groups in the directions file", () => {
    const error = errorOf(() => {
      const file = join(dir, "directions.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace(/terms: \[/, "terms: [蒸馏, "));
    });
    expect(error.message).toMatch(/directions\.yaml:\d+: term '蒸馏' is in two synonym groups/);
  });
});

describe("a direction whose terms occur in no answer", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const unheardOf = "- id: quantum\n  name: { en: Quantum annealing, zh: 量子退火 }\n  summary: No answer discusses it.\n  synonyms:\n    - id: annealing\n      terms: [quantum annealing, 量子退火]\n";
  const setUp = () => {
    dir = mkdtempSync(join(tmpdir(), "directions-corpus-"));
    cpSync(defaultCorpusDir(), dir, { recursive: true });
    const file = join(dir, "directions.yaml");
    const lines = readFileSync(file, "utf8").split("\n").length;
    writeFileSync(file, readFileSync(file, "utf8") + unheardOf);
    return lines; // the line of "- id: quantum"
  };
  const warning = (line: number) => `directions.yaml:${line}: direction 'quantum' matches no passage: none of its terms occurs in the answers, so it has no excerpts to show`;

  it("loads, with a warning that names its line", () => {
    const line = setUp();
    const loaded = loadCorpus(dir);
    expect(loaded.directions.map((direction) => direction.id)).toContain("quantum");
    expect(loaded.warnings).toEqual([expect.stringMatching(new RegExp(`${warning(line).replace(/[.()]/g, "\\$&")}$`))]);
  });

  it("is reported once on stderr by the CLI and in the bot's log, and both still answer", async () => {
    const line = setUp();
    const [cli, bot] = await Promise.all([runCli(["search", "蒸馏"], dir), runBot(dir)]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("**蒸馏**");
    expect(cli.stderr).toBe(`directions: warning: ${warning(line)}\n`);
    expect(bot.code).toBe(0);
    expect(bot.stderr).toBe(`[WARN] directions Corpus: ${warning(line)}\n`);
    const weekly = await runCli(["post-weekly", "--dry-run"], dir);
    expect(weekly.code).toBe(0);
    expect(weekly.stderr).toBe(`directions: warning: ${warning(line)}\n`);
    expect(weekly.stdout).not.toContain("quantum"); // never the direction of the week: it has no excerpts
  }, 30_000); // three processes, each building the index: slow on a busy machine
});
