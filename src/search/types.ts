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
  /** Ids of the directions the passage belongs to. */
  directions: string[];
  score: number;
}

export interface SearchOptions {
  /** How many hits at most (default 5). */
  limit?: number;
  /** How many of the best hits to skip, for paging (default 0). */
  offset?: number;
}
