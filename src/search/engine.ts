import MiniSearch, { type SearchOptions as MiniSearchOptions, type SearchResult } from "minisearch";
import type { Corpus, Direction, Passage } from "../corpus/types.js";
import { Analyzer, conceptOf, directionOfTerm, type QueryTerm, type TermKind } from "./analyze.js";
import { correspondingPlace, makeExcerpt, type Excerpt } from "./excerpt.js";
import { TextMatchesCache } from "./matches.js";
import { Glossary } from "../text/glossary.js";
import { analyzeInWorker, analyzePassages, CHAMPIONS_PER_KEY, indexKey, KeyCounter, termOfKey, type AnalyzedBatch, type KeyStatistics } from "./indexing.js";
import type { Hit, SearchOptions, Span } from "./types.js";

interface IndexedPassage {
  /** The passage's position in the corpus: cheaper to look up than its string id, and it breaks ties between equal scores. */
  id: number;
  concepts: string;
  terms: string;
  directions: string;
}

/**
 * A concept match is the strongest evidence, a whole word the next, a
 * character pair the weakest. A direction match alone (the passage names
 * another concept of the query concept's direction) is weaker still, and
 * such passages come after all the others.
 */
const FIELD_BOOST = { concepts: 2, terms: 1, directions: 0.5 };
const TERM_WEIGHT: Record<TermKind, number> = { concept: 2, direction: 0.5, word: 1, bigram: 0.5 };
/**
 * A passage that matches no concept of the query must match more than this
 * share of the query's weight, so that a query about something the corpus
 * never discusses ("如何提高数据库性能") gets nothing, not passages that share
 * one common word with it.
 */
const MIN_COVERAGE = 0.5;
/** A word in more than this share of all passages is too common to tell them apart. */
const COMMON_TERM_SHARE = 0.2;
/** Hits far below the best one are noise next to it. */
const MIN_SHARE_OF_BEST_SCORE = 0.2;
const DEFAULT_LIMIT = 5;
/** Below this many passages, starting a worker thread costs more than analysing in this one. */
const WORKER_MIN_PASSAGES = 2_000;

/** MiniSearch calls this for every passage a query key occurs in; 0 leaves the passage unscored for that key. */
type PassageFilter = NonNullable<MiniSearchOptions["boostDocument"]>;

/**
 * Bilingual search over the passages of the corpus. Build once at start-up
 * with `DirectionsSearch.build`; queries do no I/O.
 */
export class DirectionsSearch {
  private readonly glossary: Glossary;
  private readonly analyzer: Analyzer;
  private readonly index: MiniSearch<IndexedPassage>;
  private readonly passagesByDirection = new Map<string, Passage[]>();
  /** In how many passages each index key occurs. */
  private documentFrequency = new Map<string, number>();
  /** The champion passages (positions) of every key too common to score in full (see CHAMPIONS_PER_KEY in indexing.ts). */
  private readonly champions = new Map<string, Set<number>>();
  /** Where the glossary's groups and the English stems are in the texts shown, worked out once per text. */
  private readonly matches: TextMatchesCache;

  /**
   * Analyses and indexes a corpus. A large corpus is analysed in a worker
   * thread while this thread indexes the passages already analysed, so that
   * the two share start-up time on a machine with two cores or more.
   */
  static async build(corpus: Corpus): Promise<DirectionsSearch> {
    const search = new DirectionsSearch(corpus);
    const passages = corpus.passages.map(({ text, translation }) => (translation ? { text, translation: translation.text } : { text }));
    const counter = new KeyCounter();
    const addBatch = (batch: AnalyzedBatch) => search.addBatch(batch, counter);
    if (passages.length >= WORKER_MIN_PASSAGES) await analyzeInWorker({ passages, directions: corpus.directions }, addBatch);
    else analyzePassages(passages, corpus.directions, addBatch);
    search.useStatistics(counter.statistics());
    return search;
  }

