/** A paper or other work an answer or a direction points to. */
export interface Reference {
  title: string;
  url: string;
}

/** One expert answer, as loaded from a Markdown file in `corpus/answers/`. */
export interface Answer {
  /** Stable id: the front matter `id`, else the file name without `.md`. */
  id: string;
  author: string;
  /** Link to the answer itself. */
  url: string;
  question: Reference;
  /** BCP 47 tag of the answer's main language, e.g. `zh`. */
  language: string;
  references: Reference[];
  body: string;
  /** Path of the file it came from, for messages. */
  file: string;
}

/**
 * A group of words that mean the same thing across languages
 * (e.g. compression, 压缩, 模型压缩). Matching any of them matches the group.
 */
export interface SynonymGroup {
  /** Stable id, unique across all directions, e.g. `distillation`. */
  id: string;
  terms: string[];
}

/** A research direction the answers discuss, from `corpus/directions.yaml`. */
export interface Direction {
  id: string;
  name: { en: string; zh: string };
  summary: string;
  synonyms: SynonymGroup[];
  papers: Reference[];
  questions: string[];
}

/** The unit of search: one paragraph or list item of an answer. */
export interface Passage {
  /** `<answer id>#<index>` */
  id: string;
  answerId: string;
  author: string;
  url: string;
  text: string;
  /** Ids of the directions whose synonyms occur in the text. */
  directions: string[];
  /** The passage in English, from `corpus/translations/en/`, when the answer has been translated. */
  translation?: PassageTranslation;
}

/** One passage of an answer in another language, aligned with the original. */
export interface PassageTranslation {
  /** BCP 47 tag, e.g. `en`. */
  language: string;
  text: string;
  /** Who translated it, as the translation's front matter says. */
  translator: string;
}

export interface Corpus {
  answers: Answer[];
  directions: Direction[];
  passages: Passage[];
}

/** A corpus as `loadCorpus` reads it from its files. */
export interface LoadedCorpus extends Corpus {
  /** What loads but is likely a mistake, one line each, `file:line: problem`, for the CLI and the bot to print once. */
  warnings: string[];
}
