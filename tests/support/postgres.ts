/**
 * A throwaway PostgreSQL server for the tests, from Debian's `postgresql`
 * package (`/usr/lib/postgresql/<version>/bin`): a temporary data folder, a
 * free loopback port, TCP connections that need a password (scram), and
 * stop()/start() to simulate an outage. The server refuses to run as root, so
 * as root it runs as the `postgres` system user (through runuser) in a folder
 * that user owns.
 *
 * Without the binaries the PostgreSQL tests (and the benchmark's PostgreSQL
 * part) skip with one printed line, except under CI (`CI=true`), where they
 * must run: `pgSkipReason` is then undefined and `startPostgres()` fails loudly.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The superuser's password on TCP (connections over the socket folder need none). */
export const PG_PASSWORD = "s3cret-pg-password";

function findBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, "bin")).find((bin) => existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl")));
}

const binDir = findBinDir();

/** Why the PostgreSQL tests are skipped here, or undefined when they run. */
export const pgSkipReason: string | undefined =
  binDir === undefined && process.env.CI !== "true"
    ? "PostgreSQL skipped: no initdb/pg_ctl under /usr/lib/postgresql/<version>/bin (apt-get install postgresql)"
    : undefined;

if (pgSkipReason) console.log(pgSkipReason);

/** A free loopback port: nothing listens there (until someone does). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestPostgres {
  port: number;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut), as in an outage (nothing when it is stopped). */
  stop(): void;
  /** Starts it again on the same port (nothing when it runs). */
  start(): void;
  /** Stops it and removes its folder. */
  destroy(): void;
}

export async function startPostgres(): Promise<TestPostgres> {
  if (binDir === undefined) throw new Error("PostgreSQL binaries not found under /usr/lib/postgresql/<version>/bin; install Debian's postgresql package");
  const bin = binDir;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "directions-pg-"));
  const data = join(dir, "data");
  const pwfile = join(dir, "pwfile");
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(command as string, argv as string[], { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  };
  const port = await freePort();
  run("initdb", ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  let running = false;
  const server: TestPostgres = {
    port,
    url: (database = "postgres") => `postgres://postgres:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
    async createDatabase() {
      const name = `t_${Math.random().toString(36).slice(2, 10)}`;
      const admin = new pg.Client({ connectionString: server.url() });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return server.url(name);
    },
    start() {
      if (running) return;
      run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
      running = true;
    },
    stop() {
      if (!running) return;
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      running = false;
    },
    destroy() {
      try {
        server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  server.start();
  return server;
}
