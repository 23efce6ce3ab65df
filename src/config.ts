/**
 * Settings from the environment (`.env` is loaded by main.ts with dotenv; real
 * environment variables win). Which Slack variables are set decides the mode:
 *
 * - `SLACK_APP_TOKEN` set              → Socket Mode (needs `SLACK_BOT_TOKEN` too);
 * - else `SLACK_SIGNING_SECRET` set    → HTTP mode on `PORT` (needs `SLACK_BOT_TOKEN`);
 * - else `SLACK_BOT_TOKEN` set         → error: it needs one of the two above;
 * - no Slack variable at all           → the terminal shell.
 *
 * A missing or malformed variable throws `ConfigError` with one message that
 * names it and says where to get it. Messages never contain a token's value.
 */
import { LogLevel } from "@slack/bolt";
import { parseLogLevel } from "./slack/logger.js";

/** A missing or malformed setting: the message names the variable and where to get it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Mode = "socket" | "http" | "shell";

interface Common {
  logLevel: LogLevel;
}

export interface SocketConfig extends Common {
  mode: "socket";
  botToken: string;
  appToken: string;
  /** Base URL of the Web API (`https://slack.com/api/` unless `SLACK_API_URL` says otherwise). */
  apiUrl?: string;
}

export interface HttpConfig extends Common {
  mode: "http";
  botToken: string;
  signingSecret: string;
  /** From `PORT`: 1–65535. Code may pass 0 (any free port), as the tests do. */
  port: number;
  apiUrl?: string;
}

export interface ShellConfig extends Common {
  mode: "shell";
}

export type AppConfig = SocketConfig | HttpConfig | ShellConfig;

export type Env = Record<string, string | undefined>;

const WHERE = {
  SLACK_BOT_TOKEN: "OAuth & Permissions → Bot User OAuth Token (install the app to your workspace first)",
  SLACK_APP_TOKEN: "Basic Information → App-Level Tokens, a token with the connections:write scope",
  SLACK_SIGNING_SECRET: "Basic Information → App Credentials → Signing Secret",
} as const;

/** A setting's value, trimmed; undefined when it is unset or empty (an empty value counts as unset). */
export function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** What kind of token a value looks like, to say "that's a user token" without echoing it. */
function tokenKind(token: string): string {
  const prefix = /^(xox[a-z]|xapp)-/.exec(token)?.[1];
  switch (prefix) {
    case "xoxb":
      return "a bot token (xoxb-)";
    case "xoxp":
      return "a user token (xoxp-)";
    case "xapp":
      return "an app-level token (xapp-)";
    case undefined:
      return "not a Slack token";
    default:
      return `a ${prefix}- token`;
  }
}

/** What is wrong with the characters of a pasted token or secret, if anything (without echoing it). */
function characterProblem(secret: string): string | undefined {
  if (/\s/.test(secret)) return "contains spaces";
  if (/["'`]/.test(secret)) return "contains quotes";
  if (/[^A-Za-z0-9-]/.test(secret)) return "contains characters other than letters, digits and dashes";
  return undefined;
}

/** Checks a token's characters, then its prefix (`xoxb`, `xapp`). */
function checkToken(name: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN", token: string, prefix: string): string {
  const problem = characterProblem(token);
  if (problem !== undefined) throw new ConfigError(`${name} ${problem}: copy it again from ${WHERE[name]}`);
  if (!token.startsWith(`${prefix}-`)) {
    throw new ConfigError(`${name} is malformed: it should start with ${prefix}- but is ${tokenKind(token)}: ${WHERE[name]}`);
  }
  if (token === `${prefix}-`) throw new ConfigError(`${name} is incomplete (just "${prefix}-"): copy it again from ${WHERE[name]}`);
  return token;
}

function checkBotToken(env: Env, needed: string): string {
  const token = setting(env, "SLACK_BOT_TOKEN");
  if (token === undefined) throw new ConfigError(`SLACK_BOT_TOKEN is missing (${needed}): ${WHERE.SLACK_BOT_TOKEN}`);
  return checkToken("SLACK_BOT_TOKEN", token, "xoxb");
}

function checkSigningSecret(secret: string): void {
  const where = WHERE.SLACK_SIGNING_SECRET;
  if (/^(xox[a-z]|xapp)-/.test(secret)) {
    throw new ConfigError(`SLACK_SIGNING_SECRET is malformed: it is ${tokenKind(secret)}, not the signing secret: ${where}`);
  }
  const problem = characterProblem(secret);
  if (problem !== undefined) throw new ConfigError(`SLACK_SIGNING_SECRET ${problem}: copy it again from ${where}`);
  if (secret.length < 8) throw new ConfigError(`SLACK_SIGNING_SECRET is too short for a signing secret: copy it again from ${where}`);
}

function checkApiUrl(env: Env): string | undefined {
  const raw = setting(env, "SLACK_API_URL");
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`SLACK_API_URL is malformed: expected a URL such as https://slack.com/api/ (leave it unset for slack.com)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`SLACK_API_URL is malformed: expected an http(s) URL such as https://slack.com/api/ (leave it unset for slack.com)`);
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

function checkPort(env: Env): number {
  const raw = setting(env, "PORT");
  if (raw === undefined) return 3000;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new ConfigError(`PORT is malformed: expected a port number from 1 to 65535 (default 3000)`);
  }
  return Number(raw);
}

function checkLogLevel(env: Env): LogLevel {
  const raw = setting(env, "LOG_LEVEL");
  if (raw === undefined) return LogLevel.INFO;
  const level = parseLogLevel(raw);
  if (level === undefined) throw new ConfigError(`LOG_LEVEL is malformed: expected debug, info, warn or error (default info)`);
  return level;
}

/** Reads and checks the settings; throws `ConfigError` on the first problem. */
export function readConfig(env: Env = process.env): AppConfig {
  const logLevel = checkLogLevel(env);
  const botToken = setting(env, "SLACK_BOT_TOKEN");
  const appToken = setting(env, "SLACK_APP_TOKEN");
  const signingSecret = setting(env, "SLACK_SIGNING_SECRET");

  if (botToken === undefined && appToken === undefined && signingSecret === undefined) {
    return { mode: "shell", logLevel };
  }

  if (appToken !== undefined) {
    checkToken("SLACK_APP_TOKEN", appToken, "xapp");
    const token = checkBotToken(env, "Socket Mode needs it with SLACK_APP_TOKEN");
    return { mode: "socket", botToken: token, appToken, apiUrl: checkApiUrl(env), logLevel };
  }

  if (signingSecret === undefined) {
    throw new ConfigError(
      `SLACK_SIGNING_SECRET is missing: ${WHERE.SLACK_SIGNING_SECRET} (or set SLACK_APP_TOKEN to use Socket Mode instead)`,
    );
  }
  checkSigningSecret(signingSecret);
  const token = checkBotToken(env, "HTTP mode needs it with SLACK_SIGNING_SECRET");
  return { mode: "http", botToken: token, signingSecret, port: checkPort(env), apiUrl: checkApiUrl(env), logLevel };
}

/** One line describing the configuration, without secrets (for the start-up log). */
export function describeConfig(config: AppConfig): string {
  switch (config.mode) {
    case "shell":
      return "terminal mode (no Slack tokens set)";
    case "socket":
      return `Socket Mode${config.apiUrl ? ` via ${config.apiUrl}` : ""}`;
    case "http":
      return `HTTP mode on port ${config.port}${config.apiUrl ? ` via ${config.apiUrl}` : ""}`;
  }
}
