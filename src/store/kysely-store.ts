/**
 * `Store` over Kysely: one code path for SQLite and PostgreSQL. What differs
 * between the engines is in `Engine` (sqlite.ts, postgres.ts): how a
 * transaction keeps others off a key, and one column type of the migrations.
 */
import { Migrator, sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { migrationProvider, type MigrationDialect } from "./migrations.js";
import type { Schema, SubscriptionsTable, WeeklyClaimsTable, WeeklyPostsTable } from "./schema.js";
import type { Claim, PostRecord, Store, StoreEngine, Subscription, WeekPlan, WeekView } from "./types.js";

/** An open database, as the store uses it. */
export interface Engine {
  engine: StoreEngine;
  /** A file path, or the URL without its password. */
  location: string;
  db: Kysely<Schema>;
  migrationDialect: MigrationDialect;
  /**
   * Called first in a transaction: from then on to its end, no other
   * transaction that locks `key` runs, in any process.
   */
  lock(trx: Transaction<Schema>, key: string): Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function toPost(row: Selectable<WeeklyPostsTable>): PostRecord {
  return {
    channel: row.channel,
    week: row.week,
    direction: row.direction,
    cycle: row.cycle,
    ts: row.ts,
    recordedAt: iso(row.recorded_at),
    ...(row.found_in_history ? { foundInHistory: true } : {}),
  };
}

function toClaim(row: Selectable<WeeklyClaimsTable>): Claim {
  return {
    channel: row.channel,
    week: row.week,
    direction: row.direction,
    cycle: row.cycle,
    runId: row.run_id,
    pid: row.pid,
    host: row.host,
    claimedAt: iso(row.claimed_at),
    leaseUntil: iso(row.lease_until),
    ...(row.sent_at !== null ? { sentAt: iso(row.sent_at) } : {}),
  };
}

function postRow(post: PostRecord) {
  return {
    channel: post.channel,
    week: post.week,
    direction: post.direction,
    cycle: post.cycle,
    ts: post.ts,
    recorded_at: Date.parse(post.recordedAt),
    found_in_history: post.foundInHistory ? 1 : 0,
  };
}

function toSubscription(row: Selectable<SubscriptionsTable>): Subscription {
  return {
    channel: row.channel,
    schedule: row.cron !== null ? { cron: row.cron } : { day: row.day ?? 1, minute: row.minute ?? 0 },
    timeZone: row.time_zone,
    source: row.source === "deployment" ? "deployment" : "slack",
    activeFrom: iso(row.active_from),
    ...(row.paused ? { paused: row.paused_until !== null ? { until: row.paused_until } : {} } : {}),
    ...(row.skip_week !== null ? { skipWeek: row.skip_week } : {}),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: iso(row.updated_at),
    ...(row.broken_reason !== null ? { broken: { reason: row.broken_reason, since: iso(row.broken_at ?? 0) } } : {}),
  };
}

function subscriptionRow(subscription: Subscription): SubscriptionsTable {
  const { schedule } = subscription;
  return {
    channel: subscription.channel,
    day: "day" in schedule ? schedule.day : null,
    minute: "minute" in schedule ? schedule.minute : null,
    cron: "cron" in schedule ? schedule.cron : null,
    time_zone: subscription.timeZone,
    source: subscription.source,
    active_from: Date.parse(subscription.activeFrom),
    paused: subscription.paused ? 1 : 0,
    paused_until: subscription.paused?.until ?? null,
    skip_week: subscription.skipWeek ?? null,
    created_by: subscription.createdBy,
    created_at: Date.parse(subscription.createdAt),
    updated_by: subscription.updatedBy,
    updated_at: Date.parse(subscription.updatedAt),
    broken_reason: subscription.broken?.reason ?? null,
    broken_at: subscription.broken ? Date.parse(subscription.broken.since) : null,
  };
}

/** Runs the migrations not yet applied; throws the first failure. */
export async function migrate(engine: Engine): Promise<void> {
  const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.migrationDialect) });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

export class KyselyStore implements Store {
  readonly engine: StoreEngine;
  readonly location: string;
  private readonly db: Kysely<Schema>;

  constructor(
    private readonly opened: Engine,
    private readonly now: () => number = Date.now,
  ) {
    this.engine = opened.engine;
    this.location = opened.location;
    this.db = opened.db;
  }

  async claimDelivery(keys: readonly string[], ttlMs: number): Promise<boolean> {
    // Sorted, so that two claims sharing keys take their row locks in one order.
    const unique = [...new Set(keys.filter((key) => key !== ""))].sort();
    if (unique.length === 0) return true;
    const now = this.now();
    // A key whose memory has expired counts as new: it is taken over, and counted as written.
    const { numInsertedOrUpdatedRows } = await this.db
      .insertInto("deliveries")
      .values(unique.map((key) => ({ key, expires_at: now + ttlMs })))
      .onConflict((conflict) =>
        conflict
          .column("key")
          .doUpdateSet({ expires_at: (eb) => eb.ref("excluded.expires_at") })
          .where("deliveries.expires_at", "<=", now),
      )
      .executeTakeFirst();
    return Number(numInsertedOrUpdatedRows ?? 0) === unique.length;
  }

  async pruneDeliveries(): Promise<number> {
    const { numDeletedRows } = await this.db.deleteFrom("deliveries").where("expires_at", "<=", this.now()).executeTakeFirst();
    return Number(numDeletedRows);
  }

