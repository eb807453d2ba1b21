// Openverse (WordPress' openly licensed media search; Flickr, museums, Commons
// and more), anonymous access. Only licences that allow any use, adaptation
// included, with attribution at most are asked for: CC BY, CC BY-SA, CC0 and
// the Public Domain Mark. A lecture deck may be sold or changed, so NC
// (non-commercial) and ND (no derivatives) works are left out.
import type { Candidate } from "./candidates";
import { plainText } from "./plain-text";
import type { SearchApi } from "./web-finder";

export const DEFAULT_OPENVERSE_API_URL = "https://api.openverse.org/v1";
export const RESULTS = 10;
export const LICENSES = ["by", "by-sa", "cc0", "pdm"];

interface OpenverseResult {
  title?: string | null;
  url?: string | null;
  width?: number | null;
  height?: number | null;
  creator?: string | null;
  license?: string | null;
  license_version?: string | null;
  foreign_landing_url?: string | null;
  filetype?: string | null;
}

/** Formats the slides service takes; an unknown filetype is let through, the download is sniffed anyway. */
const PICTURE_FILETYPES = new Set(["jpg", "jpeg", "png"]);

export function openverseSearchUrl(apiUrl: string, query: string): string {
  const url = new URL(`${apiUrl.replace(/\/+$/, "")}/images/`);
  url.searchParams.set("q", query);
  url.searchParams.set("page_size", String(RESULTS));
  url.searchParams.set("license", LICENSES.join(","));
  url.searchParams.set("mature", "false");
  return url.href;
}

/** "by-sa" + "2.0" → "CC BY-SA 2.0"; "cc0" → "CC0 1.0"; "pdm" → "Public Domain Mark 1.0". */
export function licenseName(code: string, version: string): string {
  const v = version ? ` ${version}` : "";
  if (code === "cc0") return `CC0${v}`;
  if (code === "pdm") return `Public Domain Mark${v}`;
  return `CC ${code.toUpperCase()}${v}`;
}

export function openverseCandidates(answer: unknown): Candidate[] {
  const results = (answer as { results?: OpenverseResult[] } | undefined)?.results;
  if (!Array.isArray(results)) throw new Error("Openverse answered without a results list");
  const candidates: Candidate[] = [];
  results.forEach((r, rank) => {
    const license = (r.license ?? "").toLowerCase();
    if (!LICENSES.includes(license)) return; // in case the filter was ignored
    if (r.filetype && !PICTURE_FILETYPES.has(r.filetype.toLowerCase())) return;
    candidates.push({
      rank,
      title: plainText(r.title ?? "") || "Untitled",
      url: r.url ?? "",
      width: r.width ?? 0,
      height: r.height ?? 0,
      sourceUrl: r.foreign_landing_url ?? "",
      author: plainText(r.creator ?? ""),
      license: licenseName(license, r.license_version ?? ""),
    });
  });
  return candidates;
}

export function openverseApi(apiUrl: string): SearchApi {
  return {
    name: "openverse",
    searchUrl: (query) => openverseSearchUrl(apiUrl, query),
    candidates: openverseCandidates,
  };
}
