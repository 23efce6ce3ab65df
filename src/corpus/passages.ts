/** A paragraph this short ("但是!") says nothing alone: it is joined to the passage that follows. */
const MIN_PASSAGE_CHARS = 12;
const LIST_ITEM = /^\s*[-*+•]\s+/;

/**
 * Splits an answer's Markdown body into passages: each paragraph (blank-line
 * separated) and each list item is one passage, so a search shows the
 * passage that says it, not the whole answer.
 */
export function splitPassages(body: string): string[] {
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

  const passages: string[] = [];
  let carry = "";
  for (const block of blocks) {
    const text = carry ? `${carry}\n${block}` : block;
    if (text.length < MIN_PASSAGE_CHARS) carry = text;
    else {
      passages.push(text);
      carry = "";
    }
  }
  if (carry) passages.push(carry);
  return passages;
}