  private constructor(readonly corpus: Corpus) {
    this.glossary = new Glossary(corpus.directions);
    this.analyzer = new Analyzer(this.glossary);
    this.matches = new TextMatchesCache(this.glossary);
    // Documents arrive already analysed (keys joined by spaces), so MiniSearch only splits them.
    this.index = new MiniSearch<IndexedPassage>({
      fields: ["concepts", "terms", "directions"],
      tokenize: (text) => text.split(" "),
      processTerm: (term) => term || null,
      searchOptions: { boost: FIELD_BOOST },
    });
    for (const direction of corpus.directions) this.passagesByDirection.set(direction.id, []);
    for (const passage of corpus.passages) {
      for (const id of passage.directions) this.passagesByDirection.get(id)?.push(passage);
    }
  }

  private addBatch(batch: AnalyzedBatch, counter: KeyCounter): void {
    for (const analyzed of batch) this.index.add({ id: analyzed.passage, ...counter.keys(analyzed) });
  }

  private useStatistics({ documentFrequency, champions }: KeyStatistics): void {
    this.documentFrequency = documentFrequency;
    for (const [key, passages] of champions) this.champions.set(key, new Set(passages));
  }

  /**
   * The passages that answer a keyword or a question, in English or Chinese,
   * best first, the best passage of every answer before a second one of the
   * same answer. Then, when those are fewer than asked for, the passages that
   * name another concept of a direction the query names (tier 1): they are
   * looked for only then, so a query with enough exact answers does not pay
   * for a direction's long posting list. Nothing relevant → [].
   */
  search(query: string, options: SearchOptions = {}): Hit[] {
    return this.page(query, options).hits;
  }

  /** `search`, and whether more hits follow the page (for a "Show more" button), without the excerpts of the one that tells. */
  page(query: string, { limit = DEFAULT_LIMIT, offset = 0 }: SearchOptions = {}): { hits: Hit[]; more: boolean } {
    const queryTerms = this.withoutCommonTerms(this.analyzer.query(query));
    const wanted = offset + limit + 1;
    const exact = this.rank(queryTerms.filter((term) => term.kind !== "direction"), wanted, new Set());
    const directionTerms = queryTerms.filter((term) => term.kind === "direction");
    const found = exact.length < wanted && directionTerms.length > 0 ? [...exact, ...this.rank(directionTerms, wanted - exact.length, new Set(exact.map(({ passage }) => passage.id)))] : exact;
    return { hits: found.slice(offset, offset + limit).map(({ result, passage }) => this.hit(passage, result)), more: found.length > offset + limit };
  }

  /**
   * The relevant passages for `queryTerms` but those in `excluded`, best first,
   * the best passage of every answer before a second one of the same answer,
   * at least the first `wanted` of them (more may come).
   */
  private rank(queryTerms: QueryTerm[], wanted: number, excluded: ReadonlySet<string>): Array<{ result: SearchResult; passage: Passage }> {
    if (queryTerms.length === 0) return [];
    const byKey = new Map(queryTerms.map((term) => [indexKey(term.term), term]));
    const isLatin = (key: string) => byKey.get(key)?.latin === true;
    const queryKeys = [...byKey.keys()];
    const fuzziness = (key: string) => (isLatin(key) && key.length >= 5 ? 0.2 : false);
    const prefix = (key: string) => isLatin(key) && key.length >= 4;
    const options: MiniSearchOptions = { fuzzy: fuzziness, prefix, boostTerm: (key) => TERM_WEIGHT[byKey.get(key)!.kind] };
    const mayMatchOtherKeys = (key: string) => prefix(key) || fuzziness(key) !== false;
    const results = this.index
      .search(queryKeys.join(" "), { ...options, boostDocument: this.passagesToScore(queryKeys, options, mayMatchOtherKeys) })
      .sort((a, b) => b.score - a.score || a.id - b.id);
    // Whether a result is relevant depends only on which query terms it matched: decide once per combination.
    const relevance = new Map<string, boolean>();
    const isRelevant = (keys: string[]) => {
      const signature = keys.join(" ");
      let relevant = relevance.get(signature);
      if (relevant === undefined) {
        const matched = new Set(keys.map((key) => byKey.get(key)!.term));
        relevant = queryTerms.some((term) => (term.kind === "concept" || term.kind === "direction") && matched.has(term.term)) || coverage(queryTerms, matched) > MIN_COVERAGE;
        relevance.set(signature, relevant);
      }
      return relevant;
    };
    // Results come best first; bucket them by how many better passages of the same answer came before.
    let bestScore: number | undefined;
    const answerRanks = new Map<string, number>();
    const rounds: Array<Array<{ result: SearchResult; passage: Passage }>> = [[]];
    for (const result of results) {
      if (!isRelevant(result.queryTerms)) continue;
      const passage = this.corpus.passages[result.id]!;
      if (excluded.has(passage.id)) continue;
      bestScore ??= result.score;
      if (result.score < MIN_SHARE_OF_BEST_SCORE * bestScore) break;
      const rank = answerRanks.get(passage.answerId) ?? 0;
      answerRanks.set(passage.answerId, rank + 1);
      (rounds[rank] ??= []).push({ result, passage });
      if (rounds[0]!.length >= wanted) break; // nothing later can come before these
    }
    return rounds.flat();
  }

