/**
 * Translations of answers, aligned passage by passage with the original.
 *
 * A translation is `corpus/translations/<language>/<answer id>.md`: front
 * matter naming the answer, the language and the translator, then one block
 * per passage of the original, in order, each opened by a cue line that
 * repeats the beginning of the original passage:
 *
 * ```markdown
 * ---
 * answer: tan-li
 * language: en
 * translator: directions project
 * ---
 * >> 数据本身的构成
 *
 * The composition of the data itself
 *
 * We know very well how neural networks compute, …
 * ```
 *
 * The cues make the alignment checkable: a paragraph added to or removed from
 * either side shifts the blocks, and the first cue that no longer matches its
 * passage is reported with its line. Editors copy the cue from the original.
 */
import { splitBlocks } from "./passages.js";
import type { Answer, PassageTranslation } from "./types.js";
import { CorpusError, quote, readFrontMatter } from "./yaml.js";

/** The shortest cue that counts (unless the passage's first line is shorter): enough to tell neighbouring passages apart. */
export const MIN_CUE_CHARS = 6;
const CUE = /^>>(?:[ \t]+(.*))?$/;

interface Block {
  /** The original's beginning, as the translation quotes it. */
  cue: string;
  /** Line of the cue in the file. */
  line: number;
  text: string;
}

/**
 * Reads one translation file of `language` and aligns it with `answer`'s
 * passages (`passages`, as split from its body). Returns one translated text
 * per passage; throws CorpusError naming the line where the two part ways.
 */
export function parseTranslation(source: string, file: string, language: string, answer: Answer, passages: readonly string[]): PassageTranslation[] {
  const { data, check, body, bodyLine } = readFrontMatter(source, file);
  const answerId = check.string(["answer"], data.answer, "answer");
  if (answerId !== answer.id) check.fail(["answer"], `answer ${quote(answerId)} does not match the file name: translations are named after the answer's id`);
  const declared = check.string(["language"], data.language, "language");
  if (declared !== language) check.fail(["language"], `language ${quote(declared)} does not match the folder translations/${language}/`);
  const translator = check.string(["translator"], data.translator, "translator");

  const blocks = readBlocks(body, file, bodyLine);
  passages.forEach((passage, i) => {
    const firstLine = passage.split("\n")[0]!.trim();
    const block = blocks[i];
    if (!block) {
      const lastLine = bodyLine + body.split("\n").length - 1;
      throw new CorpusError(file, lastLine, `passage ${i + 1} of ${answer.file} (starting ${quote(firstLine.slice(0, 20))}) has no translation: add a '>> ${firstLine.slice(0, 12)}' block for it`);
    }
    if (!firstLine.startsWith(block.cue) || block.cue.length < Math.min(MIN_CUE_CHARS, firstLine.length)) {
      throw new CorpusError(
        file,
        block.line,
        `cue ${quote(block.cue)} does not match passage ${i + 1} of ${answer.file}, which starts ${quote(firstLine.slice(0, 20))}: ` +
          `was a paragraph added or removed on one side? (a cue repeats at least the first ${MIN_CUE_CHARS} characters of its passage)`,
      );
    }
  });
  const extra = blocks[passages.length];
  if (extra) throw new CorpusError(file, extra.line, `one block more than the ${passages.length} passages of ${answer.file}: its cue ${quote(extra.cue)} matches nothing`);
  return blocks.map((block) => ({ language, text: block.text, translator }));
}

/** The cue-led blocks of a translation's body; `firstLine` is the line the body starts on. */
function readBlocks(body: string, file: string, firstLine: number): Block[] {
  const blocks: Array<Block & { lines: string[] }> = [];
  body.split("\n").forEach((line, i) => {
    const cue = CUE.exec(line.trimEnd());
    if (cue) {
      const text = (cue[1] ?? "").trim();
      if (!text) throw new CorpusError(file, firstLine + i, "empty cue: after '>> ' repeat the beginning of the original passage");
      blocks.push({ cue: text, line: firstLine + i, text: "", lines: [] });
    } else if (blocks.length > 0) blocks[blocks.length - 1]!.lines.push(line);
    else if (line.trim()) throw new CorpusError(file, firstLine + i, "text before the first cue: each passage's translation starts with a '>> ' line quoting the original");
  });
  if (blocks.length === 0) throw new CorpusError(file, firstLine, "no passages: each passage's translation starts with a '>> ' line quoting the original");
  return blocks.map(({ cue, line, lines }) => {
    const text = splitBlocks(lines.join("\n")).join("\n");
    if (!text) throw new CorpusError(file, line, `nothing under the cue ${quote(cue)}: write the translation of that passage below it`);
    return { cue, line, text };
  });
}
