// Builds the real engines against the fake servers, quietly and with short
// backoffs, for the engine tests.
import type { Logger } from "@lectra/service-kit";
import type { LanguageModel } from "../engines/engine";
import { ModelCalls, type CallLimits } from "../engines/model-calls";
import { OllamaModel } from "../engines/ollama";
import { OpenAIModel } from "../engines/openai";

const quiet = () => undefined;
export const quietLog: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

export const MODEL = "llama3.1:8b";

const limits = (overrides: Partial<CallLimits>): CallLimits => ({ concurrency: 4, timeoutMs: 10_000, attempts: 3, baseDelayMs: 5, ...overrides });

export function ollamaAt(host: string, options: Partial<CallLimits> & { pull?: boolean; model?: string } = {}): OllamaModel {
  const model = options.model ?? MODEL;
  return new OllamaModel(host, model, options.pull ?? false, new ModelCalls("ollama", model, limits(options), quietLog));
}

export function openaiAt(baseUrl: string, options: Partial<CallLimits> & { apiKey?: string; model?: string } = {}): OpenAIModel {
  const model = options.model ?? "gpt-4o-mini";
  return new OpenAIModel(baseUrl, model, options.apiKey, new ModelCalls("openai", model, limits(options), quietLog));
}

/** A base URL where nothing listens: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const net = await import("node:net");
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  return `http://127.0.0.1:${port}`;
}

export const live = (): AbortSignal => new AbortController().signal;

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export type { LanguageModel };
