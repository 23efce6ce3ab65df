/**
 * Text normalization shared by indexing, querying and highlighting.
 *
 * Every code point is NFKC-normalized (full-width → half-width, compatibility
 * forms → plain) and lower-cased on its own, so that each position of the
 * normalized text can be mapped back to the original: highlights are found in
 * normalized text but drawn on the text the author wrote.
 */
export interface NormalizedText {
  text: string;
  /** `offsets[i]` is the index in the original text of normalized char `i`; one extra entry for the end. */
  offsets: number[];
}

export function normalizeWithOffsets(original: string): NormalizedText {
  let text = "";
  const offsets: number[] = [];
  let i = 0;
  for (const char of original) {
    const code = char.charCodeAt(0);
    // ASCII and CJK ideographs are already NFKC: skip the costly call for them.
    const normalized = code < 0x80 ? char.toLowerCase() : code >= 0x4e00 && code <= 0x9fff ? char : char.normalize("NFKC").toLowerCase();
    text += normalized;
    for (let k = 0; k < normalized.length; k++) offsets.push(i);
    i += char.length;
  }
  offsets.push(i);
  return { text, offsets };
}

export function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN_OR_DIGIT = /[a-z0-9]/;

export function isCjk(char: string): boolean {
  return CJK.test(char);
}

/** A letter or digit of a Latin-script word (after normalization, so lower-case). */
export function isWordChar(char: string | undefined): boolean {
  return char !== undefined && LATIN_OR_DIGIT.test(char);
}
