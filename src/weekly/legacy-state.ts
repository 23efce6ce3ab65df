/**
 * The weekly post's state before the store: a JSON file (`DIRECTIONS_STATE`,
 * default `data/state.json`) of the posts made and the claims of weeks being
 * posted. At start-up, such a file is imported into the store, once: its
 * posts carry the rotation and this week's record over, and the file is
 * renamed `<name>.imported` (kept, never read again). Claims are not
 * imported: a run that was posting when the bot was upgraded is found out by
 * the channel check.
 */
import { promises as fs } from "node:fs";
import type { PostRecord, Store } from "../store/index.js";
import type { WeeklyLogger } from "./logger.js";

/** Why `data` is not a state file the earlier versions wrote (undefined when it is one), and its posts. */
function postsOf(data: unknown): { posts: PostRecord[] } | { problem: string } {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { problem: "not a JSON object" };
  const state = data as { version?: unknown; posts?: unknown };
  if (state.version !== 1) return { problem: `unknown version ${JSON.stringify(state.version)}` };
  if (!Array.isArray(state.posts)) return { problem: '"posts" is not a list' };
  const posts: PostRecord[] = [];
  for (const [i, item] of state.posts.entries()) {
    const post = (item ?? {}) as Record<string, unknown>;
    const text = (field: string) => (typeof post[field] === "string" && post[field] !== "" ? (post[field] as string) : undefined);
    const [week, direction, channel, ts] = [text("week"), text("direction"), text("channel"), text("ts")];
    const cycle = post.cycle;
    if (!week || !direction || !channel || !ts || !Number.isInteger(cycle) || (cycle as number) < 1) {
      return { problem: `posts[${i}] lacks week, direction, cycle, channel or ts` };
    }
    const recordedAt = text("recordedAt");
    posts.push({
      channel,
      week,
      direction,
      cycle: cycle as number,
      ts,
      recordedAt: recordedAt !== undefined && !Number.isNaN(Date.parse(recordedAt)) ? recordedAt : new Date().toISOString(),
      ...(post.foundInHistory === true ? { foundInHistory: true } : {}),
    });
  }
  return { posts };
}

/**
 * Imports the state file at `path` into `store` if there is one, then renames
 * it `<path>.imported`. A file that cannot be read as a state file is left in
 * place, with one error line: the rotation is then rebuilt from the channel.
 * Returns how many posts were added.
 */
export async function importLegacyState(path: string, store: Store, logger: WeeklyLogger): Promise<number> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    logger.error(`Direction of the week: cannot read the old state file DIRECTIONS_STATE=${path} to import it: ${(error as Error).message}`);
    return 0;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    logger.error(`Direction of the week: the old state file DIRECTIONS_STATE=${path} is not valid JSON (${(error as Error).message}); not imported. The rotation is rebuilt from our earlier posts in the channel.`);
    return 0;
  }
  const read = postsOf(data);
  if ("problem" in read) {
    logger.error(`Direction of the week: the old state file DIRECTIONS_STATE=${path} is corrupt (${read.problem}); not imported. The rotation is rebuilt from our earlier posts in the channel.`);
    return 0;
  }
  const added = await store.importPosts(read.posts);
  try {
    await fs.rename(path, `${path}.imported`);
  } catch (error) {
    // Harmless: importing again adds nothing (weeks already recorded are skipped).
    logger.error(
      `Direction of the week: imported the old state file DIRECTIONS_STATE=${path} but could not rename it (${(error as Error).message}); ` +
        "it will be read again at each start until it can be renamed or is removed.",
    );
    return added;
  }
  logger.info(
    `Direction of the week: imported ${added} of the ${read.posts.length} posts of the old state file into the ${store.engine === "sqlite" ? "SQLite" : "PostgreSQL"} store; ` +
      `renamed it ${path}.imported.`,
  );
  return added;
}
