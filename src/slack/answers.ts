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
  quoteQuery,
} from "./blocks.js";
import { clampMessage, section, type SlackMessage } from "./block-kit.js";
import { MAX_QUERY_CHARS } from "../search/analyze.js";
import { RecentSearches } from "./recent-searches.js";
import { parseRequest, type Request } from "./requests.js";
import { weeklyElsewhereMessage } from "./weekly-messages.js";

/** The part of `DirectionsSearch` the Slack app uses. */
export interface SearchLike {
  readonly corpus: Corpus;
  page(query: string, options?: SearchOptions): { hits: Hit[]; more: boolean };
  passageCount(directionId: string): number;
  mostDiscussed(count: number): Direction[];
}

/** Excerpts per reply (and per "Show more"). */
export const PAGE_SIZE = 3;
/** Directions suggested when nothing is found, or to a mention that only says hello. */
const SUGGESTIONS = 3;

export interface PageOptions {
  /** Offer Show more / Share in channel buttons (the ephemeral `/directions` reply). */
  buttons: boolean;
  /** User id of who shared the results (shown as a mention). */
  sharedBy?: string;
}

export class Answers {
  readonly pageSize: number;
  /** What each user searched for lately (`/directions <query>` and mentions), for the App Home. */
  readonly searches = new RecentSearches();

  constructor(
    private readonly engine: SearchLike,
    options: { pageSize?: number } = {},
  ) {
    this.pageSize = options.pageSize ?? PAGE_SIZE;
  }

  get corpus(): Corpus {
    return this.engine.corpus;
  }

  /** How many passages discuss a direction. */
  passageCount(directionId: string): number {
    return this.engine.passageCount(directionId);
  }

  /**
   * Reply to `/directions <text>` (or to its request, parsed already): help,
   * the list, results with buttons, or nothing found. The Slack app routes
   * `weekly …` itself; elsewhere (the terminal) it gets a pointer to Slack.
   * A search is noted as `user`'s, if given.
   */
  command(input: string | Request, user?: string): SlackMessage {
    return this.reply(input, user, { buttons: true, greeting: () => helpMessage(this.corpus) });
  }

  /** Reply to a mention (text with the bot's `<@U…>` still in it): short help or the best excerpts. A search is noted as `user`'s, if given. */
  mention(text: string, user?: string): SlackMessage {
    return this.reply(text, user, { buttons: false, greeting: () => shortHelpMessage(this.engine.mostDiscussed(SUGGESTIONS)) });
  }

  /** The two differ only in their buttons and in how they answer a greeting. */
  private reply(input: string | Request, user: string | undefined, { buttons, greeting }: { buttons: boolean; greeting: () => SlackMessage }): SlackMessage {
    const request = typeof input === "string" ? parseRequest(input) : input;
    switch (request.kind) {
      case "greeting":
        return greeting();
      case "help":
        return helpMessage(this.corpus);
      case "list":
        return listMessage(this.corpus, (id) => this.engine.passageCount(id));
      case "search":
        if (user !== undefined) this.searches.record(user, request.query);
        return this.results(request.query, 0, { buttons }, request.truncated ? MAX_QUERY_CHARS : undefined);
      case "weekly":
        return weeklyElsewhereMessage();
    }
  }

  /** A page of results for a button press (Show more: the next page; Share: the same page). */
  page(state: PageState, options: PageOptions): SlackMessage {
    return this.results(state.q, state.o, options);
  }

  private results(query: string, offset: number, options: PageOptions, truncatedTo?: number): SlackMessage {
    const { hits, more } = this.engine.page(query, { limit: this.pageSize, offset });
    if (hits.length === 0) {
      if (offset > 0) {
        const text = `That's all I have for ${quoteQuery(query)}.`;
        return clampMessage({ text, blocks: [section(text)] });
      }
      return notFoundMessage(query, this.engine.mostDiscussed(SUGGESTIONS), truncatedTo);
    }
    return resultsMessage({
      corpus: this.corpus,
      query,
      hits,
      offset,
      hasMore: more,
      buttons: options.buttons,
      sharedBy: options.sharedBy,
      truncatedTo,
    });
  }
}
