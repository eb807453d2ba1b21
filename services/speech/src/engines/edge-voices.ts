// Edge's voice list: a GET that answers a JSON array of voices. Fetched here
// rather than with msedge-tts's getVoices(), which has no deadline and cannot be
// cancelled; the request is otherwise the same (the list URL with its trusted
// client token), plus the Sec-MS-GEC token that the service's socket also asks for.
import { createHash } from "node:crypto";
import { HttpStatusError } from "@lectra/resilience";
import type { Voice } from "./engine";
import { isPlainName } from "./edge-ssml";

export const EDGE = "edge";
const TRUSTED_CLIENT_TOKEN = "6A5AA1D4EAFF4E9FB37E23D68491D6F4";
/** The Edge version msedge-tts 2.0.7 names in its socket URL. */
const SEC_MS_GEC_VERSION = "1-143.0.3650.96";
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36 Edg/143.0.0.0";

/**
 * The Sec-MS-GEC token: SHA-256 of the time in Windows file-time ticks, rounded
 * down to five minutes, followed by the trusted client token (as msedge-tts and
 * edge-tts compute it).
 */
export function secMsGec(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000) + 11_644_473_600;
  const ticks = BigInt(seconds - (seconds % 300)) * 10_000_000n;
  return createHash("sha256").update(`${ticks}${TRUSTED_CLIENT_TOKEN}`).digest("hex").toUpperCase();
}

interface EdgeVoiceEntry {
  ShortName?: unknown;
  Locale?: unknown;
  FriendlyName?: unknown;
  Gender?: unknown;
  Status?: unknown;
}

/** The list's entries as voices; entries without a usable name or locale are skipped, deprecated ones too. */
export function parseEdgeVoices(list: unknown): Voice[] {
  if (!Array.isArray(list)) throw new Error("the Edge voice list is not a JSON array");
  const voices: Voice[] = [];
  const taken = new Set<string>();
  for (const entry of list as EdgeVoiceEntry[]) {
    const name = typeof entry?.ShortName === "string" ? entry.ShortName : "";
    const language = typeof entry?.Locale === "string" ? entry.Locale : "";
    if (!isPlainName(name) || !isPlainName(language) || taken.has(name.toLowerCase())) continue;
    if (typeof entry.Status === "string" && /deprecated/i.test(entry.Status)) continue;
    taken.add(name.toLowerCase());
    const friendly = typeof entry.FriendlyName === "string" ? entry.FriendlyName : name;
    const gender = typeof entry.Gender === "string" && entry.Gender ? `, ${entry.Gender}` : "";
    voices.push({ name, language, description: `${friendly}${gender}`, engine: EDGE });
  }
  return voices;
}

/** Fetches and reads the voice list; `signal` carries the deadline. */
export async function fetchEdgeVoices(url: string, signal: AbortSignal): Promise<Voice[]> {
  const target = new URL(url);
  target.searchParams.set("Sec-MS-GEC", secMsGec(Date.now()));
  target.searchParams.set("Sec-MS-GEC-Version", SEC_MS_GEC_VERSION);
  const res = await fetch(target, { signal, headers: { "User-Agent": USER_AGENT, Accept: "application/json" } });
  if (!res.ok) throw new HttpStatusError(res.status, `${target.origin}${target.pathname}`, (await res.text().catch(() => "")).slice(0, 200));
  const voices = parseEdgeVoices(await res.json());
  if (voices.length === 0) throw new Error("the Edge voice list is empty");
  return voices;
}
