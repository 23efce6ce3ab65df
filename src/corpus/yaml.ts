/**
 * What every corpus file shares: one-line `file:line: problem` errors, and
 * YAML (front matter, `directions.yaml`) read with the line of each value.
 */
import { LineCounter, parseDocument, type Document } from "yaml";
import type { Reference } from "./types.js";

/**
 * Control characters, line and paragraph separators and bidi controls: in a
 * file name or a quoted value they could break a one-line message or make it
 * read backwards, so messages show them as `\uXXXX`.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const printable = (text: string) => text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** `file:line: problem` on one line, for errors and warnings. */
export const located = (file: string, line: number, problem: string) => printable(`${file}:${line}: ${problem}`);

/** A corpus file that cannot be loaded; the message is one line, `file:line: what is wrong`. */
export class CorpusError extends Error {
  override name = "CorpusError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(located(file, line, problem));
  }
}

/** Values quoted in messages are cut, so that a 1 MB url does not make a 1 MB message. */
const MAX_QUOTED_CHARS = 80;
export const quote = (value: string) => `'${value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value}'`;

/**
 * Reads YAML, turning syntax errors into CorpusErrors with the right line
 * (`firstLine` is where the YAML starts in the file), and so too what the
 * YAML library refuses while building values (too many aliases: a "billion
 * laughs"). Its warnings (a list as a key) are not printed: such a value is
 * refused later as the wrong type.
 */
export function parseYaml(source: string, file: string, firstLine: number) {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, logLevel: "error" });
  const lineOf = (offset: number | undefined) => (offset === undefined ? firstLine : lineCounter.linePos(offset).line + firstLine - 1);
  const invalid = (line: number, message: string) => new CorpusError(file, line, `invalid YAML: ${message.split("\n")[0]}`);
  const error = document.errors[0];
  if (error) throw invalid(lineOf(error.pos[0]), error.message);
  try {
    return { document, lineOf, data: document.toJS() as unknown };
  } catch (error) {
    throw invalid(firstLine, error instanceof Error ? error.message : String(error));
  }
}

/** Checks one value of the YAML and reports its line when it is wrong. */
export class Checker {
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lineOf: (offset: number | undefined) => number,
    private readonly fallbackLine: number,
  ) {}

  /** The line of a value, else of the whole YAML. */
  line(path: (string | number)[]): number {
    const node = path.length ? this.document.getIn(path, true) : this.document.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? this.lineOf(range[0]) : this.fallbackLine;
  }

  fail(path: (string | number)[], problem: string): never {
    throw new CorpusError(this.file, this.line(path), problem);
  }

  string(path: (string | number)[], value: unknown, what: string): string {
    if (value === undefined || value === null || (typeof value === "string" && !value.trim())) this.fail(path.slice(0, -1), `${what} is missing`);
    if (typeof value !== "string") this.fail(path, `${what} must be text`);
    return value.trim();
  }

  url(path: (string | number)[], value: unknown, what: string): string {
    const url = this.string(path, value, what);
    if (!/^https?:\/\/\S+$/.test(url)) this.fail(path, `${what} must be an http(s) link, got ${quote(url)}`);
    return url;
  }

  list(path: (string | number)[], value: unknown, what: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, `${what} must be a list`);
    return value;
  }

  object(path: (string | number)[], value: unknown, what: string): Record<string, unknown> {
    if (value === undefined || value === null) this.fail(path.slice(0, -1), `${what} is missing`);
    if (typeof value !== "object" || Array.isArray(value)) this.fail(path, `${what} must be a mapping`);
    return value as Record<string, unknown>;
  }

  references(path: (string | number)[], value: unknown, what: string): Reference[] {
    return this.list(path, value, what).map((item, i) => {
      const reference = this.object([...path, i], item, `${what} item ${i + 1}`);
      return {
        title: this.string([...path, i, "title"], reference.title, `${what} item ${i + 1}: title`),
        url: this.url([...path, i, "url"], reference.url, `${what} item ${i + 1}: url`),
      };
    });
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** A Markdown file's YAML front matter, checked as a mapping, and the text after it (`bodyLine`: the line it starts on). */
export function readFrontMatter(source: string, file: string): { data: Record<string, unknown>; check: Checker; body: string; bodyLine: number } {
  const text = source.replace(/^\uFEFF/, "");
  const frontMatter = FRONT_MATTER.exec(text);
  if (!frontMatter) throw new CorpusError(file, 1, "front matter missing: the file must start with a '---' line, the fields, and a closing '---' line");
  const yaml = parseYaml(frontMatter[1]!, file, 2);
  const check = new Checker(file, yaml.document, yaml.lineOf, 1);
  const data = check.object([], yaml.data, "front matter");
  return { data, check, body: text.slice(frontMatter[0].length), bodyLine: frontMatter[0].split("\n").length };
}
