import type { Hit } from "../../src/search/types.js";

/** The highlighted parts of a hit's excerpt, as a user sees them in bold. */
export const highlighted = (hit: Hit) => hit.highlights.map(({ start, end }) => hit.excerpt.slice(start, end));

/** The highlighted parts of a hit's translated excerpt. */
export const highlightedTranslation = (hit: Hit) => (hit.translation ? hit.translation.highlights.map(({ start, end }) => hit.translation!.excerpt.slice(start, end)) : []);
