/**
 * Which text of a hit a reader sees first. Someone who asks in English reads
 * the translation, with the author's original beneath it; someone who asks in
 * Chinese reads the original, with the English beneath. The text beneath is a
 * shorter window (about 200 characters, cut at clause boundaries) around its
 * own matches.
 *
 * ```ts
 * const { main, beneath } = arrangeHit(hit, readerLanguage("remote sensing"));
 * // main: the English excerpt; beneath: { original: true, text: "…医疗和遥感。…" }
 * ```
 */
import { correspondingPlace, makeExcerpt } from "./excerpt.js";
import type { Hit, Span } from "./types.js";

/** The language a reader gets first: Chinese for a query with Chinese characters, English otherwise. */
export type ReaderLanguage = "en" | "zh";

export const READER_LANGUAGES: readonly ReaderLanguage[] = ["en", "zh"];

/** How long the text beneath the main one is at most. */
export const BENEATH_MAX_CHARS = 200;

const HAN = /\p{Script=Han}/u;

export function readerLanguage(query: string): ReaderLanguage {
  return HAN.test(query) ? "zh" : "en";
}

/** A text to show, with its matches. */
export interface ShownText {
  text: string;
  highlights: Span[];
}

export interface ArrangedHit {
  main: ShownText;
  /** The other language, shorter; `original` says whether it is the author's text (labelled 原文) or the translation. */
  beneath?: ShownText & { original: boolean };
}

/**
 * The hit's two texts in the reader's order; a passage without a translation
 * shows its original alone. The text beneath is cut around its own matches;
 * without any (遥感 matched a Chinese word the English says in two), around
 * the place that corresponds, in proportion, to the main text's matches.
 */
export function arrangeHit(hit: Hit, language: ReaderLanguage): ArrangedHit {
  const original = { text: hit.excerpt, highlights: hit.highlights };
  if (!hit.translation) return { main: original };
  const translated = { text: hit.translation.excerpt, highlights: hit.translation.highlights };
  const [main, other] = language === "zh" ? [original, translated] : [translated, original];
  const around = other.highlights.length > 0 ? other.highlights : correspondingPlace(main.highlights, main.text.length, other.text.length);
  const short = makeExcerpt(other.text, around, BENEATH_MAX_CHARS, { clauses: true });
  return { main, beneath: { text: short.text, highlights: other.highlights.length > 0 ? short.highlights : [], original: other === original } };
}
