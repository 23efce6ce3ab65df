import type { Glossary } from "./glossary.js";
import { isCjk, isWordChar, normalize } from "./normalize.js";
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from "./stopwords.js";

/**
 * Turns mixed Chinese/English text into index terms:
 * - concepts: glossary synonym groups, matched on whole phrases across languages;
 * - words: English words, and Chinese words as Intl.Segmenter cuts them;
 * - bigrams, the recall net: where the segmenter does not know a word it cuts
 *   it into single characters (标注 → 标|注), so runs of single characters are
 *   also indexed as character pairs, and so are the pairs inside long words.
 *   Indexing every pair of every text instead would double the index and its
 *   build time for little gain.
 */
export type TermKind = "concept" | "word" | "bigram";

export interface QueryTerm {
  term: string;
  kind: TermKind;
  /** English (Latin-script) words may be matched with typos and as prefixes; Chinese never. */
  latin: boolean;
  /** For the character pairs of a long Chinese word: that word. Together they stand for it. */
  partOf?: string;
}

export interface DocumentTerms {
  concepts: string[];
  /** Words and recall-net bigrams, which share one index field so that a query's 标注 meets a document's 标|注. */
  terms: string[];
}

/** Marks concept terms so they can never collide with a word of the text. */
const CONCEPT_MARK = "§";

export const conceptTerm = (groupId: string) => CONCEPT_MARK + groupId;
export const conceptOf = (term: string) => (term.startsWith(CONCEPT_MARK) ? term.slice(CONCEPT_MARK.length) : undefined);

/** Queries longer than this are cut: no real question needs more, and it bounds query time. */
const MAX_QUERY_CHARS = 500;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const wordSegmenter = new Intl.Segmenter("zh", { granularity: "word" });

/** Adjacent character pairs: 标注太贵 → 标注, 注太, 太贵. */
function bigramsOf(text: string): string[] {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) pairs.push(text.slice(i, i + 2));
  return pairs;
}

type Token = { kind: "word" | "bigram"; term: string; latin: boolean; partOf?: string };

/**
 * The word and bigram terms of normalized text, the same way for documents and
 * queries so that both meet: stop words dropped; a run of single characters
 * as pairs, including the pairs it forms with the words on either side (the
 * segmenter may cut 太贵了 as 太|贵了 in one text and 太|贵|了 in another);
 * long words also as their pairs.
 */
function* wordsAndBigrams(normalized: string): Generator<Token> {
  let singles = "";
  let previousWord = "";
  function* endSingles(nextWord = ""): Generator<Token> {
    if (singles) {
      for (const pair of bigramsOf(previousWord.slice(-1) + singles + nextWord.slice(0, 1))) yield { kind: "bigram", term: pair, latin: false };
    }
    singles = "";
  }
  for (const { segment, isWordLike } of wordSegmenter.segment(normalized)) {
    if (isWordLike && isCjk(segment[0]!) && !CHINESE_STOP_WORDS.has(segment)) {
      if (segment.length === 1) {
        singles += segment;
        continue;
      }
      yield* endSingles(segment);
      yield { kind: "word", term: segment, latin: false };
      if (segment.length >= 3) for (const pair of bigramsOf(segment)) yield { kind: "bigram", term: pair, latin: false, partOf: segment };
      previousWord = segment;
      continue;
    }
    yield* endSingles();
    previousWord = "";
    if (isWordLike && isWordChar(segment[0]) && segment.length >= 2 && !ENGLISH_STOP_WORDS.has(segment)) yield { kind: "word", term: segment, latin: true };
  }
  yield* endSingles();
}

export class Analyzer {
  constructor(private readonly glossary: Glossary) {}

  /** Index terms of a passage. Glossary phrases add a concept and keep their words, so a search for 模型 still finds 模型压缩. */
  document(text: string): DocumentTerms {
    const normalized = normalize(text);
    const concepts = this.glossary.find(normalized).map((match) => conceptTerm(match.groupId));
    const terms: string[] = [];
    for (const token of wordsAndBigrams(normalized)) terms.push(token.term);
    return { concepts, terms };
  }

  /**
   * Search terms of a query, keyword or question, in either language.
   * Glossary phrases are consumed whole: "catastrophic forgetting" becomes one
   * concept, not a concept plus two words, so a passage that says it in English
   * scores no higher than one that says 灾难性遗忘. Question and function words
   * are dropped.
   */
  query(text: string): QueryTerm[] {
    let normalized = normalize(text.slice(0, MAX_QUERY_CHARS)).replace(CONTROL_CHARS, " ");
    const terms = new Map<string, QueryTerm>();
    const add = (term: QueryTerm) => {
      if (!terms.has(term.term)) terms.set(term.term, term);
    };
    for (const match of this.glossary.find(normalized)) {
      add({ term: conceptTerm(match.groupId), kind: "concept", latin: false });
      normalized = normalized.slice(0, match.start) + " ".repeat(match.end - match.start) + normalized.slice(match.end);
    }
    for (const token of wordsAndBigrams(normalized)) {
      const approximateConcept = token.latin ? this.glossary.approximate(token.term) : undefined;
      add(approximateConcept ? { term: conceptTerm(approximateConcept), kind: "concept", latin: false } : token);
    }
    return [...terms.values()];
  }
}
