// A fake Ollama server on loopback, speaking the real HTTP API the `ollama`
// package uses: /api/chat (with a JSON schema as `format`, answered whole or
// streamed as NDJSON), /api/tags, /api/pull (NDJSON progress, like a real
// download) and /api/version. Knobs: which models are there, latency per answer
// kind, a token rate for streamed answers (model-stream.ts), failing the next
// requests (an HTTP status, a closed connection, or one closed halfway through
// the answer), and a broken answer mode per kind (see model-answers.ts).
import type * as http from "node:http";
import { delay, FakeHttpServer, sendJson } from "./http";
import { answerKindOf, modelAnswer, questionOf, type AnswerMode, type ChatMessageLike, type ModelAnswerKind } from "./model-answers";
import { answerTokens, epochMs, waitForClient, writePaced, type AnswerChunk, type LatencyCovers } from "./model-stream";

// What a test needs to read a streamed answer's record (the package index lists this module, not model-stream.ts).
export { answerTokens, epochMs, type AnswerChunk };

/** A fixed delay in ms, or one per answer: by its kind and the request's messages (what it asks). */
export type ModelLatency = number | ((kind: ModelAnswerKind, messages: readonly ChatMessageLike[]) => number);

/**
 * An HTTP status to answer with, "close" to drop the connection without an
 * answer, or "close-mid-stream" to drop it once about half of a chat answer went
 * out (streamed or not; any other request is answered normally).
 */
export type ModelFailure = number | "close" | "close-mid-stream";

export interface FakeOllamaOptions {
  /** Models the server has, e.g. ["llama3.1:8b"]. */
  models?: string[];
  /** Delay before each chat answer, in ms, or per answer kind. */
  latencyMs?: ModelLatency;
  /** Bytes the fake download of a pulled model reports. */
  pullBytes?: number;
  /** Set to make /api/pull fail with this error (e.g. an unknown model). */
  pullError?: string;
  /**
   * Streamed chat answers (`stream: true`) come token by token at this rate,
   * ending at the latency; unset: in one piece after the latency.
   */
  tokensPerSecond?: number;
  /** How many of a streamed answer's tokens the latency covers (all when unset); see PacedAnswer.latencyCovers. */
  latencyCovers?: LatencyCovers;
}

/** When a chat answer was asked for and written; times are epoch ms (performance.timeOrigin + performance.now()). */
export interface AnswerTiming {
  /** The client asked for a stream. */
  stream: boolean;
  arrivedAt: number;
  /** Each piece of the answer as it was written (a whole answer is one piece). */
  chunks: AnswerChunk[];
  /** When the answer ended: written whole, refused, cut or abandoned; 0 while it is being written. */
  endedAt: number;
}

export interface RecordedChat extends AnswerTiming {
  kind: ModelAnswerKind | undefined;
  model: string;
  repair: boolean;
  /** The JSON schema sent as `format`. */
  format: unknown;
  messages: ChatMessageLike[];
}

/** Hands out each failure in turn to the next requests, whatever they ask. */
export class ModelFailureQueue {
  private readonly pending: ModelFailure[] = [];

  push(n: number, failure: ModelFailure): void {
    for (let i = 0; i < n; i++) this.pending.push(failure);
  }

  /**
   * Answers the request with the next failure when it is one that comes instead
   * of an answer (true); "close-mid-stream" is returned for the answer to apply.
   */
  apply(res: http.ServerResponse, body: (status: number) => unknown): boolean | "close-mid-stream" {
    const failure = this.pending.shift();
    if (failure === undefined) return false;
    if (failure === "close-mid-stream") return failure;
    if (failure === "close") res.socket?.destroy();
    else sendJson(res, failure, body(failure));
    return true;
  }
}

/** Writes a whole answer body, or about half of it and then drops the connection. */
export function writeWhole(res: http.ServerResponse, contentType: string, body: string, cutHalfway: boolean): void {
  res.writeHead(200, { "content-type": contentType });
  if (!cutHalfway) return void res.end(body);
  res.write(body.slice(0, Math.floor(body.length / 2)));
  res.socket?.destroy();
}

/** The answer's text so far, for a chunk record: half of it when the connection is cut halfway. */
export const wholeChunk = (content: string, cutHalfway: boolean): AnswerChunk => ({
  at: epochMs(),
  text: cutHalfway ? content.slice(0, Math.floor(content.length / 2)) : content,
});

export const modelLatency = (latency: ModelLatency | undefined, kind: ModelAnswerKind | undefined, messages: readonly ChatMessageLike[] = []): number =>
  typeof latency === "function" ? (kind ? latency(kind, messages) : 0) : (latency ?? 0);

export class FakeOllama {
  readonly http: FakeHttpServer;
  readonly models: Set<string>;
  latencyMs: ModelLatency | undefined;
  /** See FakeOllamaOptions.tokensPerSecond. */
  tokensPerSecond: number | undefined;
  latencyCovers: LatencyCovers | undefined;
  pullBytes: number;
  pullError: string | undefined;
  /** The answer mode per kind; "valid" when unset. */
  readonly modes: Partial<Record<ModelAnswerKind, AnswerMode>> = {};
  /** Every chat request, in order. */
  readonly chats: RecordedChat[] = [];
  /** Every model pulled, in order. */
  readonly pulls: string[] = [];
  private readonly failures = new ModelFailureQueue();

