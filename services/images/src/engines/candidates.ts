// Which of a search API's results to download, in which order. Pure functions
// over plain data, so the choice is testable without a network.
//
// A candidate is usable when it is big enough to fill a slide's picture area
// (MIN_WIDTH) and not a strip (aspect within MIN_ASPECT..MAX_ASPECT); the same
// test runs again on the downloaded file's real size. Among usable ones the
// score adds, most important first:
//   relevance  the share of the query's words found in the title (×3)
//   size       1 from GOOD_WIDTH px wide, less below it (×1.5)
//   rank       the API's own order: 1 for the first result, 0.1 less for each next one (×1)
//   landscape  1 for 4:3 to 2:1, ½ near square, 0 for portrait (×0.5): a slide's picture area is wide
import { keywords, wordForms } from "./icon-match";

export const MIN_WIDTH = 320;
export const GOOD_WIDTH = 800;
export const MIN_ASPECT = 0.5;
export const MAX_ASPECT = 2.5;
/** How many of the best candidates a finder tries to download before giving up on a search. */
export const CANDIDATES_TRIED = 3;

/** One search result, in the API's order, with what the deck's credits need. */
export interface Candidate {
  /** 0 for the API's first result. */
  rank: number;
  title: string;
  /** What to download. */
  url: string;
  /** The size of the file at `url`, as the API says; 0 when it does not. */
  width: number;
  height: number;
  sourceUrl: string;
  author: string;
  license: string;
}

/** Whether a picture of this size can go on a slide; unknown sizes (0) are let through to be checked after download. */
export function fitsSlide(width: number, height: number): boolean {
  if (width === 0 || height === 0) return true;
  const aspect = width / height;
  return width >= MIN_WIDTH && aspect >= MIN_ASPECT && aspect <= MAX_ASPECT;
}

/** The share of the query's words whose forms ("hearts" → heart) appear in the title. */
function relevance(queryWords: string[], title: string): number {
  if (queryWords.length === 0) return 0;
  const titleForms = new Set(keywords(title).flatMap(wordForms));
  return queryWords.filter((w) => wordForms(w).some((form) => titleForms.has(form))).length / queryWords.length;
}

function landscape(width: number, height: number): number {
  if (width === 0 || height === 0) return 0.5;
  const aspect = width / height;
  if (aspect >= 1.3 && aspect <= 2) return 1;
  return aspect >= 0.9 ? 0.5 : 0;
}

export function scoreCandidate(queryWords: string[], c: Candidate): number {
  const size = c.width === 0 ? 0.5 : Math.min(1, Math.max(0, (c.width - MIN_WIDTH) / (GOOD_WIDTH - MIN_WIDTH)));
  const rank = Math.max(0, 1 - c.rank / 10);
  return 3 * relevance(queryWords, c.title) + 1.5 * size + rank + 0.5 * landscape(c.width, c.height);
}

/** The usable candidates, best first, at most `max`. */
export function pickCandidates(query: string, candidates: readonly Candidate[], max = CANDIDATES_TRIED): Candidate[] {
  const words = [...new Set(keywords(query))];
  return candidates
    .filter((c) => c.url && fitsSlide(c.width, c.height))
    .map((c) => ({ c, score: scoreCandidate(words, c) }))
    .sort((a, b) => b.score - a.score || a.c.rank - b.c.rank)
    .slice(0, max)
    .map(({ c }) => c);
}
