/**
 * Text in and text out of Slack.
 *
 * In: Slack encodes mentions, channels and links as `<…>` control sequences and
 * `&`, `<`, `>` as entities; users paste control characters and odd Unicode.
 * `normalizeIncomingText` turns all of that into plain text to search.
 *
 * Out: anything we echo (a query, corpus text) goes through `escapeSlackText`
 * (or `mrkdwnLiteral`, which also neutralises mrkdwn markers) so that a reply
 * can never ping `@channel`/`@here`/`@everyone` or a user, open a link, or
 * break formatting.
 */

/**
 * Escapes text we echo into Slack (a user's query, corpus text) so that it can
 * never ping `@channel`/`@here`/`@everyone` or a user, nor open a link or break
 * mrkdwn: Slack only interprets control sequences inside `<…>`, so encoding
 * `&`, `<` and `>` is enough (and is what Slack documents).
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Zero-width space: lets `*bold*` render next to CJK text and punctuation. */
export const ZWSP = "\u200B";

/**
 * Look-alikes for the characters mrkdwn treats as formatting markers, so that
 * echoed text can't open or close bold, italics, strike-through or code by
 * accident (mrkdwn has no backslash escape).
 */
const MRKDWN_MARKERS: Record<string, string> = {
  "*": "\u2217", // ∗ asterisk operator
  "_": "\u02CD", // ˍ modifier letter low macron
  "~": "\u223C", // ∼ tilde operator
  "`": "\u02CB", // ˋ modifier letter grave accent
};
const MARKERS_BACK: Record<string, string> = Object.fromEntries(Object.entries(MRKDWN_MARKERS).map(([marker, lookalike]) => [lookalike, marker]));

