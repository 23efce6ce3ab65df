/**
 * What the direction of the week posts: which direction a channel gets each
 * week (its rotation, see rotation.ts) and the message (post.ts). The
 * exactly-once engine (publisher.ts) claims, checks, posts and records; it
 * knows this content only as a `ScheduledContent`, so another kind of
 * scheduled post would bring its own content to the same engine.
 *
 * ```ts
 * const content = new DirectionOfTheWeek(search);
 * const publisher = new WeeklyPublisher({ client, channel, timeZone, store, content, logger });
 * ```
 */
import type { Direction } from "../corpus/types.js";
import type { DirectionsSearch } from "../search/engine.js";
import type { Claim, PostRecord } from "../store/index.js";
import { buildWeeklyPost, hasFewExcerpts, MAX_EXCERPTS, WEEKLY_EVENT_TYPE, type WeeklyPost } from "./post.js";
import { cyclesOf, nextDirection } from "./rotation.js";

/** What the weekly post uses of the search engine. */
export type WeeklySearch = Pick<DirectionsSearch, "directionExcerpts" | "passageCount" | "corpus">;

/** What a week posts: an item of the rotation (for the direction of the week, a direction id) and its round. */
export interface Choice {
  direction: string;
  cycle: number;
}

/** One kind of post made once per channel and week. */
export interface ScheduledContent {
  /** The `metadata.event_type` that marks our posts of this kind in a channel. */
  readonly eventType: string;
  /** This week's choice, given the channel's posts so far (and the claim of a run that died, whose choice may be in the channel already); undefined: nothing to post. */
  choose(posts: readonly PostRecord[], earlier?: Claim): Choice | undefined;
  /** The message of a week's choice; undefined when its item no longer exists. */
  compose(week: string, choice: Choice): WeeklyPost | undefined;
  /** A warning to log about a message that is still posted, if any. */
  warning(post: WeeklyPost, choice: Choice): string | undefined;
  /** The rounds of posts read back from a channel, oldest first, to rebuild its rotation. */
  cycles(items: readonly string[]): number[];
}

export class DirectionOfTheWeek implements ScheduledContent {
  readonly eventType = WEEKLY_EVENT_TYPE;

  /** @param command the slash command the post's hint names (default `/directions`). */
  constructor(
    private readonly search: WeeklySearch,
    private readonly command?: string,
  ) {}

  /** The directions that can be posted: those some passage discusses (a post without excerpts would say nothing). */
  postable(): Direction[] {
    return this.search.corpus.directions.filter((direction) => this.search.passageCount(direction.id) > 0);
  }

  choose(posts: readonly PostRecord[], earlier?: Claim): Choice | undefined {
    const directions = this.postable();
    if (directions.length === 0) return undefined;
    // A run that claimed this week and died keeps its direction: it may be in the channel already.
    if (earlier && directions.some((d) => d.id === earlier.direction)) return { direction: earlier.direction, cycle: earlier.cycle };
    const next = nextDirection(directions, posts);
    return { direction: next.direction.id, cycle: next.cycle };
  }

  compose(week: string, choice: Choice): WeeklyPost | undefined {
    const direction = this.search.corpus.directions.find((d) => d.id === choice.direction);
    if (!direction) return undefined;
    return buildWeeklyPost({
      direction,
      excerpts: this.search.directionExcerpts(direction.id, MAX_EXCERPTS),
      week,
      cycle: choice.cycle,
      ...(this.command ? { command: this.command } : {}),
    });
  }

  warning(post: WeeklyPost, choice: Choice): string | undefined {
    return hasFewExcerpts(post) ? `fewer than two excerpts found for ${choice.direction}; posting it anyway` : undefined;
  }

  cycles(items: readonly string[]): number[] {
    return cyclesOf(items);
  }
}
