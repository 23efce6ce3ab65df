/**
 * Whether the run that holds a week's claim may still be posting. A claim
 * lives in the store (see src/store/); this is how a run judges another's:
 * on this host the OS says whether its process still runs; on another host
 * only its lease counts.
 */
import os from "node:os";

/** What a claim says of its owner. */
export interface ClaimOwner {
  runId: string;
  pid: number;
  host: string;
  /** ISO 8601: after this instant the claim is abandoned, whoever made it. */
  leaseUntil: string;
}

/** Runs that this very process is doing, to tell them from a previous incarnation with the same pid (containers reuse pid 1). */
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
 * No run takes a lease this long (they take two minutes): a claim whose lease
 * ends further ahead was written by a host whose clock was wrong, and must
 * not hold the week for as long as that clock is ahead.
 */
const MAX_LEASE_MS = 10 * 60_000;

/** Whether a claim belongs to a run that may still post (alive and within its lease). */
export function claimIsLive(claim: ClaimOwner, now: Date = new Date()): boolean {
  const leaseLeft = Date.parse(claim.leaseUntil) - now.getTime();
  if (!(leaseLeft > 0 && leaseLeft <= MAX_LEASE_MS)) return false;
  if (claim.host !== os.hostname()) return true;
  if (claim.pid === process.pid) return activeRuns.has(claim.runId);
  return processIsRunning(claim.pid);
}

/** A wait on the global `setTimeout`, so tests' fake timers govern it; also the default wait of the publisher and post-weekly. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
