/**
 * What highlighting needs of a passage's text (or its translation), worked
 * out once: where each synonym group occurs and which English word has which
 * stem, in offsets of the text as written. Finding them means normalizing the
 * text and walking the glossary over it, which for an English translation
 * (curly quotes, dashes: no fast path) costs more than the search itself; a
 * page of results and its Show more meet the same passages again.
 *
 * ```ts
 * const cache = new TextMatchesCache(glossary);
 * const spans = cache.get(passage.text).conceptSpans(new Set(["distillation"]));
 * ```
 */
import type { Glossary } from "../text/glossary.js";
import { isWordChar, normalizeWithOffsets, type NormalizedText } from "../text/normalize.js";
import { RecentCache } from "../text/recent-cache.js";
import { stemOf } from "./analyze.js";
import type { Span } from "./types.js";

/** A run of the characters English index terms are made of (see isWordChar). */
const LATIN_WORD = /[a-z0-9]+/g;

/** Texts whose matches are kept; beyond that the least recently used are forgotten, so a large corpus does not grow the heap. */
export const TEXT_MATCHES_CACHED = 2_000;

export class TextMatches {
  private readonly normalized: NormalizedText;
  private concepts: Array<Span & { groupId: string }> | undefined;
  private words: Array<Span & { stem: string }> | undefined;

  constructor(
    text: string,
    private readonly glossary: Glossary,
  ) {
    this.normalized = normalizeWithOffsets(text);
  }

  /** Where the synonyms of the given groups occur. */
  conceptSpans(groups: ReadonlySet<string>): Span[] {
    if (groups.size === 0) return [];
    this.concepts ??= this.glossary.find(this.normalized.text).map((match) => ({ groupId: match.groupId, ...this.original(match.start, match.end) }));
    return this.concepts.filter((match) => groups.has(match.groupId)).map(({ start, end }) => ({ start, end }));
  }

  /** Occurrences of matched index terms: Chinese terms where they occur, English stems as the whole words that have them. */
  wordSpans(terms: readonly string[]): Span[] {
    const spans: Span[] = [];
    const stems = new Set<string>();
    const text = this.normalized.text;
    for (const term of terms) {
      if (isWordChar(term)) stems.add(term);
      else for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) spans.push(this.original(i, i + term.length));
    }
    if (stems.size > 0) {
      this.words ??= [...text.matchAll(LATIN_WORD)].map((word) => ({ stem: stemOf(word[0]), ...this.original(word.index, word.index + word[0].length) }));
      for (const word of this.words) if (stems.has(word.stem)) spans.push({ start: word.start, end: word.end });
    }
    return spans;
  }

  private original(start: number, end: number): Span {
    return { start: this.normalized.originalIndex(start), end: this.normalized.originalIndex(end) };
  }
}

/** `TextMatches` by text, the most recently used `capacity` of them. */
export class TextMatchesCache {
  private readonly entries: RecentCache<string, TextMatches>;

  constructor(
    private readonly glossary: Glossary,
    capacity = TEXT_MATCHES_CACHED,
  ) {
    this.entries = new RecentCache(capacity);
  }

  get(text: string): TextMatches {
    return this.entries.get(text, () => new TextMatches(text, this.glossary));
  }
}
