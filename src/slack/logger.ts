/**
 * The app's logger: one line per entry on stderr (stdout stays free for the
 * terminal mode's answers), and every Slack token scrubbed from whatever is
 * logged, including errors thrown by libraries.
 */
import { inspect } from "node:util";
import { LogLevel, type Logger } from "@slack/bolt";

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/** Slack tokens (bot, user, app-level, refresh, config) and signing-secret-looking values after a key. */
const TOKEN = /\b(xox[abposre]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]+/g;
const BEARER = /(Bearer\s+)[^\s"',]+/gi;

/** Removes anything that looks like a Slack token from `text`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN, (_m, prefix: string) => `${prefix}-[redacted]`).replace(BEARER, "$1[redacted]");
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  }
  return out;
}

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  switch ((value ?? "").trim().toLowerCase()) {
    case "debug":
      return LogLevel.DEBUG;
    case "info":
      return LogLevel.INFO;
    case "warn":
    case "warning":
      return LogLevel.WARN;
    case "error":
      return LogLevel.ERROR;
    default:
      return undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const data = (value as { data?: { error?: unknown } }).data;
    const parts = [`${value.name}: ${value.message}`];
    if (typeof code === "string" && !value.message.includes(code)) parts.push(`(code ${code})`);
    if (data && typeof data.error === "string" && !value.message.includes(data.error)) parts.push(`(slack error ${data.error})`);
    const cause = (value as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== value) parts.push(`caused by ${describe(cause)}`);
    return parts.join(" ");
  }
  return inspect(value, { depth: 3, breakLength: Infinity });
}

export interface AppLoggerOptions {
  level?: LogLevel;
  name?: string;
  /** Where lines go (default: stderr). */
  write?: (line: string) => void;
  /** Extra secret values to scrub (e.g. the signing secret). */
  secrets?: readonly string[];
}

/** A `@slack/logger`-compatible logger that redacts tokens and writes to stderr. */
export class AppLogger implements Logger {
  private level: LogLevel;
  private name: string;
  private readonly write: (line: string) => void;
  private readonly secrets: readonly string[];

  constructor(options: AppLoggerOptions = {}) {
    this.level = options.level ?? LogLevel.INFO;
    this.name = options.name ?? "directions";
    this.write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    this.secrets = options.secrets ?? [];
  }

  debug(...msg: unknown[]): void {
    this.log(LogLevel.DEBUG, msg);
  }
  info(...msg: unknown[]): void {
    this.log(LogLevel.INFO, msg);
  }
  warn(...msg: unknown[]): void {
    this.log(LogLevel.WARN, msg);
  }
  error(...msg: unknown[]): void {
    this.log(LogLevel.ERROR, msg);
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(name: string): void {
    this.name = name;
  }

  private log(level: LogLevel, msg: unknown[]): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const text = msg.map(describe).join(" ");
    this.write(redact(`[${level.toUpperCase()}] ${this.name} ${text}`, this.secrets));
  }
}
