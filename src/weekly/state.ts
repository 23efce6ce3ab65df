/**
 * The weekly job's durable memory: `DIRECTIONS_STATE` (default
 * `data/state.json`), a small JSON file holding the posts made (week,
 * direction, cycle, channel, message ts) and the claims of weeks being posted.
 *
 * Why a JSON file: one record a week is tiny, an admin can read and fix it by
 * hand, and it needs no native dependency. Several replicas need the file on
 * shared storage (see the README); the channel history check in the publisher
 * is the second line of defence.
 *
 * Durability: every change is written to a temporary file in the same folder,
 * fsynced, renamed over the state file (atomic within a filesystem) and the
 * folder is fsynced, so a crash or power loss leaves either the old or the new
 * file, never a torn one.
 *
 * Concurrency: two processes (the bot and a `post-weekly` run from cron, or
 * two overlapping cron runs) may share the file. Each read-modify-write runs
 * under an exclusive lock file `<state>.lock` created with `open(…, 'wx')`,
 * which the OS creates atomically or refuses (EEXIST), on local disks and
 * NFSv3+. The lock is held only for the few milliseconds of one
 * read-modify-write, never across a Slack call: the long "this week is being
 * posted" phase is a claim *inside* the state (owner pid, host, lease), so a
 * crash mid-post leaves a claim that the next run can recognise as abandoned,
 * not a lock that blocks everyone. A lock left by a crashed process is broken
 * when its owner is provably gone (same host, pid no longer running, or our own
 * pid but not a lock this process holds — containers reuse pid 1) or when it is
 * older than `staleLockMs`. Breaking a stale lock has a tiny race (two
 * processes judging the same stale lock at the same instant); it needs a crash
 * inside a millisecond-long critical section first, and the channel history
 * check still stands behind it.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { WeeklyLogger } from "./logger.js";

/** One direction of the week that reached the channel. */
export interface PostRecord {
  week: string;
  direction: string;
  /** Rotation cycle the post belongs to (see rotation.ts). */
  cycle: number;
  channel: string;
  /** Slack message ts: with the channel, the post's address. */
  ts: string;
  /** When we recorded it (ISO 8601). */
  recordedAt: string;
  /** True when found in the channel history rather than confirmed by chat.postMessage. */
  foundInHistory?: boolean;
}

/** "This week is being posted by that run": written before posting, removed after. */
export interface Claim {
  week: string;
  direction: string;
  cycle: number;
  channel: string;
  runId: string;
  pid: number;
  host: string;
  claimedAt: string;
  /** After this instant the claim is abandoned whoever made it (runs are bounded well below the lease). */
  leaseUntil: string;
  /**
   * When the claim's run last sent `chat.postMessage` without learning the
   * outcome yet (written before sending). A run that takes the claim over
   * waits until well after this before trusting a channel check.
   */
  sentAt?: string;
}

export interface WeeklyState {
  version: 1;
  /** In the order they were made. */
  posts: PostRecord[];
  claims: Claim[];
}

export function emptyState(): WeeklyState {
  return { version: 1, posts: [], claims: [] };
}

/** The state file is locked by another process for longer than we are willing to wait. */
export class StateLockedError extends Error {
  override name = "StateLockedError";
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  acquiredAt: string;
}

/** Locks and runs that this very process holds, to tell them from a previous incarnation with the same pid. */
const heldLocks = new Set<string>();
const activeRuns = new Set<string>();

/** Marks a publisher run as alive in this process (claims it makes are then not abandoned). */
export function beginRun(runId: string): void {
  activeRuns.add(runId);
}