/** Escapes text for a mrkdwn field: entities plus neutralised `*`, `_`, `~` and backticks. */
export function mrkdwnLiteral(text: string): string {
  return escapeSlackText(text).replace(/[*_~`]/g, (c) => MRKDWN_MARKERS[c] ?? c);
}

/** The markers `mrkdwnLiteral` neutralised, back (for the terminal, which has no mrkdwn). */
export function restoreMrkdwnMarkers(text: string): string {
  return text.replace(/[\u2217\u02CD\u223C\u02CB]/g, (c) => MARKERS_BACK[c] ?? c);
}

/** A mention of a user by id (`<@U123>`, shown by Slack as their name), or "Someone" for anything that is not a user id. */
export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : "Someone";
}

/** A link to a channel by id (`<#C123>`, shown by Slack as its name); anything that is not a channel id, escaped. */
export function channelMention(channelId: string): string {
  return /^[CG][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : mrkdwnLiteral(channelId);
}

// ---------------------------------------------------------------------------
// Incoming text

// C0/C1 controls except tab and newline, which become spaces below.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Zero-width characters, bidi embeddings/overrides/isolates, BOM, interlinear
// annotation and object replacement: invisible, and able to scramble how an
// echoed query is displayed.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFC]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Removes control characters, invisible formatting characters and unpaired
 * surrogates, and collapses runs of white space to one space.
 */
export function cleanText(text: string): string {
  return text
    .replace(LONE_SURROGATE, "")
    .replace(CONTROL, " ")
    .replace(INVISIBLE, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/** Decodes the three entities Slack uses; `&amp;` last so `&amp;lt;` stays `&lt;`. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Slack mrkdwn to plain text: links as `label (url)`, bold headings plain, entities decoded. */
export function mrkdwnToPlain(text: string): string {
  return decodeSlackEntities(
    text
      .replace(/^\*([^*\n]+)\*$/gm, "$1")
      .replace(/<([^|>]+)\|([^>]+)>/g, (_, url: string, label: string) => `${label} (${url.replace(/%7C/g, "|")})`),
  );
}

/**
 * Turns text as Slack delivers it (message events; slash commands with or
 * without "escape channels, users and links") into plain text to search:
 * - `<@U123>`, `<@U123|name>` (user mentions) are removed;
 * - `<!here>`, `<!channel>`, `<!everyone>` are removed; `<!subteam^S1|@team>`,
 *   `<!date^…|fallback>` keep their label;
 * - `<#C123|name>` becomes `name`; `<https://…|label>` becomes `label`, and a
 *   bare `<https://…>` its URL;
 * - `&amp;`, `&lt;`, `&gt;` are decoded;
 * - control characters, invisible characters and lone surrogates are removed,
 *   white space collapsed.
 */
export function normalizeIncomingText(text: string): string {
  const withoutSequences = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const bar = inner.indexOf("|");
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith("@")) return " "; // user mention
    if (target.startsWith("#")) return label !== undefined ? ` ${label} ` : " "; // channel
    if (target.startsWith("!")) return label !== undefined ? ` ${label} ` : " "; // special mention / date
    const shown = label ?? target.replace(/^mailto:/, "");
    return ` ${shown} `;
  });
  return cleanText(decodeSlackEntities(withoutSequences));
}

// ---------------------------------------------------------------------------
// Lengths

/** Cuts `text` to at most `max` UTF-16 code units without splitting a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** One line: line breaks and runs of spaces become one space, and the ends are trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Like `cutAt` but ends with `…` when it had to cut (the result is at most `max` long). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${cutAt(text, max - 1).trimEnd()}…`;
}

/**
 * Escapes `text` for mrkdwn and truncates the *escaped* result to `max`
 * characters without cutting an entity in half.
 */
export function mrkdwnLiteralWithin(text: string, max: number): string {
  const escaped = mrkdwnLiteral(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const char of text) {
    const piece = mrkdwnLiteral(char);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out.trimEnd()}…`;
}

// ---------------------------------------------------------------------------
// Highlighting

export interface HighlightSpan {
  start: number;
  end: number;
}

/**
 * Cleans up highlight spans: clamps them to the text, drops empty and
 * overlapping ones, merges touching ones, moves their ends off surrogate
 * halves and trims white space out of them (mrkdwn only recognises `*` next to
 * a non-space character).
 */
export function tidySpans(text: string, spans: readonly HighlightSpan[]): HighlightSpan[] {
  const isLow = (i: number) => {
    const c = text.charCodeAt(i);
    return c >= 0xdc00 && c <= 0xdfff;
  };
  const sorted = spans
    .filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end))
    .map((s) => ({ start: Math.max(0, Math.floor(s.start)), end: Math.min(text.length, Math.floor(s.end)) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: HighlightSpan[] = [];
  for (const span of sorted) {
    let { start, end } = span;
    if (start > 0 && isLow(start)) start -= 1;
    if (end < text.length && end > 0 && isLow(end)) end += 1;
    while (start < end && /\s/.test(text[start] ?? "")) start += 1;
    while (end > start && /\s/.test(text[end - 1] ?? "")) end -= 1;
    if (end <= start) continue;
    const last = out[out.length - 1];
    if (last !== undefined && start <= last.end) {
      // Overlapping or touching: one bold run.
      last.end = Math.max(last.end, end);
      continue;
    }
    out.push({ start, end });
  }
  return out;
}

/**
 * Renders `text` as mrkdwn with `spans` (offsets into the raw `text`) in bold.
 * Each piece is escaped on its own *before* the markers are added, so offsets
 * stay right and echoed `*`, `<!channel>` etc. stay inert. Zero-width spaces
 * around the markers make bold render inside Chinese text and next to
 * punctuation. The result is at most `max` characters; when the text has to be
 * cut, it ends with `…` and any open bold is closed.
 */
export function highlightMrkdwn(text: string, spans: readonly HighlightSpan[], max = 2900): string {
  const tidy = tidySpans(text, spans);
  const pieces: Array<{ raw: string; bold: boolean }> = [];
  let at = 0;
  for (const span of tidy) {
    if (span.start > at) pieces.push({ raw: text.slice(at, span.start), bold: false });
    pieces.push({ raw: text.slice(span.start, span.end), bold: true });
    at = span.end;
  }
  if (at < text.length) pieces.push({ raw: text.slice(at), bold: false });

  const open = `${ZWSP}*`;
  const close = `*${ZWSP}`;
  let out = "";
  const budget = max - 1; // room for "…"
  for (const piece of pieces) {
    if (!piece.bold) {
      const escaped = mrkdwnLiteral(piece.raw);
      if (out.length + escaped.length <= budget) {
        out += escaped;
        continue;
      }
      for (const char of piece.raw) {
        const e = mrkdwnLiteral(char);
        if (out.length + e.length > budget) return `${out}…`;
        out += e;
      }
      continue;
    }
    // Bold doesn't cross line breaks: bold each line on its own.
    const bolded = mrkdwnLiteral(piece.raw)
      .split("\n")
      .map((line) => (line.trim() === "" ? line : open + line + close))
      .join("\n");
    if (out.length + bolded.length <= budget) {
      out += bolded;
      continue;
    }
    // Not enough room for the whole bold run: leave it out rather than cut it.
    return `${out}…`;
  }
  return out;
}

/** Makes a URL safe inside `<url|label>`: http(s) only, no `|`, `<`, `>` or spaces. */
export function safeLinkUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  return parsed.href.replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/ /g, "%20").replace(/&/g, "&amp;");
}

/** `<url|label>`, the label on one line and escaped; just the label when the URL is not a usable http(s) URL. */
export function mrkdwnLink(url: string, label: string): string {
  const text = escapeSlackText(oneLine(label));
  const safe = safeLinkUrl(url);
  // Slack could read a `|` in the label as the separator.
  return safe === undefined ? text : `<${safe}|${text.replace(/\|/g, "¦")}>`;
}
