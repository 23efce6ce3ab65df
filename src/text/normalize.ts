/**
 * Text normalization shared by direction tagging, indexing, querying and highlighting.
 *
 * Every code point is NFKC-normalized (full-width → half-width, compatibility
 * forms → plain) and lower-cased on its own, so that each position of the
 * normalized text can be mapped back to the original: highlights are found in
 * normalized text but drawn on the text the author wrote.
 */
import { cutIntoPieces, MAX_PIECE_CHARS } from "./pieces.js";

export interface NormalizedText {
  text: string;
  /** The index in the original text of normalized char `i` (`i` may be `text.length`, the end). */
  originalIndex(i: number): number;
}

/**
 * ASCII, CJK punctuation, ideographs and full-width forms normalize one UTF-16
 * unit to one: text made only of them (nearly all of the corpus) needs no
 * offset table, which spares a query most of its allocations.
 */
const ONE_TO_ONE = /^[\u0000-\u007f\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]*$/;
const identity = (i: number) => i;

export function normalizeWithOffsets(original: string): NormalizedText {
  if (ONE_TO_ONE.test(original)) return { text: normalize(original), originalIndex: identity };
  let text = "";
  const offsets: number[] = [];
  let i = 0;
  for (const char of original) {
    const normalized = char.normalize("NFKC").toLowerCase();
    text += normalized;
    for (let k = 0; k < normalized.length; k++) offsets.push(i);
    i += char.length;
  }
  offsets.push(i);
  return { text, originalIndex: (index) => offsets[index]! };
}

export function normalize(text: string): string {
  if (text.length <= MAX_PIECE_CHARS) return text.normalize("NFKC").toLowerCase();
  // NFKC puts each run of combining marks in order in time that grows with the square of its length
  // (200,000 alternating marks took 16 s); cut where the text pauses, pieces normalize alike.
  return cutIntoPieces(text, MAX_PIECE_CHARS)
    .map(({ start, end }) => text.slice(start, end).normalize("NFKC"))
    .join("")
    .toLowerCase();
}

// Checked by code unit, not by a regular expression on a one-character string: these run for every word of the corpus.

/** Whether text starts with a CJK ideograph. */
export function isCjk(text: string): boolean {
  const code = text.charCodeAt(0);
  return (code >= 0x3400 && code <= 0x9fff) || (code >= 0xf900 && code <= 0xfaff);
}

/** Whether the unit at `at` is a letter or digit of a Latin-script word (after normalization, so lower-case); false outside the text. */
export function isWordChar(text: string, at = 0): boolean {
  const code = text.charCodeAt(at);
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}
