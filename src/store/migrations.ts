/**
 * Versioned migrations, as code: each runs once per database, in name order,
 * at start-up (Kysely's Migrator, which records them in `kysely_migration`).
 * Never edit one that has shipped; add the next one instead (`0002_…`).
 *
 * The few engine differences are passed in (`MigrationDialect`) so that one
 * migration serves both engines.
 */
import type { Kysely, Migration, MigrationProvider } from "kysely";

export interface MigrationDialect {
  /** Column type of an auto-numbered primary key (`integer` is SQLite's rowid; `serial` on PostgreSQL). */
  autoIdType: "integer" | "serial";
}

function migrations(dialect: MigrationDialect): Record<string, Migration> {
  return {
    "0001_deliveries_and_weekly_posts": {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("deliveries")
          .addColumn("key", "text", (col) => col.primaryKey())
          .addColumn("expires_at", "bigint", (col) => col.notNull())
          .execute();
        await db.schema.createIndex("deliveries_expires_at").on("deliveries").column("expires_at").execute();

        await db.schema
          .createTable("weekly_posts")
          .addColumn("id", dialect.autoIdType, (col) => col.primaryKey())
          .addColumn("channel", "text", (col) => col.notNull())
          .addColumn("week", "text", (col) => col.notNull())
          .addColumn("direction", "text", (col) => col.notNull())
          .addColumn("cycle", "integer", (col) => col.notNull())
          .addColumn("ts", "text", (col) => col.notNull())
          .addColumn("recorded_at", "bigint", (col) => col.notNull())
          .addColumn("found_in_history", "integer", (col) => col.notNull().defaultTo(0))
          .addUniqueConstraint("weekly_posts_channel_week", ["channel", "week"])
          .execute();

        await db.schema
          .createTable("weekly_claims")
          .addColumn("channel", "text", (col) => col.notNull())
          .addColumn("week", "text", (col) => col.notNull())
          .addColumn("direction", "text", (col) => col.notNull())
          .addColumn("cycle", "integer", (col) => col.notNull())
          .addColumn("run_id", "text", (col) => col.notNull())
          .addColumn("pid", "integer", (col) => col.notNull())
          .addColumn("host", "text", (col) => col.notNull())
          .addColumn("claimed_at", "bigint", (col) => col.notNull())
          .addColumn("lease_until", "bigint", (col) => col.notNull())
          .addColumn("sent_at", "bigint")
          .addPrimaryKeyConstraint("weekly_claims_channel_week", ["channel", "week"])
          .execute();
      },
    },
    "0002_subscriptions": {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("subscriptions")
          .addColumn("channel", "text", (col) => col.primaryKey())
          .addColumn("day", "integer")
          .addColumn("minute", "integer")
          .addColumn("cron", "text")
          .addColumn("time_zone", "text", (col) => col.notNull())
          .addColumn("source", "text", (col) => col.notNull())
          .addColumn("active_from", "bigint", (col) => col.notNull())
          .addColumn("paused", "integer", (col) => col.notNull().defaultTo(0))
          .addColumn("paused_until", "text")
          .addColumn("skip_week", "text")
          .addColumn("created_by", "text", (col) => col.notNull())
          .addColumn("created_at", "bigint", (col) => col.notNull())
          .addColumn("updated_by", "text", (col) => col.notNull())
          .addColumn("updated_at", "bigint", (col) => col.notNull())
          .addColumn("broken_reason", "text")
          .addColumn("broken_at", "bigint")
          .execute();
      },
    },
  };
}

/** The migrations for Kysely's Migrator. */
export function migrationProvider(dialect: MigrationDialect): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(dialect)) };
}
