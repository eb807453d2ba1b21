// The llm service's configuration, read from the environment once at start-up.
import { ConfigError, envFlag, envInt, envString } from "@lectra/service-kit";

export const PROVIDERS = ["ollama", "openai", "none"] as const;
export const TAGGERS = ["auto", "model", "rules"] as const;
export type Provider = (typeof PROVIDERS)[number];
export type TaggerMode = (typeof TAGGERS)[number];

export interface LlmConfig {
  /** Which language model server writes lectures from a topic. */
  provider: Provider;
  /** The model's name on that server. */
  model: string;
  /** Ollama's base URL, e.g. http://127.0.0.1:11434. */
  ollamaHost: string;
  /** The OpenAI-compatible server's base URL, up to and including /v1. */
  openaiBaseUrl: string;
  /** Sent as a bearer token when set. */
  openaiApiKey: string | undefined;
  /** Pull a model Ollama does not have yet, instead of failing. */
  pull: boolean;
  tagger: TaggerMode;
  /** Model calls in flight at once, per engine, across all jobs. */
  concurrency: number;
  /** The deadline of one model call (one try), in ms. */
  callTimeoutMs: number;
}

export const DEFAULT_MODEL = "llama3.1:8b";
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, env: NodeJS.ProcessEnv): T {
  const value = envString(name, fallback, env).toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${name}=${value}: expected one of ${allowed.join(", ")}`);
  return value as T;
}

/**
 * Ollama's own clients accept OLLAMA_HOST as "host", "host:port" or a URL, and
 * the server's bind address 0.0.0.0 is a common value; all become a URL to dial.
 */
export function ollamaUrl(host: string): string {
  let url = host.trim().replace(/\/+$/, "");
  if (!url.includes("://")) url = `http://${url}`;
  const parsed = new URL(url);
  if (!parsed.port && !host.includes("://")) parsed.port = "11434";
  if (parsed.hostname === "0.0.0.0") parsed.hostname = "127.0.0.1";
  return parsed.toString().replace(/\/+$/, "");
}

export function llmConfig(env: NodeJS.ProcessEnv = process.env): LlmConfig {
  const provider = oneOf("LECTRA_LLM_PROVIDER", PROVIDERS, "ollama", env);
  const tagger = oneOf("LECTRA_LLM_TAGGER", TAGGERS, "auto", env);
  if (tagger === "model" && provider === "none") {
    throw new ConfigError("LECTRA_LLM_TAGGER=model needs a language model: set LECTRA_LLM_PROVIDER to ollama or openai, or the tagger to auto or rules");
  }
  let ollamaHost: string;
  try {
    ollamaHost = ollamaUrl(envString("OLLAMA_HOST", DEFAULT_OLLAMA_HOST, env));
  } catch {
    throw new ConfigError(`OLLAMA_HOST=${env.OLLAMA_HOST}: expected a URL such as ${DEFAULT_OLLAMA_HOST}`);
  }
  const openaiBaseUrl = envString("LECTRA_OPENAI_BASE_URL", DEFAULT_OPENAI_BASE_URL, env).replace(/\/+$/, "");
  if (!URL.canParse(openaiBaseUrl)) throw new ConfigError(`LECTRA_OPENAI_BASE_URL=${openaiBaseUrl}: expected a URL such as ${DEFAULT_OPENAI_BASE_URL}`);
  return {
    provider,
    model: envString("LECTRA_LLM_MODEL", DEFAULT_MODEL, env),
    ollamaHost,
    openaiBaseUrl,
    openaiApiKey: env.LECTRA_OPENAI_API_KEY?.trim() || undefined,
    pull: envFlag("LECTRA_LLM_PULL", env),
    tagger,
    concurrency: envInt("LECTRA_LLM_CONCURRENCY", 4, { min: 1, max: 256, env }),
    callTimeoutMs: envInt("LECTRA_LLM_CALL_TIMEOUT_MS", 90_000, { min: 1, env }),
  };
}
