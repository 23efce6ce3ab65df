import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CorpusError, defaultCorpusDir, loadCorpus } from "../src/corpus/load.js";
import { MIN_CUE_CHARS } from "../src/corpus/translations.js";
import { tempCorpus } from "./support/temp-corpus.js";

describe("the English translations", () => {
  const corpus = loadCorpus(defaultCorpusDir());

  it("translate every passage of every answer", () => {
    const missing = corpus.passages.filter((passage) => !passage.translation?.text.trim()).map((passage) => passage.id);
    expect(missing, "passages without an English translation (see corpus/README.md, Translations)").toEqual([]);
    for (const passage of corpus.passages) {
      expect(passage.translation).toMatchObject({ language: "en", translator: expect.stringMatching(/\S/) });
    }
  });

  it("keep the author's own English terms and numbering", () => {
    const translationOf = (id: string) => corpus.passages.find((passage) => passage.id === id)!.translation!.text;
    expect(translationOf("qingchun-meiyou-zhongdian#3")).toMatch(/^3\. Imcremental learning, lifelong learning, online learning\./); // the author's typo, kept
    expect(translationOf("spaceman#1")).toContain("Towards Understanding Learning Representations: To What Extent Do Different Neural Networks Learn the Same Representation");
  });
});

describe("the alignment of a translation with its original", () => {
  let dir: string;
  const answer = () => join(dir, "answers", "spaceman.md");
  const translation = () => join(dir, "translations", "en", "spaceman.md");
  const load = () => loadCorpus(dir);
  const failure = () => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(CorpusError);
      return error as CorpusError;
    }
    throw new Error("it loaded");
  };
  const lineOf = (file: string, text: string) => readFileSync(file, "utf8").split("\n").findIndex((line) => line.includes(text)) + 1;

  const setUp = () => {
    dir = tempCorpus();
    mkdirSync(join(dir, "translations", "en"), { recursive: true });
    copyFileSync(join(defaultCorpusDir(), "translations", "en", "spaceman.md"), translation());
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the translation beside each passage", () => {
    setUp();
    const passages = load().passages;
    expect(passages[0]!.translation?.text).toBe("For example, research on representations in deep learning.");
    expect(passages.every((passage) => passage.translation)).toBe(true);
  });

  it("fails at the translation's line when a paragraph was removed from it", () => {
    setUp();
    const text = readFileSync(translation(), "utf8");
    writeFileSync(translation(), text.replace(/>> 这篇paper为了解决这\n\n[^\n]+\n\n/, ""));
    const error = failure();
    expect(error.file).toMatch(/translations\/en\/spaceman\.md$/);
    expect(error.line).toBe(lineOf(translation(), ">> 首先"));
    expect(error.message).toMatch(/translations\/en\/spaceman\.md:\d+: cue '首先.*' does not match passage 4 of .*spaceman\.md, which starts '这篇paper为了解决这个问题.*': was a paragraph added or removed on one side\?/);
  });

  it("fails when a paragraph was added to the original", () => {
    setUp();
    writeFileSync(answer(), readFileSync(answer(), "utf8").replace("这篇paper为了解决这个问题", "一段新加的话,原文里多出来的。\n\n这篇paper为了解决这个问题"));
    const error = failure();
    expect(error.line).toBe(lineOf(translation(), ">> 这篇paper为了解决这"));
    expect(error.message).toContain("does not match passage 4");
  });

  it("fails at the end when the translation stops short, and at the extra block when it runs on", () => {
    setUp();
    const text = readFileSync(translation(), "utf8");
    const lastCue = text.lastIndexOf(">> ");
    writeFileSync(translation(), text.slice(0, lastCue));
    expect(failure().message).toMatch(/passage 8 of .*spaceman\.md \(starting '这篇文章的信息量比较大.*'\) has no translation: add a '>> 这篇文章的信息量比较大,' block for it/);
    writeFileSync(translation(), `${text}\n>> 多出来的一段\n\nAn extra paragraph.\n`);
    const error = failure();
    expect(error.line).toBe(lineOf(translation(), ">> 多出来的一段"));
    expect(error.message).toContain("one block more than the 8 passages");
  });

  it("refuses a cue too short to tell passages apart, and text outside the blocks", () => {
    setUp();
    const text = readFileSync(translation(), "utf8");
    writeFileSync(translation(), text.replace(">> 推荐我比较喜欢的一个Ne", ">> 推荐"));
    expect(failure().message).toContain(`a cue repeats at least the first ${MIN_CUE_CHARS} characters`);
    writeFileSync(translation(), text.replace(">> 比如研究深度学习的表示。", "A stray line.\n\n>> 比如研究深度学习的表示。"));
    expect(failure().message).toMatch(/:6: text before the first cue/);
    writeFileSync(translation(), text.replace("For example, research on representations in deep learning.", ""));
    expect(failure().message).toMatch(/:6: nothing under the cue '比如研究深度学习的表示。'/);
  });

  it("checks the front matter: the answer, the language of the folder, the translator", () => {
    setUp();
    const text = readFileSync(translation(), "utf8");
    writeFileSync(translation(), text.replace("answer: spaceman", "answer: tan-li"));
    expect(failure().message).toMatch(/:2: answer 'tan-li' does not match the file name/);
    writeFileSync(translation(), text.replace("language: en", "language: fr"));
    expect(failure().message).toMatch(/:3: language 'fr' does not match the folder translations\/en\//);
    writeFileSync(translation(), text.replace(/translator: .*\n/, ""));
    expect(failure().message).toContain("translator is missing");
  });

  it("refuses a translation of an answer that is not in the corpus, and loads an answer without one", () => {
    setUp();
    copyFileSync(translation(), join(dir, "translations", "en", "nobody.md"));
    expect(failure().message).toMatch(/translations\/en\/nobody\.md:1: no answer 'nobody' in answers\//);
    rmSync(join(dir, "translations"), { recursive: true });
    expect(load().passages.every((passage) => passage.translation === undefined)).toBe(true);
  });
});