  constructor(options: FakeOllamaOptions = {}) {
    this.models = new Set((options.models ?? ["llama3.1:8b"]).map(withTag));
    this.latencyMs = options.latencyMs;
    this.tokensPerSecond = options.tokensPerSecond;
    this.latencyCovers = options.latencyCovers;
    this.pullBytes = options.pullBytes ?? 4_920_000;
    this.pullError = options.pullError;
    this.http = new FakeHttpServer((req, body, res) => this.handle(req, body, res));
  }

  start(): Promise<string> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get url(): string {
    return this.http.url;
  }

  /** Every request seen: method, path and JSON body. */
  get requests() {
    return this.http.requests;
  }

  /** The next `n` requests get `failure` (an HTTP status, 500 by default, or "close"). */
  failNext(n: number, failure: ModelFailure = 500): this {
    this.failures.push(n, failure);
    return this;
  }

  /** Answers of this kind come in the given mode from now on. */
  answer(kind: ModelAnswerKind, mode: AnswerMode): this {
    this.modes[kind] = mode;
    return this;
  }

  private async handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): Promise<void> {
    const failure = this.failures.apply(res, (status) => ({ error: `fake failure (HTTP ${status})` }));
    if (failure === true) return;
    const body = modelRequestBody(raw);
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/api/version") return sendJson(res, 200, { version: "0.12.6" });
    if (req.method === "GET" && path === "/api/tags") return sendJson(res, 200, { models: [...this.models].map(modelEntry) });
    if (req.method === "POST" && path === "/api/pull") return this.pull(body, res);
    if (req.method === "POST" && path === "/api/chat") return this.chat(body, res, failure === "close-mid-stream");
    sendJson(res, 404, { error: `${req.method} ${path} not found` });
  }

  private async chat(body: Record<string, unknown>, res: http.ServerResponse, cutHalfway: boolean): Promise<void> {
    const model = String(body.model ?? "");
    const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessageLike[];
    const kind = answerKindOf(body.format);
    const question = kind ? questionOf(kind, messages, body.format) : undefined;
    const stream = body.stream === true;
    const chat: RecordedChat = { kind, model, repair: question?.repair ?? false, format: body.format, messages, stream, arrivedAt: epochMs(), chunks: [], endedAt: 0 };
    this.chats.push(chat);
    try {
      await this.reply(chat, question ? modelAnswer(question, this.modes[question.kind]) : "Hello! How can I help?", res, cutHalfway);
    } finally {
      chat.endedAt = epochMs();
    }
  }

  private async reply(chat: RecordedChat, content: string, res: http.ServerResponse, cutHalfway: boolean): Promise<void> {
    const latencyMs = modelLatency(this.latencyMs, chat.kind, chat.messages);
    const { model } = chat;
    const line = (text: string, done: boolean) =>
      JSON.stringify({
        model,
        created_at: new Date().toISOString(),
        message: { role: "assistant", content: text },
        ...(done ? { done_reason: "stop", done, total_duration: 1_000_000, eval_count: answerTokens(content).length } : { done }),
      }) + "\n";

    if (chat.stream && this.tokensPerSecond && this.models.has(withTag(model))) {
      // Ollama sends its headers with the first token, then a line per token, then a done line with the counts.
      const write = (text: string, first: boolean) => {
        if (first) res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.write(line(text, false));
      };
      const finish = () => {
        if (!res.headersSent) res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.end(line("", true));
      };
      const latencyCovers = this.latencyCovers?.(chat.kind, content);
      const pace = { arrivedAt: chat.arrivedAt, latencyMs, tokensPerSecond: this.tokensPerSecond, latencyCovers, cutHalfway };
      await writePaced(res, answerTokens(content), pace, chat.chunks, write, finish);
      return;
    }

    if (!(await waitForClient(res, latencyMs))) return;
    if (!this.models.has(withTag(model))) return sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });
    chat.chunks.push(wholeChunk(content, cutHalfway));
    if (chat.stream) writeWhole(res, "application/x-ndjson", line(content, true), cutHalfway);
    else writeWhole(res, "application/json", line(content, true).trimEnd(), cutHalfway);
  }

  /** Streams progress the way Ollama does: manifest, one layer in several steps, verify, write, success. */
  private async pull(body: Record<string, unknown>, res: http.ServerResponse): Promise<void> {
    const model = String(body.model ?? body.name ?? "");
    this.pulls.push(model);
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const line = (o: unknown) => res.write(JSON.stringify(o) + "\n");
    line({ status: "pulling manifest" });
    if (this.pullError) {
      line({ error: this.pullError });
      return void res.end();
    }
    const digest = "sha256:" + "8eeb52dfb3bb".padEnd(64, "0");
    const total = this.pullBytes;
    for (const share of [0, 0.25, 0.5, 0.75, 1]) {
      await delay(modelLatency(this.latencyMs, undefined));
      line({ status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: Math.round(total * share) });
    }
    line({ status: "verifying sha256 digest" });
    line({ status: "writing manifest" });
    this.models.add(withTag(model));
    line({ status: "success" });
    res.end();
  }
}

export function modelRequestBody(raw: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Ollama names without a tag mean ":latest". */
const withTag = (model: string) => (model.includes(":") ? model : `${model}:latest`);

function modelEntry(name: string) {
  return {
    name,
    model: name,
    modified_at: "2025-01-01T00:00:00Z",
    size: 4_920_000_000,
    digest: "8eeb52dfb3bb".padEnd(64, "0"),
    details: { format: "gguf", family: "llama", parameter_size: "8.0B", quantization_level: "Q4_K_M" },
  };
}
