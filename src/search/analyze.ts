import stem from "wink-porter2-stemmer";
import type { Glossary } from "../text/glossary.js";
import { isCjk, isWordChar, normalize } from "../text/normalize.js";
import { cutIntoPieces, MAX_PIECE_CHARS } from "../text/pieces.js";
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from "./stopwords.js";

/**
 * Turns mixed Chinese/English text into index terms:
 * - concepts: glossary synonym groups, matched on whole phrases across languages;
 * - words: English words as their Porter2 stems (deployed, deployment → deploy),
 *   and Chinese words as Intl.Segmenter cuts them;
 * - bigrams, the recall net: where the segmenter does not know a word it cuts
 *   it into single characters (标注 → 标|注), so runs of single characters are
 *   also indexed as character pairs, and so are the pairs inside long words.
 *   Indexing every pair of every text instead would double the index and its
 *   build time for little gain;
 * - directions: the directions whose concepts a passage names, so that a query
 *   naming one concept of a direction also finds passages that use its other
 *   concepts (ranked after those with the concept itself).
 * A passage's translation adds the concepts and words the original lacks.
 */
export type TermKind = "concept" | "direction" | "word" | "bigram";

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
  directions: string[];
}

/** Marks concept terms so they can never collide with a word of the text. */
const CONCEPT_MARK = "§";

export const conceptTerm = (groupId: string) => CONCEPT_MARK + groupId;
export const conceptOf = (term: string) => (term.startsWith(CONCEPT_MARK) ? term.slice(CONCEPT_MARK.length) : undefined);

/** Marks direction terms, like concepts. */
const DIRECTION_MARK = "¶";

export const directionTerm = (directionId: string) => DIRECTION_MARK + directionId;
export const directionOfTerm = (term: string) => (term.startsWith(DIRECTION_MARK) ? term.slice(DIRECTION_MARK.length) : undefined);

/** Stems already worked out (about 3 µs each): words repeat, so a corpus needs few. Bounded, so odd input cannot grow it for ever. */
const stems = new Map<string, string>();
const MAX_STEMS_KEPT = 100_000;

/** The index form of an English word: its Porter2 stem. */
export function stemOf(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = stem(word);
    if (stems.size < MAX_STEMS_KEPT) stems.set(word, stemmed);
  }
  return stemmed;
}

/** Queries longer than this are cut (and the Slack reply says so): no real question needs more, and it bounds query time. */
export const MAX_QUERY_CHARS = 500;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const wordSegmenter = new Intl.Segmenter("zh", { granularity: "word" });

type TermSink = (term: string, kind: "word" | "bigram", latin: boolean, partOf?: string) => void;

/**
 * The word and bigram terms of normalized text, the same way for documents and
 * queries so that both meet: stop words dropped; a run of single characters
 * as pairs, including the pairs it forms with the words on either side (the
 * segmenter may cut 太贵了 as 太|贵了 in one text and 太|贵|了 in another);
 * long words also as their pairs. A long text is segmented piece by piece,
 * cut where it pauses (see `cutIntoPieces`); a run of single characters
 * carries on across a cut.
 */
function wordsAndBigrams(normalized: string, emit: TermSink): void {
  let singles = "";
  let previousWord = "";
  const pairs = (text: string, partOf?: string) => {
    for (let i = 0; i + 1 < text.length; i++) emit(text.slice(i, i + 2), "bigram", false, partOf);
  };
  const endSingles = (nextWord = "") => {
    if (singles) pairs(previousWord.slice(-1) + singles + nextWord.slice(0, 1));
    singles = "";
  };
  // One segmenter call per text, or per piece of a long one: Intl.Segmenter is most of the cost of indexing,
  // each call has a fixed cost, and on long input its time grows much faster than the input.
  for (const { start, end } of cutIntoPieces(normalized, MAX_PIECE_CHARS)) {
    for (const { segment, isWordLike } of wordSegmenter.segment(normalized.slice(start, end))) {
      if (isWordLike && isCjk(segment) && !CHINESE_STOP_WORDS.has(segment)) {
        if (segment.length === 1) {
          singles += segment;
          continue;
        }
        endSingles(segment);
        emit(segment, "word", false);
        if (segment.length >= 3) pairs(segment, segment);
        previousWord = segment;
        continue;
      }
      endSingles();
      previousWord = "";
      if (isWordLike && isWordChar(segment) && segment.length >= 2 && !ENGLISH_STOP_WORDS.has(segment)) emit(segment, "word", true);
    }
  }
  endSingles();
}

export class Analyzer {
  constructor(private readonly glossary: Glossary) {}

  /**
   * Index terms of a passage, and of its translation when it has one.
   * Glossary phrases add a concept and keep their words, so a search for 模型
   * still finds 模型压缩. The translation adds what the original does not
   * say: a concept it names once, and the words the original lacks, so a
   * concept or an English term found in both texts is not counted twice. The
   * directions are those the original names (as the passage is tagged).
   */
  document(text: string, translation?: string): DocumentTerms {
    const own = this.textTerms(text);
    const directions = [...new Set(own.concepts.map((concept) => directionTerm(this.glossary.directionOf(conceptOf(concept)!)!)))];
    if (translation === undefined) return { ...own, directions };
    const other = this.textTerms(translation);
    const concepts = new Set(own.concepts);
    const terms = new Set(own.terms);
    return {
      concepts: [...own.concepts, ...new Set(other.concepts.filter((concept) => !concepts.has(concept)))],
      terms: [...own.terms, ...other.terms.filter((term) => !terms.has(term))],
      directions,
    };
  }

  private textTerms(text: string): { concepts: string[]; terms: string[] } {
    const normalized = normalize(text);
    const concepts = this.glossary.find(normalized).map((match) => conceptTerm(match.groupId));
    const terms: string[] = [];
    wordsAndBigrams(normalized, (term, _kind, latin) => terms.push(latin ? stemOf(term) : term));
    return { concepts, terms };
  }

  /**
   * Search terms of a query, keyword or question, in either language.
   * Glossary phrases are consumed whole: "catastrophic forgetting" becomes one
   * concept, not a concept plus two words, so a passage that says it in English
   * scores no higher than one that says 灾难性遗忘. Each concept also brings
   * its direction. Question and function words are dropped.
   */
  query(text: string): QueryTerm[] {
    let normalized = normalize(text.slice(0, MAX_QUERY_CHARS)).replace(CONTROL_CHARS, " ");
    const terms = new Map<string, QueryTerm>();
    const add = (term: QueryTerm) => {
      if (!terms.has(term.term)) terms.set(term.term, term);
    };
    const addConcept = (groupId: string) => {
      add({ term: conceptTerm(groupId), kind: "concept", latin: false });
      add({ term: directionTerm(this.glossary.directionOf(groupId)!), kind: "direction", latin: false });
    };
    for (const match of this.glossary.find(normalized)) {
      addConcept(match.groupId);
      normalized = normalized.slice(0, match.start) + " ".repeat(match.end - match.start) + normalized.slice(match.end);
    }
    wordsAndBigrams(normalized, (term, kind, latin, partOf) => {
      const approximateConcept = latin ? this.glossary.approximate(term) : undefined;
      if (approximateConcept) addConcept(approximateConcept);
      else add({ term: latin ? stemOf(term) : term, kind, latin, ...(partOf && { partOf }) });
    });
    return [...terms.values()];
  }
}
