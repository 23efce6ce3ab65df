/**
 * Escapes text we echo into Slack (a user's query, corpus text) so that it can
 * never ping `@channel`/`@here`/`@everyone` or a user, nor open a link or break
 * mrkdwn: Slack only interprets control sequences inside `<…>`, so encoding
 * `&`, `<` and `>` is enough (and is what Slack documents).
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