  /**
   * Which passages a query scores. Every passage when no key it can match has
   * a champion list. Otherwise the champions of its common keys, every passage
   * its rarer keys find, and the passages that match common keys more than
   * once (different keys, or prefix and typo variants of one), most matches
   * first, up to CHAMPIONS_PER_KEY; each is scored on all the keys it has. A
   * passage that matches one common key once and is no champion of it is left
   * out: hundreds that say the same rank above it.
   */
  private passagesToScore(keys: readonly string[], options: MiniSearchOptions, mayMatchOtherKeys: (key: string) => boolean): PassageFilter | undefined {
    if (this.champions.size === 0) return undefined;
    const common = keys.filter((key) => this.champions.has(key));
    // English words may match common keys by prefix or typo, which only the search itself reveals.
    const expandable = keys.some(mayMatchOtherKeys);
    if (common.length === 0 && !expandable) return undefined;
    const candidates = new Set<number>();
    for (const key of common) for (const id of this.champions.get(key)!) candidates.add(id);
    const oneCommonKeyAlone = common.length === 1 && keys.length === 1 && !expandable; // then its champions are all there is
    if (!oneCommonKeyAlone) for (const id of this.passagesFoundBeyondChampions(keys, options)) candidates.add(id);
    return (id, key) => (!this.champions.has(key) || candidates.has(id) || this.champions.get(key)!.has(id) ? 1 : 0);
  }

  /** The passages a query's rare keys find, and up to CHAMPIONS_PER_KEY passages with the most matches of its common keys, shortest first. */
  private passagesFoundBeyondChampions(keys: readonly string[], options: MiniSearchOptions): number[] {
    const commonKeysIn = new Uint16Array(this.corpus.passages.length);
    const withSeveral: number[] = [];
    const onlyRareKeys: PassageFilter = (id, key) => {
      if (!this.champions.has(key)) return 1;
      if (++commonKeysIn[id]! === 2) withSeveral.push(id);
      return 0;
    };
    const found = this.index.search(keys.join(" "), { ...options, boostDocument: onlyRareKeys }).map((result) => result.id as number);
    const length = (id: number) => this.corpus.passages[id]!.text.length;
    withSeveral.sort((a, b) => commonKeysIn[b]! - commonKeysIn[a]! || length(a) - length(b));
    return [...found, ...withSeveral.slice(0, CHAMPIONS_PER_KEY)];
  }

  /**
   * A query without the words most passages contain (深度学习 in a corpus about
   * deep learning): they say nothing about which passage is meant, and their
   * long posting lists are what makes a query slow on a large corpus. A query
   * made only of such words keeps them.
   */
  private withoutCommonTerms(terms: QueryTerm[]): QueryTerm[] {
    const limit = COMMON_TERM_SHARE * this.corpus.passages.length;
    const common = (term: QueryTerm) => (term.kind === "word" || term.kind === "bigram") && (this.documentFrequency.get(indexKey(term.term)) ?? 0) > limit;
    const specific = terms.filter((term) => !common(term));
    return specific.length > 0 ? specific : terms;
  }

