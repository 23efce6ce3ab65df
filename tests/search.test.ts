import { describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import { DirectionsSearch } from "../src/search/engine.js";
import { makeExcerpt, MAX_EXCERPT_CHARS } from "../src/search/excerpt.js";
import type { Hit } from "../src/search/types.js";
import { highlighted, highlightedTranslation } from "./support/hits.js";

const search = await DirectionsSearch.build(loadCorpus());
const authors = (hits: Hit[]) => hits.map((hit) => hit.author);

describe("searching across English and Chinese", () => {
  it("finds 模型压缩 for 'compression'", () => {
    const hits = search.search("compression");
    expect(authors(hits)).toEqual(expect.arrayContaining(["机智的叉烧", "青春没有终点"]));
    expect(hits[0]!.directions).toContain("compression");
    expect(hits.flatMap(highlighted)).toEqual(expect.arrayContaining(["模型压缩"]));
  });

  it("finds distillation for 蒸馏 and 蒸馏 for 'distillation'", () => {
    for (const query of ["蒸馏", "distillation", "knowledge distillation"]) {
      const [first] = search.search(query);
      expect(first?.author, query).toBe("机智的叉烧");
      expect(highlighted(first!)).toContain("蒸馏");
    }
  });

  it("finds 灾难性遗忘 for 'catastrophic forgetting'", () => {
    const [first] = search.search("catastrophic forgetting");
    expect(first?.author).toBe("青春没有终点");
    expect(highlighted(first!)).toContain("灾难性遗忘");
  });

  it("does not rank a passage higher for saying a concept in both languages", () => {
    // 马昊天 writes "Federated learning" twice in English; 机智的叉烧 writes 联邦学习 once: same concept, one query term each.
    const hits = search.search("federated learning");
    expect(authors(hits)).toEqual(expect.arrayContaining(["马昊天", "机智的叉烧"]));
    expect(search.search("联邦学习").map((hit) => hit.passageId).sort()).toEqual(hits.map((hit) => hit.passageId).sort());
  });

  it("scores a query that names a concept in both languages like one that names it once", () => {
    const scores = (query: string) => search.search(query).map((hit) => [hit.passageId, hit.score]);
    expect(scores("distillation 蒸馏")).toEqual(scores("蒸馏"));
    expect(scores("catastrophic forgetting 灾难性遗忘")).toEqual(scores("灾难性遗忘"));
  });

  it("answers questions as well as keywords, in both languages", () => {
    expect(search.search("how do I avoid catastrophic forgetting when training on new data?")[0]?.author).toBe("青春没有终点");
    expect(search.search("数据标注太贵怎么办?")[0]?.author).toBe("凯恩博");
    expect(search.search("What should I read about federated learning?")[0]?.directions).toContain("federated-learning");
    expect(search.search("模型的可解释性为什么重要?").map((hit) => hit.directions).flat()).toContain("interpretability");
  });

  it("tolerates English typos, never Chinese near-misses", () => {
    expect(search.search("compresion")[0]?.directions).toContain("compression");
    expect(search.search("distilation")[0]?.author).toBe("机智的叉烧");
    expect(search.search("federated lerning").map((hit) => hit.author)).toContain("马昊天");
    expect(search.search("蒸溜")).toEqual([]); // a wrong character is another word in Chinese
    expect(search.search("6a21578b")).toEqual([]); // the UTF-16 units of 模型 in hex: no English word is a typo of a Chinese term
  });

  it("returns nothing for what the corpus never discusses", () => {
    for (const query of ["kubernetes", "PostgreSQL", "how do I tune my postgres database?", "如何提高数据库性能", "篮球比赛", "football world cup", "", "   ", "?!"]) {
      expect(search.search(query), query).toEqual([]);
    }
  });
});

describe("results", () => {
  it("puts the best passage of every answer before a second passage of the same answer", () => {
    const hits = search.search("可解释性", { limit: 20 });
    const seen = new Set<string>();
    let secondsStarted = false;
    for (const hit of hits) {
      if (seen.has(hit.answerId)) secondsStarted = true;
      else expect(secondsStarted, "a first passage after a second one").toBe(false);
      seen.add(hit.answerId);
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it("pages with limit and offset without repeating a hit", () => {
    const all = search.search("可解释性", { limit: 20 });
    const pages = [...search.search("可解释性", { limit: 2 }), ...search.search("可解释性", { limit: 2, offset: 2 })];
    expect(pages.map((hit) => hit.passageId)).toEqual(all.slice(0, 4).map((hit) => hit.passageId));
    expect(search.search("可解释性", { limit: 3 })).toHaveLength(3);
  });

  it("carries author, link, directions and a score, best first", () => {
    const hits = search.search("interpretability");
    for (const hit of hits) {
      expect(hit.url).toMatch(/^https:\/\/www\.zhihu\.com\/question\/385326992\/answer\/\d+$/);
      expect(hit.author).toBeTruthy();
      expect(hit.directions).toContain("interpretability");
    }
    const firstRound = hits.slice(0, new Set(hits.map((hit) => hit.answerId)).size);
    expect(firstRound.map((hit) => hit.score)).toEqual([...firstRound.map((hit) => hit.score)].sort((a, b) => b - a));
  });

  it("keeps excerpts within ~400 characters, cut at boundaries, and highlights inside them", () => {
    for (const query of ["可解释性", "深度学习", "representation", "数据", "样本"]) {
      for (const hit of search.search(query, { limit: 20 })) {
        expect(hit.excerpt.length, hit.passageId).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
        expect(hit.excerpt).not.toMatch(/[\ud800-\udbff]$/);
        let previousEnd = 0;
        for (const { start, end } of hit.highlights) {
          expect(start).toBeGreaterThanOrEqual(previousEnd);
          expect(end).toBeGreaterThan(start);
          expect(end).toBeLessThanOrEqual(hit.excerpt.length);
          previousEnd = end;
        }
      }
    }
  });

  it("picks the part of a long passage that holds the matches", () => {
    const [hit] = search.search("Hinton");
    expect(hit?.excerpt).toContain("Hinton");
    expect(highlighted(hit!)).toContain("Hinton");
  });
});

describe("excerpts", () => {
  const long = "第一句话没有关键词。".repeat(30) + "这里讲蒸馏,以及别的。" + "最后一句也没有。".repeat(30);

  it("cuts a long passage to the sentences around the match, marking the cuts", () => {
    const at = long.indexOf("蒸馏");
    const excerpt = makeExcerpt(long, [{ start: at, end: at + 2 }]);
    expect(excerpt.text.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
    expect(excerpt.text.startsWith("…")).toBe(true);
    expect(excerpt.text.endsWith("…")).toBe(true);
    expect(excerpt.text).toContain("这里讲蒸馏,以及别的。");
    const [highlight] = excerpt.highlights;
    expect(excerpt.text.slice(highlight!.start, highlight!.end)).toBe("蒸馏");
    expect(excerpt.text.slice(1, -1).startsWith("第一句话") || excerpt.text.slice(1, -1).startsWith("这里") || excerpt.text.slice(1, -1).startsWith("最后")).toBe(true);
  });

  it("cuts a sentence with no full stop at its clauses, and never inside a surrogate pair", () => {
    const clauses = "没有句号的长句子,".repeat(60) + "😀".repeat(300);
    const at = clauses.indexOf("😀");
    const excerpt = makeExcerpt(clauses, [{ start: at, end: at + 2 }]);
    expect(excerpt.text.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
    expect(excerpt.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it("keeps a short passage whole", () => {
    expect(makeExcerpt("短的。", [{ start: 0, end: 1 }])).toEqual({ text: "短的。", highlights: [{ start: 0, end: 1 }] });
  });
});

describe("direction excerpts", () => {
  it("gives the best passages of a direction from different authors, with its terms highlighted", () => {
    const hits = search.directionExcerpts("interpretability", 3);
    expect(hits).toHaveLength(3);
    expect(new Set(authors(hits)).size).toBe(3);
    for (const hit of hits) expect(hit.highlights.length).toBeGreaterThan(0);
    expect(search.directionExcerpts("no-such-direction")).toEqual([]);
  });

  it("counts the passages of each direction", () => {
    for (const direction of search.corpus.directions) expect(search.passageCount(direction.id)).toBeGreaterThan(0);
  });
});

describe("searching the translations too", () => {
  const first = (query: string) => search.search(query)[0];

  it("finds, through the English translation, what the answers say only in Chinese", () => {
    const remote = first("remote sensing")!;
    expect(remote.passageId).toBe("qingchun-meiyou-zhongdian#2"); // transfer learning: 医疗和遥感
    expect(remote.excerpt).toContain("遥感"); // the excerpt is still the original
    expect(highlightedTranslation(remote)).toEqual(["remote", "sensing"]);
    expect(first("Turing award")?.author).toBe("Zhanxing Zhu");
    expect(highlightedTranslation(first("Turing award")!)).toEqual(["Turing", "Award"]);
    expect(first("retracted paper")?.author).toBe("夕小瑶");
    expect(first("swarm intelligence")?.passageId).toBe("qingchun-meiyou-zhongdian#6");
    expect(search.search("multimodal data").map((hit) => hit.author)).toContain("Zhanxing Zhu");
  });

  it("matches English words in their inflections", () => {
    const deployment = search.search("model deployment").map((hit) => hit.passageId);
    expect(deployment.length).toBeGreaterThan(0);
    expect(search.search("deploying models").map((hit) => hit.passageId)).toEqual(deployment);
    expect(highlightedTranslation(search.search("deploy")[0]!).some((word) => /^deploy/i.test(word))).toBe(true);
  });

  it("finds a direction's passages through another of its concepts, after those that name the concept", () => {
    expect(first("continual learning")?.passageId).toBe("qingchun-meiyou-zhongdian#3"); // incremental, lifelong learning
    expect(search.search("neural architecture search").map((hit) => hit.passageId)).toContain("kai-enbo#2"); // AutoML: 机器自己去搜网络
    const hits = search.search("interpretability", { limit: 20 });
    const viaDirection = hits.findIndex((hit) => hit.passageId === "xixiaoyao#7"); // 黑盒: interpretability's other concept
    expect(viaDirection).toBe(hits.length - 1);
    expect(highlighted(hits[viaDirection]!)).toEqual(expect.arrayContaining(["黑盒"]));
  });

  it("still finds nothing for what the corpus never discusses", () => {
    for (const query of ["kubernetes", "best pizza in town", "如何提高数据库性能"]) expect(search.search(query), query).toEqual([]);
  });

  it("gives every hit the translation's excerpt beside the original, whatever the query's language", () => {
    for (const query of ["蒸馏", "distillation"]) {
      for (const hit of search.search(query)) {
        expect(hit.translation).toMatchObject({ language: "en" });
        expect(hit.translation!.excerpt.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
      }
    }
    expect(highlightedTranslation(first("蒸馏")!).join(" ")).toMatch(/distill/i);
  });

  it("cuts a translation that matched nothing where the original's matches are", () => {
    // 撤稿 is at the end of 夕小瑶's paragraph; the English says "retracted the paper" there, not at the start.
    const retracted = first("撤稿")!;
    expect(retracted.translation!.excerpt).toContain("retracted the paper");
    expect(retracted.translation!.highlights).toEqual([]);
    expect(first("部署")!.translation!.excerpt).toContain("deployment");
  });
});
