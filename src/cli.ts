#!/usr/bin/env node
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { config as loadDotenv } from "dotenv";
import { CorpusError, loadCorpus } from "./corpus/load.js";
import { DirectionsSearch } from "./search/engine.js";
import { arrangeHit, READER_LANGUAGES, readerLanguage, type ReaderLanguage, type ShownText } from "./search/reader.js";
import type { Hit } from "./search/types.js";
import { TRANSLATION_NOTE } from "./slack/blocks.js";
import { postWeeklyCommand } from "./weekly/index.js";

const USAGE = `Usage:
  directions search "<query>" [--json] [--limit N] [--lang en|zh]
                                                     search the answers (English or Chinese); the excerpts
                                                     come in the query's language, the other beneath
  directions search --jsonl [--limit N]              read queries from stdin, one a line; write one JSON array a line
  directions list                                    list the research directions
  directions post-weekly [--dry-run] [--date YYYY-MM-DD [--force]]
                                                     post the direction of the week (once per week)
`;

class UsageError extends Error {}

/** parseArgs' own messages ("Unknown option '--x'") are good; they become usage errors (exit 2). */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 5;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError(`--limit must be a whole number from 1 to 100, got '${value}'`);
  return limit;
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

/** A text with its matches marked: bold in a terminal, **…** when piped. */
function markMatches({ text, highlights }: ShownText, color: boolean): string {
  const [open, close] = color ? ["\x1b[1;33m", "\x1b[0m"] : ["**", "**"];
  let marked = "";
  let at = 0;
  for (const { start, end } of highlights) {
    marked += text.slice(at, start) + open + text.slice(start, end) + close;
    at = end;
  }
  return marked + text.slice(at);
}

function parseLanguage(value: string | undefined): ReaderLanguage | undefined {
  if (value === undefined) return undefined;
  if (!(READER_LANGUAGES as readonly string[]).includes(value)) throw new UsageError(`--lang must be en or zh, got '${value}'`);
  return value as ReaderLanguage;
}

function printHits(search: DirectionsSearch, query: string, hits: Hit[], language: ReaderLanguage): void {
  if (hits.length === 0) {
    const suggestions = search.mostDiscussed(4).map((direction) => `${direction.name.en} / ${direction.name.zh}`);
    console.log(`Nothing found for "${query}". The answers discuss, for example: ${suggestions.join("; ")}. Try \`directions list\`.`);
    return;
  }
  const color = useColor();
  const names = new Map(search.corpus.directions.map((direction) => [direction.id, `${direction.name.en} / ${direction.name.zh}`]));
  hits.forEach((hit, i) => {
    const { main, beneath } = arrangeHit(hit, language);
    console.log(`${i + 1}. ${hit.author} — ${hit.url}`);
    if (hit.directions.length) console.log(`   [${hit.directions.map((id) => names.get(id)).join("; ")}]`);
    console.log(`   ${markMatches(main, color).replace(/\n/g, "\n   ")}`);
    if (beneath) console.log(`   ${beneath.original ? "原文" : "English"}: ${markMatches(beneath, color).replace(/\s+/g, " ")}`);
    console.log("");
  });
  if (hits.some((hit) => hit.translation)) console.log(TRANSLATION_NOTE);
}

/** The search over the corpus; the corpus's warnings go to stderr, once. */
function buildSearch(): Promise<DirectionsSearch> {
  const corpus = loadCorpus();
  for (const warning of corpus.warnings) process.stderr.write(`directions: warning: ${warning}\n`);
  return DirectionsSearch.build(corpus);
}

async function searchCommand(args: string[]): Promise<number> {
  const { values, positionals } = asUsageError(() =>
    parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, jsonl: { type: "boolean" }, limit: { type: "string" }, lang: { type: "string" } } }),
  );
  const limit = parseLimit(values.limit);
  const language = parseLanguage(values.lang);
  const query = positionals.join(" ");
  if (values.jsonl) {
    if (query || values.json) throw new UsageError("--jsonl reads queries from stdin: give no query and no --json");
    const search = await buildSearch();
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      process.stdout.write(JSON.stringify(search.search(line, { limit })) + "\n");
    }
    return 0;
  }
  if (!query.trim()) throw new UsageError("search needs a query, e.g. directions search compression");
  const search = await buildSearch();
  const hits = search.search(query, { limit });
  if (values.json) console.log(JSON.stringify(hits, null, 2));
  else printHits(search, query, hits, language ?? readerLanguage(query));
  return 0;
}

async function listCommand(args: string[]): Promise<number> {
  if (args.length) throw new UsageError(`list takes no arguments, got '${args.join(" ")}'`);
  const search = await buildSearch();
  const rows = search.corpus.directions.map((direction) => [direction.id, direction.name.en, direction.name.zh, String(search.passageCount(direction.id))]);
  const header = ["id", "direction", "方向", "passages"];
  const widths = header.map((title, column) => Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[column]!))));
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, column) => cell + " ".repeat(widths[column]! - displayWidth(cell))).join("  ").trimEnd());
  }
  return 0;
}

/** Chinese characters take two columns in a terminal. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1;
  return width;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "search":
        return await searchCommand(args);
      case "list":
        return await listCommand(args);
      case "post-weekly":
        return await postWeeklyCommand(args, { loadSearch: buildSearch });
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(command === undefined ? "no command given" : `unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`directions: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof CorpusError) {
      process.stderr.write(`directions: cannot load the corpus: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// Output piped into `head` may close early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});
loadDotenv({ quiet: true }); // the same settings as the running bot (real environment variables win)
process.exitCode = await main(process.argv.slice(2));
