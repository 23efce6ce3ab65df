/**
 * The tables as Kysely sees them, after every migration in migrations.ts.
 * Instants are milliseconds since the epoch (`bigint` columns, read back as
 * numbers on both engines); flags are 0 or 1.
 */
import type { Generated } from "kysely";

export interface DeliveriesTable {
  /** `event:<event id>` or `message:<channel>:<ts>`. */
  key: string;
  expires_at: number;
}

export interface WeeklyPostsTable {
  /** Order of recording: a channel's rotation reads its posts in this order. */
  id: Generated<number>;
  channel: string;
  week: string;
  direction: string;
  cycle: number;
  ts: string;
  recorded_at: number;
  found_in_history: number;
}

export interface WeeklyClaimsTable {
  channel: string;
  week: string;
  direction: string;
  cycle: number;
  run_id: string;
  pid: number;
  host: string;
  claimed_at: number;
  lease_until: number;
  sent_at: number | null;
}

export interface SubscriptionsTable {
  channel: string;
  /** ISO weekday and minute of the day, or a cron expression (deployment only): one of the two is set. */
  day: number | null;
  minute: number | null;
  cron: string | null;
  time_zone: string;
  /** `slack` or `deployment`. */
  source: string;
  active_from: number;
  paused: number;
  paused_until: string | null;
  skip_week: string | null;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
  broken_reason: string | null;
  broken_at: number | null;
}

export interface Schema {
  deliveries: DeliveriesTable;
  weekly_posts: WeeklyPostsTable;
  weekly_claims: WeeklyClaimsTable;
  subscriptions: SubscriptionsTable;
}
