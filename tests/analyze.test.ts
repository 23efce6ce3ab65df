import { describe, expect, it } from "vitest";
import { Analyzer, conceptTerm, directionTerm } from "../src/search/analyze.js";
import { Glossary } from "../src/text/glossary.js";
import type { Direction } from "../src/corpus/types.js";

const directions: Direction[] = [
  {
    id: "continual",
    name: { en: "Continual learning", zh: "持续学习" },
    summary: "",
    papers: [],
    questions: [],
    synonyms: [
      { id: "forgetting", terms: ["catastrophic forgetting", "灾难性遗忘"] },
      { id: "few-shot", terms: ["few-shot", "小样本"] },
      { id: "distillation", terms: ["distill", "蒸馏"] },
      { id: "gnn", terms: ["gnn", "图神经网络"] },
    ],
  },
];
const analyzer = new Analyzer(new Glossary(directions));
/** The query's terms but the directions its concepts bring (tested on their own), in no particular order. */
const terms = (query: string) =>
  analyzer
    .query(query)
    .filter((term) => term.kind !== "direction")
    .map((term) => term.term)
    .sort();

describe("query analysis", () => {
  it("cuts Chinese into words and character pairs, dropping question words", () => {
    const result = terms("数据标注太贵怎么办?");
    expect(result).toContain("数据");
    expect(result).toContain("标注");
    expect(result).toContain("太贵");
    expect(result).not.toContain("怎么办");
    expect(result).not.toContain("怎么");
  });

  it("lower-cases English words, keeps their stems and drops English stop and question words", () => {
    expect(terms("What should I read about Transformers?")).toEqual(["read", "transform"].sort());
  });

  it("matches an English word in all its inflections, through its Porter2 stem", () => {
    for (const word of ["deployed", "deployment", "deploying", "Deploys"]) expect(terms(word)).toEqual(terms("deploy"));
    expect(terms("models")).toEqual(terms("model"));
    expect(terms("deploy")).not.toEqual(terms("develop"));
  });

  it("brings, with each concept, its direction", () => {
    expect(analyzer.query("灾难性遗忘 蒸馏").filter((term) => term.kind === "direction").map((term) => term.term)).toEqual([directionTerm("continual")]);
    expect(analyzer.query("bert").some((term) => term.kind === "direction")).toBe(false);
  });

  it("treats full-width letters and digits like half-width ones", () => {
    expect(terms("ＢＥＲＴ　２０２０")).toEqual(terms("bert 2020"));
    expect(terms("ＢＥＲＴ")).toEqual(["bert"]);
  });

  it("turns a glossary phrase in either language into one concept, consuming its words", () => {
    expect(terms("catastrophic forgetting")).toEqual([conceptTerm("forgetting")]);
    expect(terms("灾难性遗忘")).toEqual([conceptTerm("forgetting")]);
    expect(terms("How do I avoid Catastrophic  Forgetting?")).toEqual(["avoid", conceptTerm("forgetting")].sort());
  });

  it("matches glossary phrases inside mixed text, with any hyphenation and English suffixes", () => {
    expect(terms("few shot")).toEqual([conceptTerm("few-shot")]);
    expect(terms("fewshot")).toEqual([conceptTerm("few-shot")]);
    expect(terms("distillation")).toEqual([conceptTerm("distillation")]);
    expect(terms("bert的蒸馏")).toEqual(["bert", conceptTerm("distillation")].sort());
  });

  it("tolerates typos in English glossary words but never alters Chinese ones", () => {
    expect(terms("distilation")).toEqual([conceptTerm("distillation")]);
    expect(terms("catastrophic forgeting")).toContain("catastroph");
    expect(terms("灾难性遗")).not.toContain(conceptTerm("forgetting"));
  });

  it("keeps short English terms whole: gnn is not gnns-something", () => {
    expect(terms("gnn")).toEqual([conceptTerm("gnn")]);
    expect(terms("gnnx")).toEqual(["gnnx"]);
  });

  it("ignores control characters and survives huge input", () => {
    expect(terms("蒸\u0000馏")).not.toContain(conceptTerm("distillation"));
    expect(terms("a\u0007b compression")).toContain("compress");
    expect(analyzer.query("蒸馏 ".repeat(10_000)).length).toBeGreaterThan(0);
  });
});

describe("document analysis", () => {
  it("indexes a glossary phrase as a concept and still as its words", () => {
    const result = analyzer.document("模型压缩和蒸馏。Knowledge distillation works");
    expect(result.concepts).toEqual([conceptTerm("distillation"), conceptTerm("distillation")]);
    expect(result.terms).toEqual(expect.arrayContaining(["蒸馏", "模型", "压缩", "knowledg"]));
    expect(result.terms).not.toContain("和"); // a stop word
    expect(result.directions).toEqual([directionTerm("continual")]);
  });

  it("adds from a translation only what the original does not say, and a concept it names just once", () => {
    const original = analyzer.document("小样本学习。用few-shot方法,数据少");
    const both = analyzer.document("小样本学习。用few-shot方法,数据少", "Few-shot learning. With few-shot methods, little data, little data.");
    expect(original.concepts).toEqual([conceptTerm("few-shot"), conceptTerm("few-shot")]);
    expect(both.concepts).toEqual(original.concepts); // found in both texts: counted as in the original
    expect(both.terms.filter((term) => term === "few")).toEqual(original.terms.filter((term) => term === "few")); // the author's English, not again
    expect(both.terms.filter((term) => term === "data")).toEqual(["data", "data"]); // only in the translation: counted as it says it
    const translated = analyzer.document("数据少", "Knowledge distillation and more distillation.");
    expect(translated.concepts).toEqual([conceptTerm("distillation")]); // a concept only the translation names counts once
    expect(translated.directions).toEqual([]); // directions are the original's
  });

  it("indexes a word the segmenter does not know as character pairs, so a query for it meets them", () => {
    const document = analyzer.document("很多场景数据和标注太贵了").terms;
    for (const term of analyzer.query("标注太贵")) expect(document).toContain(term.term);
  });
});
