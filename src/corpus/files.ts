/**
 * Reading the corpus's files safely: only regular files (or links to one)
 * are read, never a FIFO or a device, and only text; every failure is a
 * one-line CorpusError.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from "node:fs";
import { CorpusError, quote } from "./yaml.js";

/**
 * What is at `path`, following links. It is never opened: a FIFO would block
 * start-up for good. A missing path, a dangling link or a link loop is a
 * CorpusError (`missing` says what a missing path means).
 */
function statOf(path: string, file: string, missing: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new CorpusError(file, 1, "not a regular file (a symbolic link loop)");
    if (code === "ENOENT" || code === "ENOTDIR") {
      const link = lstatSync(path, { throwIfNoEntry: false });
      throw new CorpusError(file, 1, link?.isSymbolicLink() ? `not a regular file (a dangling symbolic link to ${quote(readlinkSync(path))})` : missing);
    }
    throw new CorpusError(file, 1, cannotRead(error));
  }
}

/** `cannot be read (EACCES: permission denied)`: Node's message without the path, which the file name already gives. */
function cannotRead(error: unknown): string {
  return `cannot be read (${error instanceof Error ? error.message.split(", ")[0] : String(error)})`;
}

/** What a path is, in a message, when it is not what the corpus needs. */
function kindOf(stats: Stats): string {
  if (stats.isFile()) return "a regular file";
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  return "a device";
}

/** A corpus file's text. Only regular files (or links to one) are read; see `checkIsText` for what is refused as not text. */
export function readText(path: string, file: string, missing: string): string {
  const stats = statOf(path, file, missing);
  if (!stats.isFile()) throw new CorpusError(file, 1, `not a regular file (${kindOf(stats)})`);
  let text: string;
  try {
    text = readFileSync(path, "utf8"); // bytes that are not UTF-8 become U+FFFD
  } catch (error) {
    throw new CorpusError(file, 1, cannotRead(error));
  }
  checkIsText(text, file);
  return text;
}

/** The names in a folder (or a link to one). */
export function listFolder(path: string, file: string, missing: string): string[] {
  const stats = statOf(path, file, missing);
  if (!stats.isDirectory()) throw new CorpusError(file, 1, `not a folder (${kindOf(stats)})`);
  try {
    return readdirSync(path);
  } catch (error) {
    throw new CorpusError(file, 1, cannotRead(error));
  }
}

/** What is never in text: U+FFFD (what bytes that are not UTF-8 become) and control characters other than tab, line feed and carriage return. */
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/g;
/** A line this much made of them (at least MIN_NOT_TEXT_CHARS of them) is not text: a binary file, another encoding than UTF-8. A stray one is let through. */
const MAX_NOT_TEXT_SHARE = 0.25;
const MIN_NOT_TEXT_CHARS = 4;

/** Refuses a file that is not UTF-8 text: one with a NUL byte, or with a line mostly made of U+FFFD and control characters. */
function checkIsText(text: string, file: string): void {
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;
  const nul = text.indexOf("\u0000");
  if (nul >= 0) throw new CorpusError(file, lineOf(nul), "not text: it holds a NUL byte (is it a binary file?)");
  let line = { start: 0, end: lineEnd(text, 0), count: 0 };
  const check = () => {
    const length = line.end - line.start;
    if (line.count >= MIN_NOT_TEXT_CHARS && line.count >= MAX_NOT_TEXT_SHARE * length) {
      throw new CorpusError(file, lineOf(line.start), `not text: ${line.count} of the line's ${length} characters are U+FFFD (bytes that are not UTF-8) or control characters (is the file UTF-8 text?)`);
    }
  };
  for (const { index } of text.matchAll(NOT_TEXT)) {
    if (index >= line.end) {
      check();
      const start = text.lastIndexOf("\n", index) + 1;
      line = { start, end: lineEnd(text, start), count: 0 };
    }
    line.count++;
  }
  check();
}

const lineEnd = (text: string, start: number) => {
  const end = text.indexOf("\n", start);
  return end < 0 ? text.length : end;
};