  planWeek<T>(channel: string, week: string, plan: (view: WeekView) => WeekPlan<T>): Promise<T> {
    return this.withChannel(channel, async (trx) => {
      const { claim, result } = plan(await this.viewIn(trx, channel, week));
      if (claim) {
        const row = {
          channel,
          week,
          direction: claim.direction,
          cycle: claim.cycle,
          run_id: claim.runId,
          pid: claim.pid,
          host: claim.host,
          claimed_at: Date.parse(claim.claimedAt),
          lease_until: Date.parse(claim.leaseUntil),
          sent_at: claim.sentAt !== undefined ? Date.parse(claim.sentAt) : null,
        };
        await trx
          .insertInto("weekly_claims")
          .values(row)
          .onConflict((conflict) => conflict.columns(["channel", "week"]).doUpdateSet(row))
          .execute();
      }
      return result;
    });
  }

  recordPost(post: PostRecord, runId: string): Promise<PostRecord> {
    // Under the channel's lock: a planWeek reads the posts and then the claim, and must not see this commit between the two.
    return this.withChannel(post.channel, async (trx) => {
      await this.deleteClaim(trx, post.channel, post.week, runId);
      await trx
        .insertInto("weekly_posts")
        .values(postRow(post))
        .onConflict((conflict) => conflict.columns(["channel", "week"]).doNothing())
        .execute();
      const standing = await trx
        .selectFrom("weekly_posts")
        .selectAll()
        .where("channel", "=", post.channel)
        .where("week", "=", post.week)
        .executeTakeFirstOrThrow();
      return toPost(standing);
    });
  }

  markSent(channel: string, week: string, runId: string, sentAt: string): Promise<boolean> {
    // Under the channel's lock, and only while the lease runs: a run that lost its claim (it stalled past its
    // lease and another run took the week over) learns it here, before sending anything.
    return this.withChannel(channel, async (trx) => {
      const { numUpdatedRows } = await trx
        .updateTable("weekly_claims")
        .set({ sent_at: Date.parse(sentAt) })
        .where("channel", "=", channel)
        .where("week", "=", week)
        .where("run_id", "=", runId)
        .where("lease_until", ">", Date.parse(sentAt))
        .executeTakeFirst();
      return Number(numUpdatedRows) > 0;
    });
  }

  week(channel: string, week: string): Promise<WeekView> {
    return this.viewIn(this.db, channel, week);
  }

  async releaseClaim(channel: string, week: string, runId: string): Promise<void> {
    await this.deleteClaim(this.db, channel, week, runId);
  }

  posts(channel: string): Promise<PostRecord[]> {
    return this.postsIn(this.db, channel);
  }

  async importPosts(posts: readonly PostRecord[], options: { onlyIntoEmptyChannels?: boolean } = {}): Promise<number> {
    const byChannel = new Map<string, PostRecord[]>();
    for (const post of posts) byChannel.set(post.channel, [...(byChannel.get(post.channel) ?? []), post]);
    let added = 0;
    for (const [channel, ofChannel] of byChannel) {
      added += await this.withChannel(channel, async (trx) => {
        if (options.onlyIntoEmptyChannels && (await this.postsIn(trx, channel)).length > 0) return 0;
        let inserted = 0;
        for (const post of ofChannel) {
          const { numInsertedOrUpdatedRows } = await trx
            .insertInto("weekly_posts")
            .values(postRow(post))
            .onConflict((conflict) => conflict.columns(["channel", "week"]).doNothing())
            .executeTakeFirst();
          inserted += Number(numInsertedOrUpdatedRows ?? 0);
        }
        return inserted;
      });
    }
    return added;
  }

  async subscriptions(): Promise<Subscription[]> {
    const rows = await this.db.selectFrom("subscriptions").selectAll().orderBy("channel").execute();
    return rows.map(toSubscription);
  }

  async subscription(channel: string): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom("subscriptions").selectAll().where("channel", "=", channel).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  }

  changeSubscription(
    channel: string,
    change: (current: Subscription | undefined) => Subscription | null | undefined,
  ): Promise<Subscription | undefined> {
    return this.withChannel(channel, async (trx) => {
      const row = await trx.selectFrom("subscriptions").selectAll().where("channel", "=", channel).executeTakeFirst();
      const current = row ? toSubscription(row) : undefined;
      const next = change(current);
      if (next === undefined) return current;
      if (next === null) {
        await trx.deleteFrom("subscriptions").where("channel", "=", channel).execute();
        return undefined;
      }
      const values = subscriptionRow({ ...next, channel });
      await trx
        .insertInto("subscriptions")
        .values(values)
        .onConflict((conflict) => conflict.column("channel").doUpdateSet(values))
        .execute();
      return toSubscription(values as Selectable<SubscriptionsTable>);
    });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** A transaction that no other one on the same channel's weekly data overlaps. */
  private withChannel<T>(channel: string, work: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await this.opened.lock(trx, `weekly:${channel}`);
      return work(trx);
    });
  }

  private async viewIn(db: Kysely<Schema>, channel: string, week: string): Promise<WeekView> {
    const posts = await this.postsIn(db, channel);
    const claimRow = await db.selectFrom("weekly_claims").selectAll().where("channel", "=", channel).where("week", "=", week).executeTakeFirst();
    return { posts, ...(claimRow ? { claim: toClaim(claimRow) } : {}) };
  }

  private async postsIn(db: Kysely<Schema>, channel: string): Promise<PostRecord[]> {
    const rows = await db.selectFrom("weekly_posts").selectAll().where("channel", "=", channel).orderBy("id").execute();
    return rows.map(toPost);
  }

  private async deleteClaim(db: Kysely<Schema>, channel: string, week: string, runId: string): Promise<void> {
    await db.deleteFrom("weekly_claims").where("channel", "=", channel).where("week", "=", week).where("run_id", "=", runId).execute();
  }
}
