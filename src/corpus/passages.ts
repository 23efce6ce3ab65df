import { cutIntoPieces } from "../text/pieces.js";

/** A paragraph this short ("但是!") says nothing alone: it is joined to the passage that follows. */
const MIN_PASSAGE_CHARS = 12;
/**
 * A paragraph longer than this (the corpus's longest is about 250 characters)
 * is cut into passages at sentence ends, or clause ends where a sentence runs
 * on: a search shows the part that matches, and no passage makes a query or
 * an excerpt slow.
 */
export const MAX_PASSAGE_CHARS = 2_000;
const LIST_ITEM = /^\s*[-*+•]\s+/;

/**
 * Splits an answer's Markdown body into passages: each paragraph (blank-line
 * separated) and each list item is one passage, so a search shows the
 * passage that says it, not the whole answer; a very long one is cut (see
 * MAX_PASSAGE_CHARS).
 */
export function splitPassages(body: string): string[] {
  const passages: string[] = [];
  let carry = "";
  for (const block of splitBlocks(body)) {
    const text = carry ? `${carry}\n${block}` : block;
    if (text.length < MIN_PASSAGE_CHARS) carry = text;
    else {
      passages.push(text);
      carry = "";
    }
  }
  if (carry) passages.push(carry);
  return passages.flatMap((passage) => cutIntoPieces(passage, MAX_PASSAGE_CHARS).map(({ start, end }) => passage.slice(start, end).trim()));
}

/** The paragraphs (lines joined by "\n", trimmed) and list items (marker removed) of Markdown text, in order. */
export function splitBlocks(body: string): string[] {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push(paragraph.join("\n"));
    paragraph = [];
  };
  for (const line of body.split(/\r?\n/)) {
    if (!line.trim()) flush();
    else if (LIST_ITEM.test(line)) {
      flush();
      paragraph.push(line.replace(LIST_ITEM, "").trim());
      flush();
    } else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}
