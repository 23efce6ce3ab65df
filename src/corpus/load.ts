import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { Glossary } from "../text/glossary.js";
import { normalize } from "../text/normalize.js";
import { splitPassages } from "./passages.js";
import type { Answer, Corpus, Direction, LoadedCorpus, Passage, Reference, SynonymGroup } from "./types.js";

/**
 * Control characters, line and paragraph separators and bidi controls: in a
 * file name or a quoted value they could break a one-line message or make it
 * read backwards, so messages show them as `\uXXXX`.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const printable = (text: string) => text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** `file:line: problem` on one line, for errors and warnings. */
const located = (file: string, line: number, problem: string) => printable(`${file}:${line}: ${problem}`);

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
const quote = (value: string) => `'${value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value}'`;

/** The repository's own corpus/, found from this module so it works from src/, dist/ and through npx. */
export function defaultCorpusDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "corpus", "directions.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve("corpus");
    dir = parent;
  }
  return join(dir, "corpus");
}

/**
 * Loads `<dir>/answers/*.md` and `<dir>/directions.yaml`, splits answers into
 * passages and tags each passage with the directions whose synonyms it uses.
 * Throws CorpusError at the first malformed file; warns of each direction no
 * passage is tagged with (it would have no excerpts).
 */
export function loadCorpus(dir: string = process.env.DIRECTIONS_CORPUS || defaultCorpusDir()): LoadedCorpus {
  const display = (file: string) => relative(process.cwd(), file) || file;
  const directionsFile = display(join(dir, "directions.yaml"));
  const { directions, lineOf } = parseDirections(readText(join(dir, "directions.yaml"), directionsFile, "file not found (the corpus needs a directions file)"), directionsFile);

  const answersDir = join(dir, "answers");
  const answers: Answer[] = [];
  const seen = new Map<string, string>();
  for (const name of listFolder(answersDir, display(answersDir), "folder not found (the corpus needs its answers)").filter((file) => file.endsWith(".md")).sort()) {
    const file = display(join(answersDir, name));
    const answer = parseAnswer(readText(join(answersDir, name), file, "file not found"), file);
    for (const [field, value] of [["id", answer.id], ["url", answer.url]] as const) {
      const key = `${field} ${value}`;
      const other = seen.get(key);
      if (other) throw new CorpusError(file, 1, `duplicate ${field} ${quote(value)} (also in ${other})`);
      seen.set(key, file);
    }
    answers.push(answer);
  }
  if (answers.length === 0) throw new CorpusError(display(answersDir), 1, "no answers (*.md files) found");
  const corpus = assembleCorpus(answers, directions);
  const tagged = new Set(corpus.passages.flatMap((passage) => passage.directions));
  const warnings = directions
    .filter((direction) => !tagged.has(direction.id))
    .map(({ id }) => located(directionsFile, lineOf(id), `direction '${id}' matches no passage: none of its terms occurs in the answers, so it has no excerpts to show`));
  return { ...corpus, warnings };
}

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
function readText(path: string, file: string, missing: string): string {
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
function listFolder(path: string, file: string, missing: string): string[] {
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

/** A corpus from answers and directions already read: answers split into passages, each tagged with its directions. */
export function assembleCorpus(answers: Answer[], directions: Direction[]): Corpus {
  const glossary = new Glossary(directions);
  const passages: Passage[] = answers.flatMap((answer) =>
    splitPassages(answer.body).map((text, index) => {
      const directionIds = new Set(glossary.find(normalize(text)).map((match) => glossary.directionOf(match.groupId)!));
      return {
        id: `${answer.id}#${index}`,
        answerId: answer.id,
        author: answer.author,
        url: answer.url,
        text,
        directions: directions.map((direction) => direction.id).filter((id) => directionIds.has(id)),
      };
    }),
  );
  return { answers, directions, passages };
}

/**
 * Reads YAML, turning syntax errors into CorpusErrors with the right line
 * (`firstLine` is where the YAML starts in the file), and so too what the
 * YAML library refuses while building values (too many aliases: a "billion
 * laughs"). Its warnings (a list as a key) are not printed: such a value is
 * refused later as the wrong type.
 */
function parseYaml(source: string, file: string, firstLine: number) {
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
class Checker {
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
const ID = /^[a-z0-9][a-z0-9-]*$/;

/** One answer file: YAML front matter between `---` lines, then the answer's text. */
export function parseAnswer(source: string, file: string): Answer {
  const text = source.replace(/^\uFEFF/, "");
  const frontMatter = FRONT_MATTER.exec(text);
  if (!frontMatter) throw new CorpusError(file, 1, "front matter missing: the file must start with a '---' line, the fields, and a closing '---' line");
  const yaml = parseYaml(frontMatter[1]!, file, 2);
  const check = new Checker(file, yaml.document, yaml.lineOf, 1);
  const data = check.object([], yaml.data, "front matter");
  const id = data.id === undefined ? basename(file, ".md") : check.string(["id"], data.id, "id");
  if (!ID.test(id)) check.fail(data.id === undefined ? [] : ["id"], `id ${quote(id)} must be lower-case letters, digits and dashes (rename the file or set id)`);
  const body = text.slice(frontMatter[0].length).trim();
  if (!body) throw new CorpusError(file, text.slice(0, frontMatter[0].length).split("\n").length, "the answer's text is empty");
  const author = check.string(["author"], data.author, "author");
  const url = check.url(["url"], data.url, "url");
  const question = check.object(["question"], data.question, "question");
  return {
    id,
    author,
    url,
    question: {
      title: check.string(["question", "title"], question.title, "question title"),
      url: check.url(["question", "url"], question.url, "question url"),
    },
    language: check.string(["language"], data.language, "language"),
    references: check.references(["references"], data.references, "references"),
    body,
    file,
  };
}

/** The directions file: a YAML list of directions, each with its synonym groups; `lineOf` gives the line of a direction's id. */
export function parseDirections(source: string, file: string): { directions: Direction[]; lineOf: (id: string) => number } {
  const { document, lineOf, data } = parseYaml(source, file, 1);
  const check = new Checker(file, document, lineOf, 1);
  if (!isSeq(document.contents)) check.fail([], "must be a list of directions");
  const directionLines = new Map<string, number>();
  const groupOfTerm = new Map<string, string>();
  const groupIds = new Set<string>();
  const directions = check.list([], data, "directions").map((item, i) => {
    const at = (...path: (string | number)[]) => [i, ...path];
    const entry = check.object([i], item, `direction ${i + 1}`);
    if (!isMap(document.getIn([i], true))) check.fail([i], `direction ${i + 1} must be a mapping`);
    const id = check.string(at("id"), entry.id, `direction ${i + 1}: id`);
    if (!ID.test(id)) check.fail(at("id"), `direction id ${quote(id)} must be lower-case letters, digits and dashes`);
    if (directionLines.has(id)) check.fail(at("id"), `duplicate direction id ${quote(id)}`);
    directionLines.set(id, check.line(at("id")));
    const name = check.object(at("name"), entry.name, `direction ${id}: name`);
    const synonyms = check.list(at("synonyms"), entry.synonyms, `direction ${id}: synonyms`).map((groupItem, g): SynonymGroup => {
      const group = check.object(at("synonyms", g), groupItem, `direction ${id}: synonym group ${g + 1}`);
      const groupId = check.string(at("synonyms", g, "id"), group.id, `direction ${id}: synonym group ${g + 1}: id`);
      if (!ID.test(groupId)) check.fail(at("synonyms", g, "id"), `synonym group id ${quote(groupId)} must be lower-case letters, digits and dashes`);
      if (groupIds.has(groupId)) check.fail(at("synonyms", g, "id"), `duplicate synonym group id ${quote(groupId)}`);
      groupIds.add(groupId);
      const terms = check.list(at("synonyms", g, "terms"), group.terms, `synonym group ${groupId}: terms`).map((term, t) => {
        const value = check.string(at("synonyms", g, "terms", t), term, `synonym group ${groupId}: term ${t + 1}`);
        const key = normalize(value);
        const other = groupOfTerm.get(key);
        if (other && other !== groupId) check.fail(at("synonyms", g, "terms", t), `term ${quote(value)} is in two synonym groups: ${quote(other)} and ${quote(groupId)}`);
        groupOfTerm.set(key, groupId);
        return value;
      });
      if (terms.length === 0) check.fail(at("synonyms", g), `synonym group ${groupId} has no terms`);
      return { id: groupId, terms };
    });
    if (synonyms.length === 0) check.fail(at("id"), `direction ${id} has no synonyms: it could never be found`);
    const questions = check.list(at("questions"), entry.questions, `direction ${id}: questions`);
    return {
      id,
      name: { en: check.string(at("name", "en"), name.en, `direction ${id}: name.en`), zh: check.string(at("name", "zh"), name.zh, `direction ${id}: name.zh`) },
      summary: check.string(at("summary"), entry.summary, `direction ${id}: summary`),
      synonyms,
      papers: check.references(at("papers"), entry.papers, `direction ${id}: papers`),
      questions: questions.map((question, q) => check.string(at("questions", q), question, `direction ${id}: question ${q + 1}`)),
    };
  });
  return { directions, lineOf: (id) => directionLines.get(id) ?? 1 };
}
