/**
 * What an admin may leave in a corpus folder by mistake: links that lead
 * nowhere, folders, FIFOs, binary files, other encodings. Each gives one line
 * `file:line: problem` and exit 1 from the CLI and the bot, never a stack
 * trace or a hang.
 */
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CorpusError, loadCorpus } from "../src/corpus/load.js";
import { answerFile, FRONT_MATTER, runBot, runCli, tempCorpus, type Run } from "./support/temp-corpus.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The one line a run printed, checked to be all it printed on stderr, with exit code 1 and no stack trace. */
function oneLineFailure(run: Run): string {
  expect(run.code, `killed after ${Math.round(run.ms)} ms`).toBe(1);
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
  return lines[0]!;
}

const mkfifo = (path: string) => execFileSync("mkfifo", [path]);

describe("odd entries in answers/", () => {
  const cases: Array<[string, (path: string) => void, RegExp]> = [
    ["a symbolic link loop", (path) => symlinkSync("x.md", path), /not a regular file \(a symbolic link loop\)/],
    ["a dangling link", (path) => symlinkSync("gone.md", path), /not a regular file \(a dangling symbolic link to 'gone\.md'\)/],
    ["a folder", (path) => mkdirSync(path), /not a regular file \(a folder\)/],
    ["a FIFO", mkfifo, /not a regular file \(a FIFO\)/],
  ];

  it.each(cases)("%s named x.md: one line and exit 1 from the CLI and the bot, at once", async (_, make, problem) => {
    dir = tempCorpus();
    make(join(dir, "answers", "x.md"));
    const [cli, bot] = await Promise.all([runCli(["search", "x"], dir), runBot(dir)]);
    expect(oneLineFailure(cli)).toMatch(new RegExp(`^directions: cannot load the corpus: answers/x\\.md:1: ${problem.source}$`));
    expect(oneLineFailure(bot)).toMatch(new RegExp(`^directions: the corpus could not be loaded: answers/x\\.md:1: ${problem.source}$`));
  });

  it("reports a socket named s.md", async () => {
    dir = tempCorpus();
    const server = createServer().listen(join(dir, "answers", "s.md"));
    await once(server, "listening");
    try {
      expect(() => loadCorpus(dir)).toThrow(/answers\/s\.md:1: not a regular file \(a socket\)$/);
    } finally {
      server.close();
    }
  });

  it("follows a link to a regular file", () => {
    dir = tempCorpus();
    writeFileSync(join(dir, "elsewhere.txt"), answerFile("一段关于模型压缩的回答。"));
    symlinkSync(join(dir, "elsewhere.txt"), join(dir, "answers", "linked.md"));
    expect(loadCorpus(dir).answers.map((answer) => answer.id)).toContain("linked");
  });

  it("reports a directions file that is a FIFO or a folder, and an answers folder that is a file", async () => {
    dir = tempCorpus();
    unlinkSync(join(dir, "directions.yaml"));
    mkfifo(join(dir, "directions.yaml"));
    expect(oneLineFailure(await runCli(["list"], dir))).toMatch(/directions\.yaml:1: not a regular file \(a FIFO\)$/);
    unlinkSync(join(dir, "directions.yaml"));
    mkdirSync(join(dir, "directions.yaml"));
    expect(() => loadCorpus(dir)).toThrow(/directions\.yaml:1: not a regular file \(a folder\)$/);
    rmSync(join(dir, "directions.yaml"), { recursive: true });
    symlinkSync("directions.yaml", join(dir, "directions.yaml"));
    expect(() => loadCorpus(dir)).toThrow(/directions\.yaml:1: not a regular file \(a symbolic link loop\)$/);
    dir = tempCorpus();
    rmSync(join(dir, "answers"), { recursive: true });
    writeFileSync(join(dir, "answers"), "");
    expect(() => loadCorpus(dir)).toThrow(/answers:1: not a folder \(a regular file\)$/);
  });
});

describe("files that are not text", () => {
  const errorOf = (bytes: Uint8Array | string): CorpusError => {
    dir = tempCorpus();
    writeFileSync(join(dir, "answers", "bad.md"), bytes);
    try {
      loadCorpus(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(CorpusError);
      expect((error as Error).message).not.toContain("\n");
      return error as CorpusError;
    }
    throw new Error("the corpus loaded");
  };
  const withBody = (body: Uint8Array) => Buffer.concat([Buffer.from(answerFile("第一段。\n")), body]);
  /** Bytes 1–255 (no NUL) from a fixed seed: what most binary files look like to a UTF-8 reader. */
  const randomBytes = (length: number) => {
    let seed = 42;
    return Uint8Array.from({ length }, () => 1 + ((seed = (seed * 1103515245 + 12345) >>> 0) % 255));
  };

  it("refuses a NUL byte, naming its line", () => {
    expect(errorOf(withBody(Buffer.from("第二段\u0000。"))).message).toMatch(/answers\/bad\.md:11: not text: it holds a NUL byte/);
  });

  it("refuses random bytes after valid front matter, and an answer saved as GBK, not UTF-8", () => {
    expect(errorOf(withBody(randomBytes(300_000))).message).toMatch(/bad\.md:11: not text: \d+ of the line's \d+ characters are U\+FFFD \(bytes that are not UTF-8\) or control characters/);
    const gbk = Buffer.from([0xc4, 0xa3, 0xd0, 0xcd, 0xd1, 0xb9, 0xcb, 0xf5, 0xa1, 0xa3]); // 模型压缩。
    expect(errorOf(withBody(gbk)).message).toMatch(/bad\.md:11: not text: /);
  });

  it("lets a stray U+FFFD, a tab and CRLF line ends through", () => {
    dir = tempCorpus();
    writeFileSync(join(dir, "answers", "odd.md"), answerFile("模型压缩\t很重要,但这里有一个坏字符\uFFFD。").replace(/\n/g, "\r\n"));
    expect(loadCorpus(dir).passages.find((passage) => passage.answerId === "odd")?.text).toContain("\uFFFD");
  });

  it("keeps messages on one line and short, whatever the file holds", () => {
    expect(errorOf(answerFile("正文。", FRONT_MATTER.replace("https://example.org/a/1", `"${"x".repeat(100_000)}"`))).message).toMatch(/url must be an http\(s\) link, got 'x{80}…'$/);
    expect(errorOf(answerFile("正文。", FRONT_MATTER.replace("https://example.org/a/1", '"https://x.org/\\n\\u202Eevil"'))).message).toMatch(/got 'https:\/\/x\.org\/\\u000a\\u202eevil'$/);
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e"].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${"abcd"[i]}`).join(", ")}]`)];
    expect(errorOf(answerFile("正文。", `${FRONT_MATTER}\n${laughs.join("\n")}`)).message).toMatch(/bad\.md:2: invalid YAML: Excessive alias count/);
  });
});
