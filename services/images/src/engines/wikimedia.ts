// Wikimedia Commons: the MediaWiki Action API's full-text search over files
// (namespace 6), with each file's image info in the same request. Everything
// on Commons is freely licensed; the credits come from the file page's
// extended metadata (Artist is HTML, LicenseShortName is "CC BY-SA 4.0" and
// the like). The download is the thumbnail Commons renders at THUMB_WIDTH,
// not the original, which can be tens of megabytes.
import type { Candidate } from "./candidates";
import { plainText } from "./plain-text";
import type { SearchApi } from "./web-finder";

export const DEFAULT_COMMONS_API_URL = "https://commons.wikimedia.org/w/api.php";
export const THUMB_WIDTH = 1280;
export const RESULTS = 10;

/** The slides service takes these; the thumbnail of a JPEG is a JPEG, of a PNG a PNG. */
const PICTURE_MIMES = new Set(["image/jpeg", "image/png"]);

interface ExtValue {
  value?: unknown;
}

interface CommonsPage {
  title?: string;
  index?: number;
  imageinfo?: Array<{
    thumburl?: string;
    thumbwidth?: number;
    thumbheight?: number;
    url?: string;
    width?: number;
    height?: number;
    descriptionurl?: string;
    mime?: string;
    extmetadata?: Record<string, ExtValue | undefined>;
  }>;
}

interface CommonsAnswer {
  error?: { code?: string; info?: string };
  query?: { pages?: CommonsPage[] };
}

export function commonsSearchUrl(apiUrl: string, query: string): string {
  const url = new URL(apiUrl);
  const params: Record<string, string> = {
    action: "query",
    generator: "search",
    // filetype:bitmap leaves out drawings (SVG), audio, video and PDFs.
    gsrsearch: `${query} filetype:bitmap`,
    gsrnamespace: "6",
    gsrlimit: String(RESULTS),
    prop: "imageinfo",
    iiprop: "url|size|mime|extmetadata",
    iiurlwidth: String(THUMB_WIDTH),
    iiextmetadatafilter: "Artist|LicenseShortName|ObjectName",
    format: "json",
    formatversion: "2",
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

const text = (field: ExtValue | undefined): string => (typeof field?.value === "string" ? plainText(field.value) : "");

/** "File:Human_heart diagram.jpg" → "Human heart diagram". */
function titleOfFile(title: string): string {
  return title.replace(/^File:/i, "").replace(/\.[a-z0-9]+$/i, "").replace(/_/g, " ").trim();
}

/** The API's answer → candidates in search rank order (formatversion=2 lists pages by page id; `index` is the rank). */
export function commonsCandidates(answer: unknown): Candidate[] {
  const { error, query } = (answer ?? {}) as CommonsAnswer;
  if (error) throw new Error(`Commons answered error ${error.code ?? "?"}: ${error.info ?? ""}`);
  const pages = [...(query?.pages ?? [])].sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
  const candidates: Candidate[] = [];
  pages.forEach((page, rank) => {
    const info = page.imageinfo?.[0];
    if (!info || !PICTURE_MIMES.has(info.mime ?? "")) return;
    const meta = info.extmetadata ?? {};
    const thumb = info.thumburl && info.thumbwidth ? info.thumburl : undefined;
    candidates.push({
      rank,
      title: text(meta.ObjectName) || titleOfFile(page.title ?? ""),
      url: thumb ?? info.url ?? "",
      width: (thumb ? info.thumbwidth : info.width) ?? 0,
      height: (thumb ? info.thumbheight : info.height) ?? 0,
      sourceUrl: info.descriptionurl ?? "",
      author: text(meta.Artist),
      license: text(meta.LicenseShortName),
    });
  });
  return candidates;
}

export function wikimediaApi(apiUrl: string): SearchApi {
  return {
    name: "wikimedia",
    searchUrl: (query) => commonsSearchUrl(apiUrl, query),
    candidates: commonsCandidates,
  };
}
