import MiniSearch, { type SearchResult } from "minisearch";
import type { Corpus, Passage } from "../corpus/types.js";
import { Analyzer, conceptOf, type QueryTerm, type TermKind } from "./analyze.js";
import { makeExcerpt } from "./excerpt.js";
import { Glossary } from "./glossary.js";
import { isWordChar, normalizeWithOffsets } from "./normalize.js";
import type { Hit, SearchOptions, Span } from "./types.js";

interface IndexedPassage {
  id: string;
  concepts: string;
  words: string;
  bigrams: string;
}

/** A concept match is the strongest evidence, a whole word the next, a character pair the weakest. */
const FIELD_BOOST = { concepts: 3, words: 2, bigrams: 1 };
const TERM_WEIGHT: Record<TermKind, number> = { concept: 2, word: 1, bigram: 0.5 };
/**
 * A passage that matches no concept of the query must match at least this
 * share of the query's weight, so that a query about something the corpus
 * never discusses ("如何提高数据库性能") gets nothing, not passages that share
 * one common word with it.
 */
const MIN_COVERAGE = 0.5;
/** Hits far below the best one are noise next to it. */
const MIN_SHARE_OF_BEST_SCORE = 0.2;
const DEFAULT_LIMIT = 5;

/**
 * Bilingual search over the passages of the corpus. Build once at start-up
 * (all indexing happens in the constructor); queries do no I/O.
 */
export class DirectionsSearch {
  private readonly glossary: Glossary;
  private readonly analyzer: Analyzer;
  private readonly index: MiniSearch<IndexedPassage>;
  private readonly passages = new Map<string, Passage>();
  private readonly passagesByDirection = new Map<string, Passage[]>();

  constructor(readonly corpus: Corpus) {
    this.glossary = new Glossary(corpus.directions);
    this.analyzer = new Analyzer(this.glossary);
    // Documents arrive already analyzed (terms joined by spaces), so MiniSearch only splits them.
    this.index = new MiniSearch<IndexedPassage>({
      fields: ["concepts", "words", "bigrams"],
      tokenize: (text) => text.split(" "),
      processTerm: (term) => term || null,
      searchOptions: { boost: FIELD_BOOST },
    });
    this.index.addAll(
      corpus.passages.map((passage) => {
        const terms = this.analyzer.document(passage.text);
        return { id: passage.id, concepts: terms.concepts.join(" "), words: terms.words.join(" "), bigrams: terms.bigrams.join(" ") };
      }),
    );
    for (const direction of corpus.directions) this.passagesByDirection.set(direction.id, []);
    for (const passage of corpus.passages) {
      this.passages.set(passage.id, passage);
      for (const id of passage.directions) this.passagesByDirection.get(id)?.push(passage);
    }
  }

  /**
   * The passages that answer a keyword or a question, in English or Chinese,
   * best first, the best passage of every answer before a second one of the
   * same answer. Nothing relevant → [].
   */
  search(query: string, { limit = DEFAULT_LIMIT, offset = 0 }: SearchOptions = {}): Hit[] {
    const terms = new Map(this.analyzer.query(query).map((term) => [term.term, term]));
    if (terms.size === 0) return [];
    const isLatin = (term: string) => terms.get(term)?.latin === true;
    const results = this.index.search([...terms.keys()].join(" "), {
      fuzzy: (term) => (isLatin(term) && term.length >= 5 ? 0.2 : false),
      prefix: (term) => isLatin(term) && term.length >= 4,
    });
    const totalWeight = weightOf([...terms.values()]);
    const relevant = results.filter((result) => {
      const matched = result.queryTerms.map((term) => terms.get(term)!);
      return matched.some((term) => term.kind === "concept") || weightOf(matched) >= MIN_COVERAGE * totalWeight;
    });
    const bestScore = relevant[0]?.score ?? 0;
    const answerRanks = new Map<string, number>();
    const ranked = relevant
      .filter((result) => result.score >= MIN_SHARE_OF_BEST_SCORE * bestScore)
      .map((result) => {
        const passage = this.passages.get(result.id as string)!;
        const rank = answerRanks.get(passage.answerId) ?? 0;
        answerRanks.set(passage.answerId, rank + 1);
        return { result, passage, rank };
      })
      .sort((a, b) => a.rank - b.rank); // stable: by score within each rank
    return ranked.slice(offset, offset + limit).map(({ result, passage }) => this.hit(passage, result));
  }

