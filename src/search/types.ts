/** A span of text to highlight: `text.slice(start, end)`, in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
}

/** One search result: the best excerpt of one passage. */
export interface Hit {
  passageId: string;
  answerId: string;
  author: string;
  url: string;
  /** The best window of the passage around the matches, at most ~400 characters. */
  excerpt: string;
  /** Where the matched terms are in `excerpt`, in order, not overlapping. */
  highlights: Span[];
  /** The same for the passage's translation, when it has one (`excerpt` is always the original). */
  translation?: TranslatedExcerpt;
  /** Ids of the directions the passage belongs to. */
  directions: string[];
  score: number;
}

/** The excerpt of a passage's translation: `excerpt` and `highlights` mean what they mean for the original. */
export interface TranslatedExcerpt {
  /** BCP 47 tag, e.g. `en`. */
  language: string;
  excerpt: string;
  highlights: Span[];
}

export interface SearchOptions {
  /** How many hits at most (default 5). */
  limit?: number;
  /** How many of the best hits to skip, for paging (default 0). */
  offset?: number;
}