  /** The best passages of one direction, one per author, most on-topic first, with the direction's terms highlighted. */
  directionExcerpts(directionId: string, limit = 3): Hit[] {
    const direction = this.corpus.directions.find((candidate) => candidate.id === directionId);
    if (!direction) return [];
    const groups = new Set(direction.synonyms.map((group) => group.id));
    const scored = (this.passagesByDirection.get(directionId) ?? [])
      .map((passage) => ({ passage, spans: this.matches.get(passage.text).conceptSpans(groups) }))
      .sort((a, b) => b.spans.length - a.spans.length);
    const authors = new Set<string>();
    const hits: Hit[] = [];
    for (const { passage, spans } of scored) {
      if (hits.length >= limit || authors.has(passage.author)) continue;
      authors.add(passage.author);
      hits.push(this.toHit(passage, spans.length, (text) => this.matches.get(text).conceptSpans(groups)));
    }
    return hits;
  }

  /** How many passages discuss a direction. */
  passageCount(directionId: string): number {
    return this.passagesByDirection.get(directionId)?.length ?? 0;
  }

  /** The directions the most passages discuss, to suggest when nothing is found. */
  mostDiscussed(count: number): Direction[] {
    return [...this.corpus.directions]
      .sort((a, b) => this.passageCount(b.id) - this.passageCount(a.id) || a.id.localeCompare(b.id))
      .slice(0, count);
  }

  private hit(passage: Passage, result: SearchResult): Hit {
    const matchedTerms = Object.keys(result.match).map(termOfKey);
    const groups = new Set(matchedTerms.map(conceptOf).filter((group) => group !== undefined));
    // Found through its direction only: show the concepts of that direction it names.
    if (groups.size === 0) {
      for (const id of matchedTerms.map(directionOfTerm)) {
        for (const group of this.corpus.directions.find((direction) => direction.id === id)?.synonyms ?? []) groups.add(group.id);
      }
    }
    const words = matchedTerms.filter((term) => !conceptOf(term) && !directionOfTerm(term));
    return this.toHit(passage, result.score, (text) => {
      const matches = this.matches.get(text);
      return [...matches.conceptSpans(groups), ...matches.wordSpans(words)];
    });
  }

  /** A hit on a passage; `spansIn` gives the matches in a text (the passage's, or its translation's). */
  private toHit(passage: Passage, score: number, spansIn: (text: string) => Span[]): Hit {
    const { translation } = passage;
    const spans = mergeSpans(spansIn(passage.text));
    const excerpt = makeExcerpt(passage.text, spans);
    let translated: Excerpt | undefined;
    if (translation) {
      const translatedSpans = mergeSpans(spansIn(translation.text));
      // Nothing matched in the translation: cut it where the original's matches are, in proportion, and bold nothing.
      translated =
        translatedSpans.length > 0
          ? makeExcerpt(translation.text, translatedSpans)
          : { ...makeExcerpt(translation.text, correspondingPlace(spans, passage.text.length, translation.text.length)), highlights: [] };
    }
    return {
      passageId: passage.id,
      answerId: passage.answerId,
      author: passage.author,
      url: passage.url,
      excerpt: excerpt.text,
      highlights: excerpt.highlights,
      ...(translation && translated ? { translation: { language: translation.language, excerpt: translated.text, highlights: translated.highlights } } : {}),
      directions: passage.directions,
      score: Math.round(score * 1000) / 1000,
    };
  }
}

/**
 * The share of a query's weight a passage matches. A long Chinese word counts
 * as matched when the word itself or all of its character pairs are: 数据库
 * is not matched by a passage that only says 数据.
 */
function coverage(terms: readonly QueryTerm[], matched: ReadonlySet<string>): number {
  let total = 0;
  let covered = 0;
  for (const term of terms) {
    if (term.partOf || term.kind === "direction") continue; // a direction is a concept's shadow, not weight of its own
    const weight = TERM_WEIGHT[term.kind];
    total += weight;
    const parts = terms.filter((part) => part.partOf === term.term);
    if (matched.has(term.term) || (parts.length > 0 && parts.every((part) => matched.has(part.term)))) covered += weight;
  }
  return total === 0 ? 0 : covered / total;
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
