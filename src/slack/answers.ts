/**
 * What the bot says, independent of how the request arrived (slash command,
 * mention, button, terminal): requests in, `SlackMessage`s out. The search
 * core is used through `SearchLike` only.
 */
import type { Corpus, Direction } from "../corpus/types.js";
import type { Hit, SearchOptions } from "../search/types.js";
import {
  helpMessage,
  listMessage,
  notFoundMessage,
  resultsMessage,
  shortHelpMessage,
  type PageState,
  type SlackMessage,
  quoteQuery,
  clampMessage,
} from "./blocks.js";
import { MAX_QUERY_CHARS } from "../search/analyze.js";
import { parseRequest } from "./requests.js";

/** The part of `DirectionsSearch` the Slack app uses. */
export interface SearchLike {
  readonly corpus: Corpus;
  search(query: string, options?: SearchOptions): Hit[];
  passageCount(directionId: string): number;
}

/** Excerpts per reply (and per "Show more"). */
export const PAGE_SIZE = 3;

export interface PageOptions {
  /** Offer Show more / Share in channel buttons (the ephemeral `/directions` reply). */
  buttons: boolean;
  /** Display name of the user who shared the results. */
  sharedBy?: string;
}

export class Answers {
  readonly pageSize: number;

  constructor(
    private readonly engine: SearchLike,
    options: { pageSize?: number } = {},
  ) {
    this.pageSize = options.pageSize ?? PAGE_SIZE;
  }

  get corpus(): Corpus {
    return this.engine.corpus;
  }

  /** Reply to `/directions <text>`: help, the list, results with buttons, or nothing found. */
  command(text: string): SlackMessage {
    const request = parseRequest(text);
    switch (request.kind) {
      case "help":
      case "greeting":
        return helpMessage(this.corpus);
      case "list":
        return listMessage(this.corpus, (id) => this.engine.passageCount(id));
      case "search":
        return this.results(request.query, 0, { buttons: true }, request.truncated ? MAX_QUERY_CHARS : undefined);
    }
  }

  /** Reply to a mention (text with the bot's `<@U…>` still in it): short help or the best excerpts. */
  mention(text: string): SlackMessage {
    const request = parseRequest(text);
    switch (request.kind) {
      case "greeting":
        return shortHelpMessage(this.suggestions());
      case "help":
        return helpMessage(this.corpus);
      case "list":
        return listMessage(this.corpus, (id) => this.engine.passageCount(id));
      case "search":
        return this.results(request.query, 0, { buttons: false }, request.truncated ? MAX_QUERY_CHARS : undefined);
    }
  }

  /** A page of results for a button press (Show more: the next page; Share: the same page). */
  page(state: PageState, options: PageOptions): SlackMessage {
    return this.results(state.q, state.o, options);
  }

  /** Directions to suggest: those with the most excerpts. */
  suggestions(count = 3): Direction[] {
    return [...this.corpus.directions]
      .map((d) => ({ d, n: this.engine.passageCount(d.id) }))
      .sort((a, b) => b.n - a.n || a.d.id.localeCompare(b.d.id))
      .slice(0, count)
      .map(({ d }) => d);
  }

  private results(query: string, offset: number, options: PageOptions, truncatedTo?: number): SlackMessage {
    const found = this.engine.search(query, { limit: this.pageSize + 1, offset });
    const hits = found.slice(0, this.pageSize);
    if (hits.length === 0) {
      if (offset > 0) {
        const text = `That's all I have for ${quoteQuery(query)}.`;
        return clampMessage({ text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] });
      }
      return notFoundMessage(query, this.suggestions(), truncatedTo);
    }
    return resultsMessage({
      corpus: this.corpus,
      query,
      hits,
      offset,
      hasMore: found.length > this.pageSize,
      buttons: options.buttons,
      sharedBy: options.sharedBy,
      truncatedTo,
    });
  }
}
