// Any server that speaks OpenAI's chat completions API: vLLM, llama.cpp's
// server, LM Studio, hosted APIs. Plain fetch (undici keeps connections alive):
// POST {base}/chat/completions with a json_schema response format, whole or
// streamed as server-sent events, and GET {base}/models to check the model is
// served.
import { CircuitBreaker, HttpStatusError, isNetworkError } from "@lectra/resilience";
import { cancelled, failedPrecondition, unavailable } from "@lectra/service-kit";
import type { JsonChat, LanguageModel, ModelProgress } from "./engine";
import { cannotConnect, isDeadline, networkDetail, StreamCutShort, type ModelCalls } from "./model-calls";
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

/** One server-sent event of a streamed completion. */
interface CompletionChunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  /** Some servers report a failure in the middle of a stream this way. */
  error?: { message?: unknown } | string;
}

/**
 * The data of each server-sent event in a body (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * "data:" lines joined by newlines, an event ending at a blank line; comments
 * (":…") and other fields are skipped. Lines may end in \n, \r\n or \r.
 */
export async function* serverSentData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  /** The complete lines in the buffer (all of it once the body ended), leaving the rest there. */
  const lines = (final: boolean): string[] => {
    // A \r at the very end may be the first half of a \r\n: it waits for the next bytes.
    const upTo = final || !buffer.endsWith("\r") ? buffer.length : buffer.length - 1;
    const parts = buffer.slice(0, upTo).split(/\r\n|\r|\n/);
    buffer = (final ? "" : parts.pop()!) + buffer.slice(upTo);
    return parts;
  };
  const event = function* (line: string): Generator<string> {
    if (line === "") {
      if (data.length > 0) yield data.join("\n");
      data = [];
    } else if (line.startsWith("data:")) {
      data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    for (const line of lines(false)) yield* event(line);
  }
  buffer += decoder.decode();
  for (const line of lines(true)) yield* event(line);
  yield* event("");
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

  private headers(accept: string, body: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept };
    if (body) headers["content-type"] = "application/json";
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    return headers;
  }

  private async request<T>(path: string, init: RequestInit, signal: AbortSignal): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const response = await fetch(url, { ...init, headers: this.headers("application/json", Boolean(init.body)), signal });
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
    } else if (error instanceof StreamCutShort) {
      explained = unavailable(`${server} ended its answer to ${what} before it was done${error.message ? ` (${error.message})` : ""}`);
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

  private body(request: JsonChat, stream: boolean): string {
    return JSON.stringify({
      model: this.model,
      messages: request.messages,
      response_format: { type: "json_schema", json_schema: { name: request.name, strict: true, schema: strictSchema(request.schema) } },
      temperature: 0.3,
      ...(stream ? { stream } : {}),
    });
  }

  async chat(request: JsonChat, signal: AbortSignal): Promise<string> {
    const body = this.body(request, false);
    try {
      const completion = await this.calls.run(
        request.name,
        signal,
        (trySignal) => this.request<Completion>("/chat/completions", { method: "POST", body }, trySignal),
        request.probe,
        request.priority,
      );
      this.availability.succeeded();
      // A refusal has no content: an empty answer, which the repair round then asks about.
      return completion.choices?.[0]?.message?.content ?? "";
    } catch (error) {
      throw this.explain(error, signal, `the ${request.name}`);
    }
  }

  async *chatStream(request: JsonChat, signal: AbortSignal): AsyncGenerator<string> {
    const body = this.body(request, true);
    try {
      yield* this.calls.stream(request.name, signal, (trySignal) => this.deltas(body, trySignal), request.probe, request.priority);
      this.availability.succeeded();
    } catch (error) {
      throw this.explain(error, signal, `the ${request.name}`);
    }
  }

  /** One streamed try: the content deltas of each event, until the finish reason or [DONE]. */
  private async *deltas(body: string, trySignal: AbortSignal): AsyncGenerator<string> {
    const url = `${this.baseUrl}/chat/completions`;
    const response = await fetch(url, { method: "POST", headers: this.headers("text/event-stream", true), body, signal: trySignal });
    if (!response.ok) throw new HttpStatusError(response.status, url, errorText(await response.text()));
    if (!response.body) throw new StreamCutShort("no body");
    if (/^application\/json/i.test(response.headers.get("content-type") ?? "")) {
      // A server that does not stream answers the whole completion at once.
      const completion = JSON.parse(await response.text()) as Completion;
      const content = completion.choices?.[0]?.message?.content;
      if (content) yield content;
      return;
    }
    let finished = false;
    for await (const data of serverSentData(response.body)) {
      if (data === "[DONE]") return;
      let chunk: CompletionChunk;
      try {
        chunk = JSON.parse(data) as CompletionChunk;
      } catch {
        throw new Error(`${url} streamed an event that is not JSON: ${data.slice(0, 80)}`);
      }
      if (chunk.error) throw new StreamCutShort(typeof chunk.error === "string" ? chunk.error : String(chunk.error.message ?? "an error event"));
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) yield choice.delta.content;
      finished ||= Boolean(choice?.finish_reason);
    }
    // Without [DONE] a finish reason will do (some servers leave it out); without either the answer was cut.
    if (!finished) throw new StreamCutShort("");
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
