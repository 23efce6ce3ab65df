import { existsSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isSeq } from "yaml";
import { Glossary } from "../text/glossary.js";
import { normalize } from "../text/normalize.js";
import { listFolder, readText } from "./files.js";
import { splitPassages } from "./passages.js";
import { parseTranslation } from "./translations.js";
import type { Answer, Corpus, Direction, LoadedCorpus, Passage, PassageTranslation, SynonymGroup } from "./types.js";
import { Checker, CorpusError, located, parseYaml, quote, readFrontMatter } from "./yaml.js";

export { CorpusError };

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
  const translations = translationFiles(join(dir, "translations", TRANSLATION_LANGUAGE), display, answers);
  const corpus = assembleCorpus(answers, directions, (answer, passages) => {
    const translation = translations.get(answer.id);
    return translation && parseTranslation(readText(translation.path, translation.file, "file not found"), translation.file, TRANSLATION_LANGUAGE, answer, passages);
  });
  const tagged = new Set(corpus.passages.flatMap((passage) => passage.directions));
  const warnings = directions
    .filter((direction) => !tagged.has(direction.id))
    .map(({ id }) => located(directionsFile, lineOf(id), `direction '${id}' matches no passage: none of its terms occurs in the answers, so it has no excerpts to show`));
  return { ...corpus, warnings };
}

/** The language of the translations the bot shows beside the originals. */
const TRANSLATION_LANGUAGE = "en";

/** The translation files of a language folder by answer id (none when the folder does not exist); a file for no known answer is an error. */
function translationFiles(folder: string, display: (file: string) => string, answers: readonly Answer[]): Map<string, { path: string; file: string }> {
  const files = new Map<string, { path: string; file: string }>();
  if (!existsSync(folder)) return files;
  const known = new Set(answers.map((answer) => answer.id));
  for (const name of listFolder(folder, display(folder), "folder not found").filter((file) => file.endsWith(".md")).sort()) {
    const path = join(folder, name);
    const id = basename(name, ".md");
    if (!known.has(id)) throw new CorpusError(display(path), 1, `no answer '${id}' in answers/: a translation is named after the id of the answer it translates`);
    files.set(id, { path, file: display(path) });
  }
  return files;
}

/**
 * A corpus from answers and directions already read: answers split into
 * passages, each with its translation (when `translate` gives one) and tagged
 * with the directions its text names (the author's words, not our translation).
 */
export function assembleCorpus(
  answers: Answer[],
  directions: Direction[],
  translate: (answer: Answer, passages: readonly string[]) => PassageTranslation[] | undefined = () => undefined,
): Corpus {
  const glossary = new Glossary(directions);
  const directionsOf = (text: string) => {
    const found = new Set(glossary.find(normalize(text)).map((match) => glossary.directionOf(match.groupId)!));
    return directions.map((direction) => direction.id).filter((id) => found.has(id));
  };
  const passages: Passage[] = answers.flatMap((answer) => {
    const texts = splitPassages(answer.body);
    const translations = translate(answer, texts);
    return texts.map((text, index) => {
      const translation = translations?.[index];
      return {
        id: `${answer.id}#${index}`,
        answerId: answer.id,
        author: answer.author,
        url: answer.url,
        text,
        directions: directionsOf(text),
        ...(translation ? { translation } : {}),
      };
    });
  });
  return { answers, directions, passages };
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

/** One answer file: YAML front matter between `---` lines, then the answer's text. */
export function parseAnswer(source: string, file: string): Answer {
  const { data, check, body: text, bodyLine } = readFrontMatter(source, file);
  const id = data.id === undefined ? basename(file, ".md") : check.string(["id"], data.id, "id");
  if (!ID.test(id)) check.fail(data.id === undefined ? [] : ["id"], `id ${quote(id)} must be lower-case letters, digits and dashes (rename the file or set id)`);
  const body = text.trim();
  if (!body) throw new CorpusError(file, bodyLine, "the answer's text is empty");
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
