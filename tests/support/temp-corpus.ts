/**
 * Corpus folders made for a test, and the CLI and the bot (terminal mode) run
 * on them as an admin would: compiled, in a fresh process, with
 * DIRECTIONS_CORPUS pointing at the folder (npm test builds first).
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultCorpusDir } from "../../src/corpus/load.js";

export const FRONT_MATTER = [
  "author: Someone",
  "url: https://example.org/a/1",
  "question:",
  "  title: Q",
  "  url: https://example.org/q",
  "language: zh",
].join("\n");

/** An answer file: front matter between `---` lines, then the body. */
export const answerFile = (body: string, frontMatter = FRONT_MATTER) => `---\n${frontMatter}\n---\n${body}\n`;

/** A new folder with the real directions.yaml and, unless `answers` is false, one real answer. */
export function tempCorpus({ answers = true } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "directions-corpus-"));
  mkdirSync(join(dir, "answers"));
  copyFileSync(join(defaultCorpusDir(), "directions.yaml"), join(dir, "directions.yaml"));
  if (answers) copyFileSync(join(defaultCorpusDir(), "answers", "spaceman.md"), join(dir, "answers", "spaceman.md"));
  return dir;
}

export interface Run {
  /** null when the process had to be killed after `timeoutMs`. */
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Far more than a start takes (about half a second on a busy 2-core machine), and less than a test's 5 s: a hang shows as code null. */
const KILL_AFTER_MS = 4_000;

const dist = join(import.meta.dirname, "..", "..", "dist", "src");

/** Runs a compiled entry point with no Slack variable set, from a folder with no .env; kills it after `timeoutMs`. */
function runNode(script: string, args: string[], corpus: string, timeoutMs: number): Promise<Run> {
  const env = { PATH: process.env.PATH ?? "", NO_COLOR: "1", DIRECTIONS_CORPUS: corpus };
  const started = performance.now();
  const child = spawn(process.execPath, [join(dist, script), ...args], { env, cwd: corpus, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (data: string) => (stdout += data));
  child.stderr.setEncoding("utf8").on("data", (data: string) => (stderr += data));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** `directions <args>` on a corpus folder. */
export const runCli = (args: string[], corpus: string, timeoutMs = KILL_AFTER_MS) => runNode("cli.js", args, corpus, timeoutMs);

/** `npm start` (node dist/src/main.js) in terminal mode on a corpus folder, with no input. */
export const runBot = (corpus: string, timeoutMs = KILL_AFTER_MS) => runNode("main.js", [], corpus, timeoutMs);
