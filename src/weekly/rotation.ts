/**
 * Which direction comes next.
 *
 * Rule: every direction once before any repeats. The order is the order of the
 * directions in the corpus (`corpus/directions.yaml`), so it is stable for a
 * given corpus and an editor controls it by reordering the file.
 *
 * Nothing like "index 7 in the list" is stored: an index silently points at a
 * different direction as soon as one is added or removed. Instead each post
 * records its cycle number, and the current cycle's remaining directions are
 * derived from the posts: the current corpus's directions minus those already
 * posted in the current cycle. Hence a direction added to the corpus joins the
 * current cycle, and a removed one is simply never chosen again.
 */
import type { Direction } from "../corpus/types.js";

/** What rotation needs to know about a post made earlier. */
export interface RotationEntry {
  direction: string;
  cycle: number;
}

export interface RotationChoice {
  direction: Direction;
  /** 1 for the first round through the directions, 2 for the second, … */
  cycle: number;
}

/**
 * The next direction to post, given the corpus's directions (in order) and the
 * posts made so far (in the order they were made). Throws when the corpus has
 * no direction at all.
 */
export function nextDirection(directions: readonly Direction[], posts: readonly RotationEntry[]): RotationChoice {
  if (directions.length === 0) throw new Error("the corpus has no directions to post");
  if (posts.length === 0) return { direction: directions[0]!, cycle: 1 };

  const cycle = Math.max(...posts.map((p) => p.cycle));
  const postedThisCycle = new Set(posts.filter((p) => p.cycle === cycle).map((p) => p.direction));
  const remaining = directions.find((d) => !postedThisCycle.has(d.id));
  if (remaining) return { direction: remaining, cycle };

  // Cycle complete: start the next one in corpus order, but never post the
  // same direction two weeks running (possible when the last direction of a
  // cycle was added at the top of the file mid-cycle).
  const last = posts[posts.length - 1]!.direction;
  const first = directions.find((d) => d.id !== last) ?? directions[0]!;
  return { direction: first, cycle: cycle + 1 };
}

/**
 * The cycles of posts read back from the channel, oldest first, for a state
 * file that was lost: within a cycle no direction repeats, so a new cycle
 * starts where a direction comes back.
 */
export function cyclesOf(directions: readonly string[]): number[] {
  let cycle = 1;
  let inCycle = new Set<string>();
  return directions.map((direction) => {
    if (inCycle.has(direction)) {
      cycle++;
      inCycle = new Set();
    }
    inCycle.add(direction);
    return cycle;
  });
}