  /** The best passages of one direction, one per author, most on-topic first, with the direction's terms highlighted. */
  directionExcerpts(directionId: string, limit = 3): Hit[] {
    const direction = this.corpus.directions.find((candidate) => candidate.id === directionId);
    if (!direction) return [];
    const groups = new Set(direction.synonyms.map((group) => group.id));
    const scored = (this.passagesByDirection.get(directionId) ?? [])
      .map((passage) => ({ passage, spans: this.conceptSpans(passage.text, groups) }))
      .sort((a, b) => b.spans.length - a.spans.length);
    const authors = new Set<string>();
    const hits: Hit[] = [];
    for (const { passage, spans } of scored) {
      if (hits.length >= limit || authors.has(passage.author)) continue;
      authors.add(passage.author);
      hits.push(this.toHit(passage, spans, spans.length));
    }
    return hits;
  }

  /** How many passages discuss a direction. */
  passageCount(directionId: string): number {
    return this.passagesByDirection.get(directionId)?.length ?? 0;
  }

  private hit(passage: Passage, result: SearchResult): Hit {
    const matchedTerms = Object.keys(result.match);
    const groups = new Set(matchedTerms.map(conceptOf).filter((group) => group !== undefined));
    const spans = [...this.conceptSpans(passage.text, groups), ...wordSpans(passage.text, matchedTerms.filter((term) => !conceptOf(term)))];
    return this.toHit(passage, spans, result.score);
  }

  private toHit(passage: Passage, spans: Span[], score: number): Hit {
    const excerpt = makeExcerpt(passage.text, mergeSpans(spans));
    return {
      passageId: passage.id,
      answerId: passage.answerId,
      author: passage.author,
      url: passage.url,
      excerpt: excerpt.text,
      highlights: excerpt.highlights,
      directions: passage.directions,
      score: Math.round(score * 1000) / 1000,
    };
  }

  /** Where the synonyms of the given groups occur in a passage, in its original text. */
  private conceptSpans(text: string, groups: ReadonlySet<string>): Span[] {
    if (groups.size === 0) return [];
    const normalized = normalizeWithOffsets(text);
    return this.glossary
      .find(normalized.text)
      .filter((match) => groups.has(match.groupId))
      .map((match) => ({ start: normalized.offsets[match.start]!, end: normalized.offsets[match.end]! }));
  }
}

function weightOf(terms: readonly QueryTerm[]): number {
  return terms.reduce((sum, term) => sum + TERM_WEIGHT[term.kind], 0);
}

/** Occurrences of matched index terms in a passage; English words only as whole words. */
function wordSpans(text: string, terms: readonly string[]): Span[] {
  if (terms.length === 0) return [];
  const normalized = normalizeWithOffsets(text);
  const spans: Span[] = [];
  for (const term of terms) {
    const latin = isWordChar(term[0]);
    for (let i = normalized.text.indexOf(term); i >= 0; i = normalized.text.indexOf(term, i + term.length)) {
      const end = i + term.length;
      if (latin && (isWordChar(normalized.text[i - 1]) || isWordChar(normalized.text[end]))) continue;
      spans.push({ start: normalized.offsets[i]!, end: normalized.offsets[end]! });
    }
  }
  return spans;
}

/** Sorted, overlapping or touching spans joined: highlights never nest. */
function mergeSpans(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
