import { expect, it } from "vitest";
import { RecentCache } from "../src/text/recent-cache.js";

it("makes a value once, keeps the most recently used, and forgets the least recently used beyond its capacity", () => {
  const made: string[] = [];
  const cache = new RecentCache<string, string>(2);
  const get = (key: string) => cache.get(key, (k) => (made.push(k), k.toUpperCase()));
  expect([get("a"), get("b"), get("a")]).toEqual(["A", "B", "A"]);
  expect(made).toEqual(["a", "b"]); // "a" came from the cache
  get("c"); // over capacity: "b" is the least recently used
  get("a");
  get("b");
  expect(made).toEqual(["a", "b", "c", "b"]);
});
