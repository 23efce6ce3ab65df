/**
 * Terminal mode, like Hubot's shell: talk to the bot without Slack.
 * A line starting with `/directions` runs the slash command; any other line is
 * a mention (`@directions` in front is optional); `more` shows the next
 * excerpts of the last results. Replies are the same Block Kit messages the
 * Slack app sends, rendered as text. Works with piped input and ends at the
 * end of input.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "@slack/bolt";
import type { Answers } from "../slack/answers.js";
import type { SlackMessage } from "../slack/block-kit.js";
import { ACTION_SHOW_MORE, decodePage, errorMessage, plainMessage, type PageState } from "../slack/blocks.js";
import { renderMessage } from "./render.js";

export interface ShellOptions {
  answers: Answers;
  input: Readable;
  output: Writable;
  /** A person at a terminal: show a banner and a prompt, and don't echo lines back. */
  interactive: boolean;
  /** ANSI bold/dim. */
  color?: boolean;
  width?: number;
  logger?: Logger;
  /** Aborting ends the shell as if input had ended (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

const PROMPT = "directions> ";

function nextPageOf(message: SlackMessage): PageState | undefined {
  for (const block of message.blocks) {
    if (block.type !== "actions") continue;
    for (const element of block.elements) {
      if (element.type === "button" && element.action_id === ACTION_SHOW_MORE) return decodePage(element.value);
    }
  }
  return undefined;
}

/** One line of input → the bot's reply (or `undefined` for an empty line). */
export function answerLine(answers: Answers, line: string, lastPage: PageState | undefined): SlackMessage | undefined {
  const text = line.trim();
  if (text === "") return undefined;
  if (/^more$/i.test(text)) {
    if (lastPage !== undefined) return answers.page(lastPage, { buttons: true });
    return plainMessage("Nothing more to show; type /directions <question> to page through excerpts.");
  }
  const command = /^\/directions(?:\s+|$)/i.exec(text);
  if (command) return answers.command(text.slice(command[0].length));
  if (/^\/\S+/.test(text)) {
    return plainMessage(`Only /directions is available here; try "/directions help".`);
  }
  return answers.mention(text);
}

/** Runs the shell until the input ends (or `signal` aborts). */
export async function runShell(options: ShellOptions): Promise<void> {
  const { answers, input, output, interactive } = options;
  const render = (message: SlackMessage) =>
    renderMessage(message, { color: options.color ?? false, width: options.width ?? 100 });
  const write = (text: string) => {
    if (!output.destroyed) output.write(text);
  };

  const rl = createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
    crlfDelay: Infinity,
  });
  const stop = () => rl.close();
  options.signal?.addEventListener("abort", stop, { once: true });
  rl.on("SIGINT", stop);

  if (interactive) {
    write(
      "directions, terminal mode (no Slack tokens are set).\n" +
        'Type "/directions <question>" as in Slack, or just a question as if you had mentioned @directions; ' +
        '"more" for the next excerpts; Ctrl-D to quit.\n\n',
    );
    rl.setPrompt(PROMPT);
    rl.prompt();
  }

  let lastPage: PageState | undefined;
  try {
    for await (const line of rl) {
      if (interactive && /^(exit|quit)$/i.test(line.trim())) break;
      let reply: SlackMessage | undefined;
      try {
        reply = answerLine(answers, line, lastPage);
      } catch (error) {
        options.logger?.error("Could not answer a terminal line:", error);
        reply = errorMessage();
      }
      if (reply !== undefined) {
        if (!interactive) write(`> ${line.trim()}\n`);
        write(`${render(reply)}\n\n`);
        lastPage = nextPageOf(reply);
      }
      if (interactive) rl.prompt();
    }
  } finally {
    options.signal?.removeEventListener("abort", stop);
    rl.close();
  }
}