export function endRun(runId: string): void {
  activeRuns.delete(runId);
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the owner (pid on host) of a lock or claim may still be working:
 * on this host we can ask the OS; on another host we cannot, and rely on age.
 */
function ownerMayBeAlive(owner: { pid: number; host: string }, token: string, mine: Set<string>): boolean {
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return mine.has(token);
  return processIsRunning(owner.pid);
}

/** Whether a claim belongs to a run that may still post (alive and within its lease). */
export function claimIsLive(claim: Claim, now: Date = new Date()): boolean {
  if (now.getTime() >= Date.parse(claim.leaseUntil)) return false;
  return ownerMayBeAlive(claim, claim.runId, activeRuns);
}

export interface StateFileOptions {
  logger?: WeeklyLogger;
  /** How long to wait for another process's lock (default 5 s). */
  lockTimeoutMs?: number;
  /** A lock older than this is abandoned whoever holds it (default 30 s; critical sections take milliseconds). */
  staleLockMs?: number;
}

/** A problem found while reading the state, already handled, for messages. */
export interface StateReadNote {
  kind: "missing" | "corrupt";
  message: string;
}

export class StateFile {
  readonly lockPath: string;
  private readonly logger: WeeklyLogger | undefined;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(
    readonly path: string,
    options: StateFileOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.logger = options.logger;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  /**
   * Reads the state without locking or changing anything (for `--dry-run`).
   * A missing or corrupt file reads as empty, with a note saying so.
   */
  async peek(): Promise<{ state: WeeklyState; note?: StateReadNote }> {
    const loaded = await this.load();
    if (loaded.kind === "ok") return { state: loaded.state };
    if (loaded.kind === "missing") {
      return { state: emptyState(), note: { kind: "missing", message: `no state file yet at ${this.path}` } };
    }
    return {
      state: emptyState(),
      note: { kind: "corrupt", message: `the state file ${this.path} is corrupt (${loaded.reason})` },
    };
  }

  /**
   * Runs `change` on the current state under the lock and writes the result
   * atomically when `change` returns `write: true`. A corrupt state file is
   * renamed aside (kept for inspection) and replaced by an empty state, with
   * one clear error line; a missing one starts empty.
   */
  async update<T>(change: (state: WeeklyState) => { write: boolean; result: T }): Promise<T> {
    await fs.mkdir(path.dirname(this.path), { recursive: true });
    const token = await this.lock();
    try {
      const state = await this.loadForUpdate();
      const { write, result } = change(state);
      if (write) await this.write(state);
      return result;
    } finally {
      await this.unlock(token);
    }
  }

  private async load(): Promise<
    { kind: "ok"; state: WeeklyState } | { kind: "missing" } | { kind: "corrupt"; reason: string }
  > {
    let text: string;
    try {
      text = await fs.readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return { kind: "corrupt", reason: `not valid JSON: ${(error as Error).message}` };
    }
    const problem = validateState(data);
    return problem ? { kind: "corrupt", reason: problem } : { kind: "ok", state: data as WeeklyState };
  }

  private async loadForUpdate(): Promise<WeeklyState> {
    const loaded = await this.load();
    if (loaded.kind === "ok") return loaded.state;
    if (loaded.kind === "missing") {
      this.logger?.info(`Direction of the week: no state file at ${this.path} yet, starting a new one.`);
      return emptyState();
    }
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await fs.rename(this.path, aside);
    this.logger?.error(
      `Direction of the week: the state file DIRECTIONS_STATE=${this.path} is corrupt (${loaded.reason}); ` +
        `kept it as ${aside} and started a new state. This week's post is checked against the channel history, ` +
        "so it is not posted twice, and the rotation is rebuilt from our earlier posts there.",
    );
    return emptyState();
  }

  private async write(state: WeeklyState): Promise<void> {
    const dir = path.dirname(this.path);
    const temp = path.join(dir, `.${path.basename(this.path)}.${process.pid}.${randomUUID()}.tmp`);
    const handle = await fs.open(temp, "wx", 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, this.path);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }

  private async lock(): Promise<string> {
    const token = randomUUID();
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      try {
        const handle = await fs.open(this.lockPath, "wx", 0o644);
        heldLocks.add(token);
        try {
          const owner: LockOwner = { pid: process.pid, host: os.hostname(), token, acquiredAt: new Date().toISOString() };
          await handle.writeFile(JSON.stringify(owner));
        } catch (error) {
          // A disk that is full (ENOSPC) must not leave an empty lock behind for others to wait on.
          heldLocks.delete(token);
          await handle.close().catch(() => undefined);
          await fs.rm(this.lockPath, { force: true });
          throw error;
        }
        await handle.close();
        return token;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = await this.readLock();
      if (holder === "gone") continue;
      if (holder !== "unreadable" && this.lockIsStale(holder)) {
        // Re-read right before removing, so a lock taken over meanwhile is not removed.
        const again = await this.readLock();
        if (again !== "gone" && again !== "unreadable" && again.token === holder.token) {
          this.logger?.warn(
            `Direction of the week: removing the abandoned lock ${this.lockPath} (pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt}).`,
          );
          await fs.rm(this.lockPath, { force: true });
        }
        continue;
      }
      if (holder === "unreadable" && (await this.lockAgeMs()) > this.staleLockMs) {
        await fs.rm(this.lockPath, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder === "unreadable" ? "another process" : `pid ${holder.pid} on ${holder.host}`;
        throw new StateLockedError(
          `the state file ${this.path} is locked by ${who}; if no other directions process is running, delete ${this.lockPath}`,
        );
      }
      await delay(10 + Math.random() * 20);
    }
  }

  private lockIsStale(holder: LockOwner): boolean {
    // Either way: a lock dated far in the future (a clock that was wrong) is as abandoned as an old one.
    const age = Math.abs(Date.now() - Date.parse(holder.acquiredAt));
    if (!(age < this.staleLockMs)) return true;
    return !ownerMayBeAlive(holder, holder.token, heldLocks);
  }

  private async readLock(): Promise<LockOwner | "gone" | "unreadable"> {
    try {
      const owner = JSON.parse(await fs.readFile(this.lockPath, "utf8")) as LockOwner;
      if (typeof owner.pid !== "number" || typeof owner.token !== "string") return "unreadable";
      return owner;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
      // Empty or half-written: its creator is between open and write.
      return "unreadable";
    }
  }

  private async lockAgeMs(): Promise<number> {
    try {
      return Date.now() - (await fs.stat(this.lockPath)).mtimeMs;
    } catch {
      return 0;
    }
  }

  private async unlock(token: string): Promise<void> {
    heldLocks.delete(token);
    const holder = await this.readLock();
    if (holder !== "gone" && holder !== "unreadable" && holder.token === token) {
      await fs.rm(this.lockPath, { force: true });
    }
  }
}

/** Makes the rename durable. Some platforms (Windows) cannot open a folder: best effort. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
    // not supported here; the rename itself is still atomic
  } finally {
    await handle?.close();
  }
}

/** A wait on the global `setTimeout`, so tests' fake timers govern it; also the default wait of the publisher and post-weekly. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether each of `fields` of `record` is a non-empty string. */
function hasTextFields<T>(record: Partial<T>, fields: readonly (keyof T & string)[]): boolean {
  return fields.every((field) => {
    const value: unknown = record[field];
    return typeof value === "string" && value.length > 0;
  });
}

/** Why `data` is not a state we wrote, or undefined when it is. */
function validateState(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return "not a JSON object";
  const state = data as Partial<WeeklyState>;
  if (state.version !== 1) return `unknown version ${JSON.stringify(state.version)}`;
  if (!Array.isArray(state.posts)) return '"posts" is not a list';
  for (const [i, post] of state.posts.entries()) {
    const p = post as Partial<PostRecord> | null;
    if (!p || !hasTextFields(p, ["week", "direction", "channel", "ts"]) || !Number.isInteger(p.cycle) || (p.cycle as number) < 1) {
      return `posts[${i}] lacks week, direction, cycle, channel or ts`;
    }
  }
  if (state.claims === undefined) state.claims = [];
  if (!Array.isArray(state.claims)) return '"claims" is not a list';
  for (const [i, claim] of state.claims.entries()) {
    const c = claim as Partial<Claim> | null;
    if (!c || !hasTextFields(c, ["week", "direction", "runId", "leaseUntil"])) {
      return `claims[${i}] is malformed`;
    }
  }
  return undefined;
}
