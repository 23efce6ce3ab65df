import type { Direction } from "../corpus/types.js";
import { isWordChar, normalize } from "./normalize.js";

/** Where a synonym group's term occurs in a normalized text. */
export interface ConceptMatch {
  groupId: string;
  start: number;
  end: number;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set where a term ends: the group it belongs to and whether it may take an English suffix. */
  groupId?: string;
  takesSuffix?: boolean;
}

/** Spaces, hyphens and underscores inside a term match any run of them in text, or none: few-shot = few shot = fewshot. */
const SEPARATOR = " ";
const isSeparatorChar = (char: string | undefined) => char === " " || char === "-" || char === "_" || char === "\t";

/** English terms this short must match whole words (gnn must not match gnnx); longer ones take suffixes (distill → distillation). */
const MIN_SUFFIXABLE_LENGTH = 4;

/**
 * The cross-language glossary: every synonym group of every direction,
 * matched as whole phrases, longest first, so that "catastrophic forgetting"
 * and 灾难性遗忘 both become the one concept `catastrophic-forgetting`.
 * Matching the whole text (not token by token) is what lets a phrase in one
 * language meet a phrase in the other.
 */
export class Glossary {
  private readonly root: TrieNode = { children: new Map() };
  /** The first UTF-16 units of all terms: most positions of a text start none, and a number is checked without making a string. */
  private readonly firstUnits = new Set<number>();
  /** Single English words of each group, for typo-tolerant matching of query words. */
  private readonly englishWords: Array<{ word: string; groupId: string }> = [];
  private readonly groupDirections = new Map<string, string>();

  constructor(directions: readonly Direction[]) {
    for (const direction of directions) {
      for (const group of direction.synonyms) {
        this.groupDirections.set(group.id, direction.id);
        for (const term of group.terms) this.add(normalize(term).trim(), group.id);
      }
    }
  }

  /** The direction a synonym group belongs to. */
  directionOf(groupId: string): string | undefined {
    return this.groupDirections.get(groupId);
  }

  private add(term: string, groupId: string): void {
    if (!term) return;
    let node = this.root;
    const chars = [...term.replace(/[\s\-_]+/g, SEPARATOR)];
    this.firstUnits.add(chars[0]!.charCodeAt(0));
    for (const char of chars) {
      let next = node.children.get(char);
      if (!next) {
        next = { children: new Map() };
        node.children.set(char, next);
      }
      node = next;
    }
    const endsInWord = isWordChar(chars[chars.length - 1]!);
    node.groupId ??= groupId;
    node.takesSuffix = endsInWord && chars.length >= MIN_SUFFIXABLE_LENGTH;
    if (/^[a-z0-9]+$/.test(term) && term.length >= MIN_SUFFIXABLE_LENGTH) this.englishWords.push({ word: term, groupId });
  }

  /** All matches in a normalized text, left to right, longest at each position, not overlapping. */
  find(text: string): ConceptMatch[] {
    const matches: ConceptMatch[] = [];
    let i = 0;
    while (i < text.length) {
      const mayStart = this.firstUnits.has(text.charCodeAt(i)) && !(isWordChar(text, i) && isWordChar(text, i - 1));
      const match = mayStart ? this.longestAt(this.root, text, i, i) : undefined;
      if (match) {
        matches.push(match);
        i = match.end;
      } else {
        i++;
      }
    }
    return matches;
  }

  /** The longest term that continues from `node` at `i` (a method, not a closure: it runs for most characters of the corpus). */
  private longestAt(node: TrieNode, text: string, start: number, i: number): ConceptMatch | undefined {
    let best: ConceptMatch | undefined;
    if (node.groupId !== undefined) {
      let end = i;
      if (node.takesSuffix) while (isLetter(text.charCodeAt(end))) end++;
      if (!(isWordChar(text, end - 1) && isWordChar(text, end))) best = { groupId: node.groupId, start, end };
    }
    const separator = node.children.get(SEPARATOR);
    if (separator) {
      let j = i;
      while (isSeparatorChar(text[j])) j++;
      best = longer(best, this.longestAt(separator, text, start, j));
    }
    const next = i < text.length ? node.children.get(text[i]!) : undefined;
    return next ? longer(best, this.longestAt(next, text, start, i + 1)) : best;
  }

  /**
   * The concept an English query word stands for despite a typo or a cut:
   * "compresion", "distil" → their groups. Only for queries: documents are
   * matched exactly.
   */
  approximate(word: string): string | undefined {
    if (word.length < 5) return undefined;
    const maxEdits = word.length >= 8 ? 2 : 1;
    let best: { groupId: string; distance: number } | undefined;
    for (const { word: term, groupId } of this.englishWords) {
      if (term[0] !== word[0]) continue; // typos in the first letter are rare, and this keeps queries fast
      const distance = term.startsWith(word) || word.startsWith(term) ? 0 : stemDistance(word, term, maxEdits);
      if (distance <= maxEdits && (!best || distance < best.distance)) best = { groupId, distance };
    }
    return best?.groupId;
  }
}

/** Edits between a word and a term that may take a suffix: "distilation" is one edit from distill + "ation". */
function stemDistance(word: string, term: string, max: number): number {
  let best = editDistance(word, term, max);
  for (let length = term.length - max; length <= Math.min(term.length + max, word.length - 1); length++) {
    best = Math.min(best, editDistance(word.slice(0, length), term, max));
  }
  return best;
}

const isLetter = (code: number) => code >= 97 && code <= 122; // a-z, after normalization
const longer = (a: ConceptMatch | undefined, b: ConceptMatch | undefined) => (!a || (b && b.end > a.end) ? b : a);

/** Optimal-string-alignment distance (a swap of two letters is one edit), cut off above `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}
