import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { Glossary } from "../text/glossary.js";
import { normalize } from "../text/normalize.js";
import { splitPassages } from "./passages.js";
import type { Answer, Corpus, Direction, Passage, Reference, SynonymGroup } from "./types.js";

/** A corpus file that cannot be loaded; the message reads `file:line: what is wrong`. */
export class CorpusError extends Error {
  override name = "CorpusError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

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
 * Throws CorpusError at the first malformed file.
 */
export function loadCorpus(dir: string = process.env.DIRECTIONS_CORPUS || defaultCorpusDir()): Corpus {
  const display = (file: string) => relative(process.cwd(), file) || file;
  const directionsFile = join(dir, "directions.yaml");
  if (!existsSync(directionsFile)) throw new CorpusError(display(directionsFile), 1, "file not found (the corpus needs a directions file)");
  const directions = parseDirections(readFileSync(directionsFile, "utf8"), display(directionsFile));

  const answersDir = join(dir, "answers");
  if (!existsSync(answersDir)) throw new CorpusError(display(answersDir), 1, "folder not found (the corpus needs its answers)");
  const answers: Answer[] = [];
  const seen = new Map<string, string>();
  for (const name of readdirSync(answersDir).filter((file) => file.endsWith(".md")).sort()) {
    const file = display(join(answersDir, name));
    const answer = parseAnswer(readFileSync(join(answersDir, name), "utf8"), file);
    for (const key of [`id ${answer.id}`, `url ${answer.url}`]) {
      const other = seen.get(key);
      if (other) throw new CorpusError(file, 1, `duplicate ${key.replace(" ", " '")}' (also in ${other})`);
      seen.set(key, file);
    }
    answers.push(answer);
  }
  if (answers.length === 0) throw new CorpusError(display(answersDir), 1, "no answers (*.md files) found");
  return assembleCorpus(answers, directions);
}

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

/** Reads YAML, turning syntax errors into CorpusErrors with the right line (`firstLine` is where the YAML starts in the file). */
function parseYaml(source: string, file: string, firstLine: number) {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? firstLine : lineCounter.linePos(offset).line + firstLine - 1);
  const error = document.errors[0];
  if (error) throw new CorpusError(file, lineOf(error.pos[0]), `invalid YAML: ${error.message.split("\n")[0]}`);
  return { document, lineOf };
}

/** Checks one value of the YAML and reports its line when it is wrong. */
class Checker {
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lineOf: (offset: number | undefined) => number,
    private readonly fallbackLine: number,
  ) {}

  fail(path: (string | number)[], problem: string): never {
    const node = path.length ? this.document.getIn(path, true) : this.document.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    throw new CorpusError(this.file, range ? this.lineOf(range[0]) : this.fallbackLine, problem);
  }

  string(path: (string | number)[], value: unknown, what: string): string {
    if (value === undefined || value === null || (typeof value === "string" && !value.trim())) this.fail(path.slice(0, -1), `${what} is missing`);
    if (typeof value !== "string") this.fail(path, `${what} must be text`);
    return value.trim();
  }

  url(path: (string | number)[], value: unknown, what: string): string {
    const url = this.string(path, value, what);
    if (!/^https?:\/\/\S+$/.test(url)) this.fail(path, `${what} must be an http(s) link, got '${url}'`);
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
  const { document, lineOf } = parseYaml(frontMatter[1]!, file, 2);
  const check = new Checker(file, document, lineOf, 1);
  const data = check.object([], document.toJS(), "front matter");
  const id = data.id === undefined ? basename(file, ".md") : check.string(["id"], data.id, "id");
  if (!ID.test(id)) check.fail(data.id === undefined ? [] : ["id"], `id '${id}' must be lower-case letters, digits and dashes (rename the file or set id)`);
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

/** The directions file: a YAML list of directions, each with its synonym groups. */
export function parseDirections(source: string, file: string): Direction[] {
  const { document, lineOf } = parseYaml(source, file, 1);
  const check = new Checker(file, document, lineOf, 1);
  if (!isSeq(document.contents)) check.fail([], "must be a list of directions");
  const directionIds = new Set<string>();
  const groupOfTerm = new Map<string, string>();
  const groupIds = new Set<string>();
  return check.list([], document.toJS(), "directions").map((item, i) => {
    const at = (...path: (string | number)[]) => [i, ...path];
    const entry = check.object([i], item, `direction ${i + 1}`);
    if (!isMap(document.getIn([i], true))) check.fail([i], `direction ${i + 1} must be a mapping`);
    const id = check.string(at("id"), entry.id, `direction ${i + 1}: id`);
    if (!ID.test(id)) check.fail(at("id"), `direction id '${id}' must be lower-case letters, digits and dashes`);
    if (directionIds.has(id)) check.fail(at("id"), `duplicate direction id '${id}'`);
    directionIds.add(id);
    const name = check.object(at("name"), entry.name, `direction ${id}: name`);
    const synonyms = check.list(at("synonyms"), entry.synonyms, `direction ${id}: synonyms`).map((groupItem, g): SynonymGroup => {
      const group = check.object(at("synonyms", g), groupItem, `direction ${id}: synonym group ${g + 1}`);
      const groupId = check.string(at("synonyms", g, "id"), group.id, `direction ${id}: synonym group ${g + 1}: id`);
      if (!ID.test(groupId)) check.fail(at("synonyms", g, "id"), `synonym group id '${groupId}' must be lower-case letters, digits and dashes`);
      if (groupIds.has(groupId)) check.fail(at("synonyms", g, "id"), `duplicate synonym group id '${groupId}'`);
      groupIds.add(groupId);
      const terms = check.list(at("synonyms", g, "terms"), group.terms, `synonym group ${groupId}: terms`).map((term, t) => {
        const value = check.string(at("synonyms", g, "terms", t), term, `synonym group ${groupId}: term ${t + 1}`);
        const key = normalize(value);
        const other = groupOfTerm.get(key);
        if (other && other !== groupId) check.fail(at("synonyms", g, "terms", t), `term '${value}' is in two synonym groups: '${other}' and '${groupId}'`);
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
}
