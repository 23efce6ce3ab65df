/**
 * Configuration: which mode the variables select, and one clear message per
 * missing or malformed variable, both from readConfig and from `npm start`
 * itself (dist/src/main.js in a fresh process, cwd a temp dir so no .env is read).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.js";
import { readStoreConfig } from "../src/store/index.js";
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from "./support/app-harness.js";
import { startFakeSlack } from "./support/fake-slack.js";
import { freePort, PG_PASSWORD, pgSkipReason, startPostgres } from "./support/postgres.js";
import { postSlashCommand } from "./support/slack-requests.js";

const main = join(import.meta.dirname, "..", "dist", "src", "main.js");
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "directions-config-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Only what Node needs: no Slack variable leaks in from the machine running the tests. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...extra };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(env: NodeJS.ProcessEnv, options: { input?: string; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { env, cwd: options.cwd ?? tempDir(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

const message = (env: Record<string, string>, read: (env: Record<string, string>) => unknown = readConfig) => {
  try {
    read(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("no ConfigError");
};

describe("readConfig", () => {
  it("selects the terminal with no Slack variable, Socket Mode with an app token, else HTTP", () => {
    expect(readConfig({})).toMatchObject({ mode: "shell" });
    expect(readConfig({ SLACK_BOT_TOKEN: " ", SLACK_APP_TOKEN: "" })).toMatchObject({ mode: "shell" });
    expect(readConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET })).toMatchObject({
      mode: "socket",
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
    });
    expect(readConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET })).toMatchObject({ mode: "http", port: 3000 });
    expect(readConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: "8080" })).toMatchObject({ port: 8080 });
  });

  it("says what is wrong with a pasted token or secret (spaces, quotes, other characters), for all three, without echoing it", () => {
    const bot = "OAuth & Permissions → Bot User OAuth Token (install the app to your workspace first)";
    const app = "Basic Information → App-Level Tokens, a token with the connections:write scope";
    const secret = "Basic Information → App Credentials → Signing Secret";
    const cases: Array<[Record<string, string>, string]> = [
      [{ SLACK_BOT_TOKEN: "xoxb-abc def", SLACK_SIGNING_SECRET: SIGNING_SECRET }, `SLACK_BOT_TOKEN contains spaces: copy it again from ${bot}`],
      [{ SLACK_BOT_TOKEN: '"xoxb-abc-def"', SLACK_SIGNING_SECRET: SIGNING_SECRET }, `SLACK_BOT_TOKEN contains quotes: copy it again from ${bot}`],
      [{ SLACK_BOT_TOKEN: "xoxb-abc\u200Bdef", SLACK_SIGNING_SECRET: SIGNING_SECRET }, `SLACK_BOT_TOKEN contains characters other than letters, digits and dashes: copy it again from ${bot}`],
      [{ SLACK_BOT_TOKEN: "xoxb-", SLACK_SIGNING_SECRET: SIGNING_SECRET }, `SLACK_BOT_TOKEN is incomplete (just "xoxb-"): copy it again from ${bot}`],
      [{ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: "xapp-1-A0 TEST" }, `SLACK_APP_TOKEN contains spaces: copy it again from ${app}`],
      [{ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: "xapp-1-A0TEST'" }, `SLACK_APP_TOKEN contains quotes: copy it again from ${app}`],
      [{ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: "8f742231 b10e8888" }, `SLACK_SIGNING_SECRET contains spaces: copy it again from ${secret}`],
      [{ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: "8f742231b10e8888<" }, `SLACK_SIGNING_SECRET contains characters other than letters, digits and dashes: copy it again from ${secret}`],
    ];
    for (const [env, expected] of cases) expect(message(env)).toBe(expected);
  });

  it("normalizes SLACK_API_URL and LOG_LEVEL", () => {
    const config = readConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: "https://slack-gov.com/api", LOG_LEVEL: "DEBUG" });
    expect(config).toMatchObject({ apiUrl: "https://slack-gov.com/api/", logLevel: "debug" });
  });

  it("names the missing variable and where to get it", () => {
    expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN })).toBe(
      "SLACK_SIGNING_SECRET is missing: Basic Information → App Credentials → Signing Secret (or set SLACK_APP_TOKEN to use Socket Mode instead)",
    );
    expect(message({ SLACK_APP_TOKEN: APP_TOKEN })).toMatch(/^SLACK_BOT_TOKEN is missing .*OAuth & Permissions → Bot User OAuth Token/);
    expect(message({ SLACK_SIGNING_SECRET: SIGNING_SECRET })).toMatch(/^SLACK_BOT_TOKEN is missing/);
  });

  it("names the malformed variable without echoing a secret", () => {
    const user = "xoxp-9999-secretusertoken";
    const m1 = message({ SLACK_BOT_TOKEN: user, SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(m1).toMatch(/^SLACK_BOT_TOKEN is malformed: it should start with xoxb- but is a user token \(xoxp-\)/);
    expect(m1).not.toContain("secretusertoken");
    expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: BOT_TOKEN })).toMatch(/^SLACK_APP_TOKEN is malformed: .*bot token \(xoxb-\)/);
    expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: BOT_TOKEN })).toBe(
      "SLACK_SIGNING_SECRET is malformed: it is a bot token (xoxb-), not the signing secret: Basic Information → App Credentials → Signing Secret",
    );
    expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: "abc1234" })).toMatch(/^SLACK_SIGNING_SECRET is too short/);
    for (const port of ["http", "70000", "0", "-1", "80.5"]) {
      expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: port }), port).toBe(
        "PORT is malformed: expected a port number from 1 to 65535 (default 3000)",
      );
    }
    expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: "slack.com" })).toMatch(/^SLACK_API_URL is malformed/);
    expect(message({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: "ftp://x/api/" })).toMatch(/^SLACK_API_URL is malformed/);
    expect(message({ LOG_LEVEL: "loud" })).toMatch(/^LOG_LEVEL is malformed/);
  });
});

describe("readStoreConfig", () => {
  it("uses SQLite at data/directions.db, or DIRECTIONS_DB, relative to the working directory", () => {
    expect(readStoreConfig({}, "/srv/bot")).toEqual({ engine: "sqlite", path: "/srv/bot/data/directions.db" });
    expect(readStoreConfig({ DIRECTIONS_DB: "state/bot.db" }, "/srv/bot")).toEqual({ engine: "sqlite", path: "/srv/bot/state/bot.db" });
    expect(readStoreConfig({ DIRECTIONS_DB: "/var/lib/directions.db", DATABASE_URL: " " }, "/srv/bot")).toEqual({ engine: "sqlite", path: "/var/lib/directions.db" });
  });

  it("uses PostgreSQL when DATABASE_URL is set, and keeps the password out of what it shows", () => {
    const url = "postgresql://bot:p%40ss@db.internal:6543/directions?sslmode=verify-full";
    expect(readStoreConfig({ DATABASE_URL: url, DIRECTIONS_DB: "ignored.db" })).toEqual({
      engine: "postgres",
      url,
      safeUrl: "postgresql://bot:***@db.internal:6543/directions?sslmode=verify-full",
      password: "p@ss",
    });
    expect(readStoreConfig({ DATABASE_URL: "postgres://db/directions" })).toMatchObject({ engine: "postgres", safeUrl: "postgres://db/directions", password: "" });
  });

  it("names a malformed DATABASE_URL without echoing it", () => {
    for (const bad of ["db.internal:5432/directions", "mysql://bot:hunter22@db/directions", "postgres://bot:hunter22@/directions", "postgres://bot:hunter22@[oops/x", "postgres://bot:hunt%zz22@db/directions"]) {
      const text = message({ DATABASE_URL: bad }, readStoreConfig);
      expect(text).toMatch(/^DATABASE_URL is malformed: .*postgres:\/\/user:password@host:5432\/database/);
      expect(text).not.toContain("hunter22");
      expect(text).not.toContain("db.internal");
    }
  });
});

describe("npm start (dist/src/main.js)", () => {
  it("stops with one line naming the variable, and exit code 1, for PORT=0, a six-field DIRECTIONS_CRON and a token with a space", async () => {
    const http = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...http, PORT: "0" }, "directions: PORT is malformed: expected a port number from 1 to 65535 (default 3000)\n"],
      [
        { ...http, DIRECTIONS_CRON: "0 0 9 * * 1" },
        'directions: DIRECTIONS_CRON is not a valid cron expression ("0 0 9 * * 1": 6 fields, not 5); use five fields "minute hour day-of-month month day-of-week", e.g. "0 9 * * 1" for Mondays at 09:00.\n',
      ],
      [{ ...http, SLACK_BOT_TOKEN: "xoxb-abc def" }, "directions: SLACK_BOT_TOKEN contains spaces: copy it again from OAuth & Permissions → Bot User OAuth Token (install the app to your workspace first)\n"],
    ];
    const results = await Promise.all(cases.map(([env]) => run(baseEnv(env))));
    for (const [i, result] of results.entries()) {
      expect(result).toEqual({ code: 1, stdout: "", stderr: cases[i]?.[1] });
    }
  });

  it("stops with one line naming the missing variable and exit code 1", async () => {
    const result = await run(baseEnv({ SLACK_BOT_TOKEN: BOT_TOKEN }));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "directions: SLACK_SIGNING_SECRET is missing: Basic Information → App Credentials → Signing Secret (or set SLACK_APP_TOKEN to use Socket Mode instead)\n",
    );
    expect(result.stdout).toBe("");
  });

  it("reads .env from the working directory, and real environment variables win over it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".env"), `SLACK_BOT_TOKEN=${BOT_TOKEN}\nSLACK_SIGNING_SECRET=${SIGNING_SECRET}\nPORT=not-a-port\n`);
    const fromFile = await run(baseEnv(), { cwd: dir });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toMatch(/^directions: PORT is malformed/);

    // An empty real variable wins over the file too: with no Slack token left, it's the terminal.
    const overridden = await run(baseEnv({ SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "" }), { cwd: dir, input: "/directions list\n" });
    expect(overridden.code).toBe(0);
    expect(overridden.stdout).toContain("research directions");
  });

  it("stops with one line when Slack refuses the bot token, without printing it", async () => {
    const fake = await startFakeSlack();
    try {
      fake.failNext("auth.test", { error: "invalid_auth" });
      const result = await run(baseEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl }));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        "directions: SLACK_BOT_TOKEN was refused by Slack (invalid_auth): copy it again from OAuth & Permissions → Bot User OAuth Token",
      );
      expect(result.stderr + result.stdout).not.toContain(BOT_TOKEN);
    } finally {
      await fake.close();
    }
  });

  it("runs in HTTP mode, answers a signed command, and stops cleanly on SIGTERM", async () => {
    const fake = await startFakeSlack();
    const cwd = tempDir();
    const child = spawn(process.execPath, [main], {
      env: baseEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: String(await freePort()), SLACK_API_URL: fake.apiUrl }),
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let stderr = "";
      child.stderr.setEncoding("utf8");
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on("data", (d: string) => {
          stderr += d;
          const match = /Listening for Slack on port (\d+)/.exec(stderr);
          if (match) resolve(Number(match[1]));
        });
        child.on("close", () => reject(new Error(`exited early: ${stderr}`)));
      });
      // With no database settings, the embedded SQLite file appears under data/.
      expect(stderr).toContain(`Store: SQLite at ${join(cwd, "data", "directions.db")}`);
      expect(existsSync(join(cwd, "data", "directions.db"))).toBe(true);
      const response = await postSlashCommand(`http://127.0.0.1:${port}`, SIGNING_SECRET, { text: "compression", response_url: fake.responseUrl() });
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).toMatch(/模型压缩|蒸馏/);

      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toContain("Received SIGTERM; stopping");
      expect(stderr).not.toContain(BOT_TOKEN);
      expect(stderr).not.toContain(SIGNING_SECRET);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await fake.close();
    }
  });

  it("stops with one line naming DATABASE_URL when it is malformed, without printing it", async () => {
    const result = await run(baseEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, DATABASE_URL: "mysql://bot:hunter22@db/directions" }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^directions: DATABASE_URL is malformed: it should start with postgres:\/\/ or postgresql:\/\/[^\n]*\n$/);
    expect(result.stderr).not.toContain("hunter22");
  });

  it.skipIf(pgSkipReason !== undefined)("stops with one line naming DATABASE_URL when PostgreSQL refuses the password, without printing it", async () => {
    const postgres = await startPostgres();
    try {
      const url = postgres.url().replace(PG_PASSWORD, "wrong-password-42");
      const result = await run(baseEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, DATABASE_URL: url }));
      expect(result.code).toBe(1);
      const lines = result.stderr.split("\n").filter((line) => line.startsWith("directions:"));
      expect(lines).toEqual([
        `directions: DATABASE_URL was refused by PostgreSQL at postgres://postgres:***@127.0.0.1:${postgres.port}/postgres: password authentication failed for user "postgres" (28P01)`,
      ]);
      expect(result.stderr).not.toContain("wrong-password-42");
    } finally {
      postgres.destroy();
    }
  }, 30_000);
});
