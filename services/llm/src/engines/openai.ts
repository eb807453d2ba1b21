// Any server that speaks OpenAI's chat completions API: vLLM, llama.cpp's
// server, LM Studio, hosted APIs. Plain fetch (undici keeps connections alive):
// POST {base}/chat/completions with a json_schema response format, and
// GET {base}/models to check the model is served.
import { CircuitBreaker, HttpStatusError, isNetworkError } from "@lectra/resilience";
import { cancelled, failedPrecondition, unavailable } from "@lectra/service-kit";
import type { JsonChat, LanguageModel, ModelProgress } from "./engine";
import { cannotConnect, isDeadline, networkDetail, type ModelCalls } from "./model-calls";
import { AVAILABILITY_COOL_DOWN_MS } from "./ollama";

/**
 * Strict structured outputs accept only a subset of JSON Schema; length and
 * count limits are the usual casualties. They stay in the prompt and in the
 * zod validation, so dropping them here loses nothing but a hint.
 */
const UNSUPPORTED_IN_STRICT_MODE = new Set(["$schema", "minLength", "maxLength", "minItems", "maxItems", "pattern"]);

export function strictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (!schema || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !UNSUPPORTED_IN_STRICT_MODE.has(key))
      .map(([key, value]) => [key, key === "properties" ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strictSchema(v)])) : strictSchema(value)]),
  );
}

/** The error text in an OpenAI-style error body ({"error": {"message": …}}), or the body itself. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === "string") return message;
  } catch {
    // not JSON: the text itself says it best
  }
  return body.slice(0, 200).trim();
}

interface Completion {
  choices?: Array<{ message?: { content?: string | null; refusal?: string | null } }>;
}

export class OpenAIModel implements LanguageModel {
  readonly engine = "openai";
  readonly availability: CircuitBreaker;

  constructor(
    /** Up to and including /v1, without a trailing slash. */
    readonly baseUrl: string,
    readonly model: string,
    private readonly apiKey: string | undefined,
    private readonly calls: ModelCalls,
  ) {
    this.availability = new CircuitBreaker(`the OpenAI-compatible server at ${baseUrl}`, AVAILABILITY_COOL_DOWN_MS);
  }

  private async request<T>(path: string, init: RequestInit, signal: AbortSignal): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (init.body) headers["content-type"] = "application/json";
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const response = await fetch(url, { ...init, headers, signal });
    const body = await response.text();
    if (!response.ok) throw new HttpStatusError(response.status, url, errorText(body));
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new Error(`${url} answered HTTP ${response.status} with something other than JSON: ${body.slice(0, 80)}`);
    }
  }

  private explain(error: unknown, signal: AbortSignal, what: string): Error {
    if (signal.aborted) return error instanceof Error && error.name === "AbortError" ? error : cancelled("cancelled by the caller");
    const server = `the OpenAI-compatible server at ${this.baseUrl}`;
    let explained: Error;
    let absent = false;
    if (isDeadline(error)) {
      explained = unavailable(`${server} did not answer ${what} within ${this.calls.limits.timeoutMs / 1000} s (LECTRA_LLM_CALL_TIMEOUT_MS)`);
    } else if (cannotConnect(error)) {
      absent = true;
      explained = failedPrecondition(`${server} is not reachable (${networkDetail(error)}): start it, or set LECTRA_OPENAI_BASE_URL to where it listens`);
    } else if (isNetworkError(error)) {
      explained = unavailable(`${server} dropped the connection while answering ${what} (${networkDetail(error)})`);
    } else if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403)) {
      absent = true;
      explained = failedPrecondition(
        this.apiKey
          ? `${server} refused the API key (HTTP ${error.status}: ${detailOf(error)}): set LECTRA_OPENAI_API_KEY to a valid key`
          : `${server} needs an API key (HTTP ${error.status}: ${detailOf(error)}): set LECTRA_OPENAI_API_KEY`,
      );
    } else if (error instanceof HttpStatusError && error.status === 404) {
      absent = true;
      explained = failedPrecondition(
        `${error.url} answered HTTP 404 (${detailOf(error)}): check LECTRA_LLM_MODEL ("${this.model}") and LECTRA_OPENAI_BASE_URL (it usually ends in /v1)`,
      );
    } else if (error instanceof HttpStatusError && (error.status >= 500 || error.status === 429)) {
      explained = unavailable(`${server} failed to answer ${what}: HTTP ${error.status} (${detailOf(error)})`);
    } else if (error instanceof HttpStatusError) {
      explained = new Error(`${server} refused ${what}: HTTP ${error.status} (${detailOf(error)})`);
    } else {
      return error instanceof Error ? error : new Error(String(error));
    }
    if (absent) this.availability.failed(explained);
    return explained;
  }

  async chat(request: JsonChat, signal: AbortSignal): Promise<string> {
    const body = JSON.stringify({
      model: this.model,
      messages: request.messages,
      response_format: { type: "json_schema", json_schema: { name: request.name, strict: true, schema: strictSchema(request.schema) } },
      temperature: 0.3,
    });
    try {
      const completion = await this.calls.run(
        request.name,
        signal,
        (trySignal) => this.request<Completion>("/chat/completions", { method: "POST", body }, trySignal),
        request.probe,
      );
      this.availability.succeeded();
      // A refusal has no content: an empty answer, which the repair round then asks about.
      return completion.choices?.[0]?.message?.content ?? "";
    } catch (error) {
      throw this.explain(error, signal, `the ${request.name}`);
    }
  }

  /** The model is served, or the server does not list its models (then the first chat will tell). */
  async check(signal: AbortSignal, probe = false): Promise<void> {
    let served: string[];
    try {
      const list = await this.calls.run("models", signal, (trySignal) => this.request<{ data?: Array<{ id?: string }> }>("/models", {}, trySignal), probe);
      served = (list.data ?? []).map((m) => m.id ?? "").filter(Boolean);
    } catch (error) {
      if (error instanceof HttpStatusError && (error.status === 404 || error.status === 405)) return this.availability.succeeded();
      throw this.explain(error, signal, "the model list");
    }
    if (served.length > 0 && !served.includes(this.model)) {
      const missing = failedPrecondition(
        `model "${this.model}" is not served by ${this.baseUrl} (it serves ${served.slice(0, 8).join(", ")}${served.length > 8 ? ", …" : ""}): set LECTRA_LLM_MODEL to one of them`,
      );
      this.availability.failed(missing);
      throw missing;
    }
    this.availability.succeeded();
  }

  async *prepare(signal: AbortSignal): AsyncGenerator<ModelProgress> {
    await this.check(signal);
    yield { status: "ready", completedBytes: 0, totalBytes: 0, ready: true };
  }
}

const detailOf = (error: HttpStatusError) => error.message.split(`HTTP ${error.status}: `)[1] ?? "no details";
