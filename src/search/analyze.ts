import type { Glossary } from "./glossary.js";
import { isCjk, isWordChar, normalize } from "./normalize.js";
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from "./stopwords.js";

/**
 * Turns mixed Chinese/English text into index terms of three kinds:
 * - concepts: glossary synonym groups (cross-language, matched on whole phrases),
 * - words: English words and Chinese words as Intl.Segmenter cuts them (precision),
 * - bigrams: overlapping pairs of Chinese characters (recall, where the
 *   segmenter cuts 可解释性 into 可/解释/性 in one text and otherwise in another).
 */
export type TermKind = "concept" | "word" | "bigram";

export interface QueryTerm {
  term: string;
  kind: TermKind;
  /** English (Latin-script) words may be matched with typos and as prefixes; Chinese never. */
  latin: boolean;
}

export interface DocumentTerms {
  concepts: string[];
  words: string[];
  bigrams: string[];
}

/** Marks concept terms so they can never collide with a word of the text. */
const CONCEPT_MARK = "§";

export const conceptTerm = (groupId: string) => CONCEPT_MARK + groupId;
export const conceptOf = (term: string) => (term.startsWith(CONCEPT_MARK) ? term.slice(CONCEPT_MARK.length) : undefined);

/** Queries longer than this are cut: no real question needs more, and it bounds query time. */
const MAX_QUERY_CHARS = 500;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const wordSegmenter = new Intl.Segmenter("zh", { granularity: "word" });

const isLatinWord = (segment: string) => isWordChar(segment[0]);

/** Adjacent character pairs of a Chinese run: 数据标注 → 数据, 据标, 标注. */
function bigramsOf(run: string, into: string[]): void {
  const chars = [...run];
  for (let i = 0; i + 1 < chars.length; i++) into.push(chars[i]! + chars[i + 1]!);
}

export class Analyzer {
  constructor(private readonly glossary: Glossary) {}

  /** Index terms of a passage. Glossary phrases add a concept and keep their words, so a search for 模型 still finds 模型压缩. */
  document(text: string): DocumentTerms {
    const normalized = normalize(text);
    const concepts = this.glossary.find(normalized).map((match) => conceptTerm(match.groupId));
    const words: string[] = [];
    const bigrams: string[] = [];
    let run = "";
    for (const { segment, isWordLike } of wordSegmenter.segment(normalized)) {
      if (isWordLike && isCjk(segment[0]!)) {
        run += segment;
        if (segment.length >= 2 && !CHINESE_STOP_WORDS.has(segment)) words.push(segment);
        continue;
      }
      bigramsOf(run, bigrams);
      run = "";
      if (isWordLike && isLatinWord(segment) && segment.length >= 2 && !ENGLISH_STOP_WORDS.has(segment)) words.push(segment);
    }
    bigramsOf(run, bigrams);
    return { concepts, words, bigrams };
  }

  /**
   * Search terms of a query, keyword or question, in either language.
   * Glossary phrases are consumed whole: "catastrophic forgetting" becomes one
   * concept, not a concept plus two words, so a passage that says it in English
   * scores no higher than one that says 灾难性遗忘. Question and function words
   * are dropped; Chinese bigrams never cross them.
   */
  query(text: string): QueryTerm[] {
    let normalized = normalize(text.slice(0, MAX_QUERY_CHARS)).replace(CONTROL_CHARS, " ");
    const terms = new Map<string, QueryTerm>();
    const add = (term: string, kind: TermKind, latin = false) => {
      if (!terms.has(term)) terms.set(term, { term, kind, latin });
    };
    for (const match of this.glossary.find(normalized)) {
      add(conceptTerm(match.groupId), "concept");
      normalized = normalized.slice(0, match.start) + " ".repeat(match.end - match.start) + normalized.slice(match.end);
    }
    let run = "";
    const endRun = () => {
      const bigrams: string[] = [];
      bigramsOf(run, bigrams);
      for (const bigram of bigrams) add(bigram, "bigram");
      run = "";
    };
    for (const { segment, isWordLike } of wordSegmenter.segment(normalized)) {
      if (isWordLike && isCjk(segment[0]!) && !CHINESE_STOP_WORDS.has(segment)) {
        run += segment;
        if (segment.length >= 2) add(segment, "word");
        continue;
      }
      endRun();
      if (!isWordLike || !isLatinWord(segment) || ENGLISH_STOP_WORDS.has(segment)) continue;
      const approximateConcept = this.glossary.approximate(segment);
      if (approximateConcept) add(conceptTerm(approximateConcept), "concept");
      else if (segment.length >= 2) add(segment, "word", true);
    }
    endRun();
    return [...terms.values()];
  }
}
