// The images service's settings, from the environment only. Wrong values stop
// the start with a message naming the variable, never a surprise at the first job.
import { ConfigError, envFlag, envInt, envString } from "@lectra/service-kit";
import { DEFAULT_OPENVERSE_API_URL } from "./engines/openverse";
import { DEFAULT_COMMONS_API_URL } from "./engines/wikimedia";

export const ENGINES = ["wikimedia", "openverse", "icons"] as const;
export type EngineName = (typeof ENGINES)[number];

export const DEFAULT_ENGINES = "wikimedia,openverse,icons";
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_WEB_BUDGET_MS = 20_000;
export const DEFAULT_USER_AGENT = "LECTRA/0.1 (lecture generator; https://github.com/lectra)";

export interface ImagesConfig {
  engines: EngineName[];
  commonsApiUrl: string;
  openverseApiUrl: string;
  timeoutMs: number;
  maxBytes: number;
  concurrency: number;
  webBudgetMs: number;
  allowLoopback: boolean;
  userAgent: string;
}

/** "wikimedia, openverse,icons" → the engines in order. Unknown names, repeats and icons before a web engine are errors. */
export function parseEngines(raw: string): EngineName[] {
  const names = raw.split(",").map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new ConfigError(`LECTRA_IMAGES_ENGINES=${raw}: name at least one engine of ${ENGINES.join(", ")}`);
  const engines: EngineName[] = [];
  for (const name of names) {
    if (!(ENGINES as readonly string[]).includes(name)) {
      throw new ConfigError(`LECTRA_IMAGES_ENGINES=${raw}: unknown engine ${JSON.stringify(name)}; known engines are ${ENGINES.join(", ")}`);
    }
    if (engines.includes(name as EngineName)) throw new ConfigError(`LECTRA_IMAGES_ENGINES=${raw}: ${name} is listed twice`);
    engines.push(name as EngineName);
  }
  // The offline engine is the fallback: a web engine after it would only be asked when no icon fits.
  const icons = engines.indexOf("icons");
  if (icons >= 0 && icons !== engines.length - 1) {
    throw new ConfigError(`LECTRA_IMAGES_ENGINES=${raw}: icons is the offline fallback and must come last`);
  }
  return engines;
}

function httpUrl(name: string, fallback: string, env: NodeJS.ProcessEnv): string {
  const raw = envString(name, fallback, env);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${raw}: expected an http or https URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${name}=${raw}: expected an http or https URL`);
  return raw;
}

export function imagesConfig(env: NodeJS.ProcessEnv = process.env): ImagesConfig {
  return {
    engines: parseEngines(envString("LECTRA_IMAGES_ENGINES", DEFAULT_ENGINES, env)),
    commonsApiUrl: httpUrl("LECTRA_COMMONS_API_URL", DEFAULT_COMMONS_API_URL, env),
    openverseApiUrl: httpUrl("LECTRA_OPENVERSE_API_URL", DEFAULT_OPENVERSE_API_URL, env),
    timeoutMs: envInt("LECTRA_IMAGES_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, { min: 1, env }),
    maxBytes: envInt("LECTRA_IMAGES_MAX_BYTES", DEFAULT_MAX_BYTES, { min: 1024, max: 64 * 1024 * 1024, env }),
    concurrency: envInt("LECTRA_IMAGES_CONCURRENCY", DEFAULT_CONCURRENCY, { min: 1, max: 64, env }),
    webBudgetMs: envInt("LECTRA_IMAGES_WEB_BUDGET_MS", DEFAULT_WEB_BUDGET_MS, { min: 1, env }),
    allowLoopback: envFlag("LECTRA_IMAGES_ALLOW_LOOPBACK", env),
    userAgent: envString("LECTRA_IMAGES_USER_AGENT", DEFAULT_USER_AGENT, env),
  };
}
