import { cutIntoPieces, MAX_PIECE_CHARS } from "../text/pieces.js";
import { RecentCache } from "../text/recent-cache.js";
import type { Span } from "./types.js";

export interface Excerpt {
  text: string;
  highlights: Span[];
}

export const MAX_EXCERPT_CHARS = 400;
const ELLIPSIS = "…";

const sentenceSegmenter = new Intl.Segmenter("zh", { granularity: "sentence" });
/** Where a clause ends inside a long sentence: after a comma, semicolon, colon or enumeration comma. */
const CLAUSE_END = /[,，;；:：、]\s*/g;

/** Sentences segmented already: the texts excerpted are the corpus's (and their excerpts), and the segmenter is an excerpt's main cost. */
const sentenceCache = new RecentCache<string, Span[]>(2_000);

/** The sentences of `text`, segmented piece by piece when it is long (see MAX_PIECE_CHARS); remembered for the most recent texts. */
function sentencesOf(text: string): Span[] {
  return sentenceCache.get(text, () => {
    const sentences: Span[] = [];
    for (const piece of cutIntoPieces(text, MAX_PIECE_CHARS)) {
      for (const { index, segment } of sentenceSegmenter.segment(text.slice(piece.start, piece.end))) {
        sentences.push({ start: piece.start + index, end: piece.start + index + segment.length });
      }
    }
    return sentences;
  });
}

/**
 * Pieces of `text` no longer than `max`: sentences (or, with `clauses`, their
 * clauses), long sentences cut at clauses, a clause with no punctuation cut
 * between code points.
 */
function units(text: string, max: number, clauses: boolean): Span[] {
  const result: Span[] = [];
  const push = (start: number, end: number) => {
    while (end - start > max) {
      let cut = start + max;
      if (/[\udc00-\udfff]/.test(text[cut] ?? "")) cut--; // never split a surrogate pair
      result.push({ start, end: cut });
      start = cut;
    }
    if (end > start) result.push({ start, end });
  };
  for (const { start: index, end } of sentencesOf(text)) {
    if (end - index <= max && !clauses) {
      push(index, end);
      continue;
    }
    let start = index;
    for (const clause of text.slice(index, end).matchAll(CLAUSE_END)) {
      const clauseEnd = index + clause.index + clause[0].length;
      if (clauseEnd - start > 0) push(start, clauseEnd);
      start = clauseEnd;
    }
    push(start, end);
  }
  return result;
}

/**
 * A one-character span where, in a text of `length`, the middle of `spans`
 * (matches in a text of `fromLength`) would be in proportion: where to cut a
 * translation whose own text matched nothing (遥感 matched the Chinese, the
 * English says "remote sensing"). Empty when there are no spans.
 */
export function correspondingPlace(spans: readonly Span[], fromLength: number, length: number): Span[] {
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (!first || !last || fromLength === 0 || length === 0) return [];
  const at = Math.min(length - 1, Math.floor((((first.start + last.end) / 2) * length) / fromLength));
  return [{ start: at, end: at + 1 }];
}

/**
 * The best window of a passage around its matches: whole sentences (or
 * clauses of a very long one), at most `max` characters including the "…"
 * that marks a cut, holding as many highlighted spans as fit, earliest first.
 * `spans` must be sorted and not overlap; the returned highlights are
 * offsets into the excerpt. With `clauses`, the window is cut at clause
 * boundaries (for a short window, which whole sentences would leave half
 * empty).
 */
export function makeExcerpt(text: string, spans: readonly Span[], max = MAX_EXCERPT_CHARS, { clauses = false } = {}): Excerpt {
  if (text.length <= max) return { text, highlights: [...spans] };
  const budget = max - 2 * ELLIPSIS.length;
  const pieces = units(text, budget, clauses);

  // The window holding the most matches; among equals, the one that best centres them (context on both sides).
  // Windows and spans both move left to right, so the spans inside a window are those from `firstInside` to `afterInside`.
  let best = { first: 0, last: 0, count: -1, offCentre: Infinity };
  let last = 0;
  let firstInside = 0;
  let afterInside = 0;
  for (let first = 0; first < pieces.length; first++) {
    if (last < first) last = first;
    while (last + 1 < pieces.length && pieces[last + 1]!.end - pieces[first]!.start <= budget) last++;
    const start = pieces[first]!.start;
    const end = pieces[last]!.end;
    while (firstInside < spans.length && spans[firstInside]!.start < start) firstInside++;
    afterInside = Math.max(afterInside, firstInside);
    while (afterInside < spans.length && spans[afterInside]!.end <= end) afterInside++;
    const count = afterInside - firstInside;
    const offCentre = count ? Math.abs((start + end) / 2 - (spans[firstInside]!.start + spans[afterInside - 1]!.end) / 2) : start;
    if (count > best.count || (count === best.count && offCentre < best.offCentre)) best = { first, last, count, offCentre };
  }

  let start = pieces[best.first]!.start;
  let end = pieces[best.last]!.end;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const prefix = start > 0 ? ELLIPSIS : "";
  const suffix = end < text.length ? ELLIPSIS : "";
  const highlights = spans
    .filter((span) => span.start >= start && span.end <= end)
    .map((span) => ({ start: span.start - start + prefix.length, end: span.end - start + prefix.length }));
  return { text: prefix + text.slice(start, end) + suffix, highlights };
}
