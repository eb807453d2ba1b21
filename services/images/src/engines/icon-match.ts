// Which icon fits a slide: the slide's search words matched against icon names
// and tags. Pure functions over plain data, so the ranking is testable without
// the icon files.
//
// Scoring, per distinct search word (each counts once, at its best):
//   NAME_WORD  the word is part of the icon's name          ("heart" → heart-pulse)
//   WHOLE_TAG  the word is a whole one-word tag             ("water" → droplet)
//   TAG_WORD   the word is part of a longer tag             ("rate" → activity's "heart rate monitor")
// plus PHRASE_WORD for each word of the longest multi-word tag that appears, in
// order, in the search words ("heart rate monitor" → activity). A phrase is the
// strongest evidence, a name word next, a stray tag word the weakest: on its own
// it is below MIN_SCORE, so a query that shares only an incidental word with an
// icon gets no picture rather than a wrong one.

export const NAME_WORD = 3;
export const WHOLE_TAG = 2;
export const TAG_WORD = 1;
export const PHRASE_WORD = 3;
export const MIN_SCORE = 2;

// Function words, words about how to draw rather than what to draw ("photo of",
// "diagram of" would otherwise pick the image and chart icons), and words for the
// lecture's structure, which no icon depicts.
const STOPWORDS = new Set(
  (
    "a an the of and or in on at by for from to into onto with without about as is are was were be been being " +
    "it its this that these those how what why when where which who whom whose do does did can could will would " +
    "should may might must we our you your they their them he she his her me my vs versus via than then there here " +
    "not no so some any all each more most very between also just new " +
    "image images picture pictures photo photos photograph illustration drawing icon diagram " +
    "introduction intro overview summary recap conclusion lecture lesson slide chapter part"
  ).split(" "),
);

/** The search words of a text: lowercase letters only, accents gone, stopwords and single letters dropped. */
export function keywords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((word) => word.length > 1 && !STOPWORDS.has(word));
}

function pluralStems(word: string): string[] {
  const stems: string[] = [];
  if (word.length <= 3 || !word.endsWith("s") || /(ss|us|is)$/.test(word)) return stems;
  stems.push(word.slice(0, -1)); // plants → plant, files → file
  if (word.endsWith("ies")) stems.push(`${word.slice(0, -3)}y`); // batteries → battery
  if (word.endsWith("ves")) stems.push(`${word.slice(0, -3)}f`); // leaves → leaf
  if (/(s|x|z|ch|sh)es$/.test(word)) stems.push(word.slice(0, -2)); // boxes → box, glasses → glass
  return stems;
}

function ingStems(word: string): string[] {
  if (word.length < 6 || !word.endsWith("ing")) return [];
  const base = word.slice(0, -3);
  const stems = [base, `${base}e`]; // building → build, coding → code
  if (/([^aeiou])\1$/.test(base)) stems.push(base.slice(0, -1)); // running → run
  return stems;
}

/**
 * The word and its light stems. Two words match when their forms share one, so
 * stemming never has to pick the single right root ("leaves" may be leaf or leave;
 * "waves" is wave, not waf).
 */
export function wordForms(word: string): string[] {
  const forms = new Set([word]);
  for (const stem of pluralStems(word)) forms.add(stem);
  for (const form of [...forms]) for (const stem of ingStems(form)) forms.add(stem);
  return [...forms];
}

/** One icon, ready to score: the forms of its name words and of its tags' words. */
export interface IndexedIcon {
  name: string;
  nameWordCount: number;
  nameForms: ReadonlySet<string>;
  /** Forms of the tags that are one word long. */
  wholeTagForms: ReadonlySet<string>;
  /** Forms of every word of every tag. */
  tagWordForms: ReadonlySet<string>;
  /** Tags of two or more words, each word as its set of forms. */
  phrases: ReadonlySet<string>[][];
}

const formsOf = (words: string[]) => new Set(words.flatMap(wordForms));

/** Builds the index from lucide's tags.json shape: icon name → tags. */
export function indexIcons(tags: Record<string, readonly string[]>): IndexedIcon[] {
  return Object.entries(tags).map(([name, iconTags]) => {
    const nameWords = keywords(name);
    const tagWords = iconTags.map(keywords).filter((words) => words.length > 0);
    return {
      name,
      nameWordCount: nameWords.length,
      nameForms: formsOf(nameWords),
      wholeTagForms: formsOf(tagWords.filter((words) => words.length === 1).flat()),
      tagWordForms: formsOf(tagWords.flat()),
      phrases: tagWords.filter((words) => words.length > 1).map((words) => words.map((w) => new Set(wordForms(w)))),
    };
  });
}

/** Search words with their forms, in order. */
export type Query = string[][];

export function parseQuery(text: string): Query {
  return keywords(text).map(wordForms);
}

const hits = (forms: string[], set: ReadonlySet<string>) => forms.some((form) => set.has(form));

function phraseAt(query: Query, phrase: ReadonlySet<string>[], start: number): boolean {
  return phrase.every((word, i) => start + i < query.length && hits(query[start + i]!, word));
}

function longestPhrase(icon: IndexedIcon, query: Query): number {
  let longest = 0;
  for (const phrase of icon.phrases) {
    if (phrase.length > longest && query.some((_, start) => phraseAt(query, phrase, start))) longest = phrase.length;
  }
  return longest;
}

export interface IconScore {
  name: string;
  score: number;
  /** Search words found in the icon's name; breaks ties towards named matches. */
  nameHits: number;
}

export function scoreIcon(icon: IndexedIcon, query: Query): IconScore {
  let score = 0;
  let nameHits = 0;
  const seen = new Set<string>();
  for (const forms of query) {
    if (seen.has(forms[0]!)) continue;
    seen.add(forms[0]!);
    if (hits(forms, icon.nameForms)) {
      score += NAME_WORD;
      nameHits++;
    } else if (hits(forms, icon.wholeTagForms)) score += WHOLE_TAG;
    else if (hits(forms, icon.tagWordForms)) score += TAG_WORD;
  }
  score += PHRASE_WORD * longestPhrase(icon, query);
  return { name: icon.name, score, nameHits };
}

/**
 * Higher score first; then more name hits; then the icon with fewer name words
 * (the plain "heart" before "heart-crack"); then by name, so the answer never
 * depends on the order of the icon set.
 */
function better(a: IconScore, b: IconScore, aWords: number, bWords: number): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.nameHits !== b.nameHits) return a.nameHits > b.nameHits;
  if (aWords !== bWords) return aWords < bWords;
  return a.name < b.name;
}

/** The icon that fits the text best, or undefined when none scores MIN_SCORE. */
export function bestIcon(icons: readonly IndexedIcon[], text: string): IconScore | undefined {
  const query = parseQuery(text);
  if (query.length === 0) return undefined;
  let best: { score: IconScore; words: number } | undefined;
  for (const icon of icons) {
    const score = scoreIcon(icon, query);
    if (score.score < MIN_SCORE) continue;
    if (!best || better(score, best.score, icon.nameWordCount, best.words)) best = { score, words: icon.nameWordCount };
  }
  return best?.score;
}
