// A fake Ollama server on loopback, speaking the real HTTP API the `ollama`
// package uses: /api/chat (non-streaming, with a JSON schema as `format`),
// /api/tags, /api/pull (NDJSON progress, like a real download) and /api/version.
// Knobs: which models are there, latency per answer kind, failing the next
// requests (an HTTP status or a closed connection), and a broken answer mode
// per kind (see model-answers.ts).
import type * as http from "node:http";
import { delay, FakeHttpServer, sendJson } from "./http";
import { answerKindOf, modelAnswer, questionOf, type AnswerMode, type ChatMessageLike, type ModelAnswerKind } from "./model-answers";

export type ModelLatency = number | ((kind: ModelAnswerKind) => number);

/** An HTTP status to answer with, or "close" to drop the connection without an answer. */
export type ModelFailure = number | "close";

export interface FakeOllamaOptions {
  /** Models the server has, e.g. ["llama3.1:8b"]. */
  models?: string[];
  /** Delay before each chat answer, in ms, or per answer kind. */
  latencyMs?: ModelLatency;
  /** Bytes the fake download of a pulled model reports. */
  pullBytes?: number;
  /** Set to make /api/pull fail with this error (e.g. an unknown model). */
  pullError?: string;
}

export interface RecordedChat {
  kind: ModelAnswerKind | undefined;
  model: string;
  repair: boolean;
  /** The JSON schema sent as `format`. */
  format: unknown;
  messages: ChatMessageLike[];
}

/** Writes each failure in turn for the next requests, whatever they ask. */
export class ModelFailureQueue {
  private readonly pending: ModelFailure[] = [];

  push(n: number, failure: ModelFailure): void {
    for (let i = 0; i < n; i++) this.pending.push(failure);
  }

  /** True when the request was answered with a failure. */
  apply(res: http.ServerResponse, body: (status: number) => unknown): boolean {
    const failure = this.pending.shift();
    if (failure === undefined) return false;
    if (failure === "close") res.socket?.destroy();
    else sendJson(res, failure, body(failure));
    return true;
  }
}

export const modelLatency = (latency: ModelLatency | undefined, kind: ModelAnswerKind | undefined): number =>
  typeof latency === "function" ? (kind ? latency(kind) : 0) : (latency ?? 0);

export class FakeOllama {
  readonly http: FakeHttpServer;
  readonly models: Set<string>;
  latencyMs: ModelLatency | undefined;
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
    if (this.failures.apply(res, (status) => ({ error: `fake failure (HTTP ${status})` }))) return;
    const body = modelRequestBody(raw);
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/api/version") return sendJson(res, 200, { version: "0.12.6" });
    if (req.method === "GET" && path === "/api/tags") return sendJson(res, 200, { models: [...this.models].map(modelEntry) });
    if (req.method === "POST" && path === "/api/pull") return this.pull(body, res);
    if (req.method === "POST" && path === "/api/chat") return this.chat(body, res);
    sendJson(res, 404, { error: `${req.method} ${path} not found` });
  }

  private async chat(body: Record<string, unknown>, res: http.ServerResponse): Promise<void> {
    const model = String(body.model ?? "");
    const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessageLike[];
    const kind = answerKindOf(body.format);
    const question = kind ? questionOf(kind, messages, body.format) : undefined;
    this.chats.push({ kind, model, repair: question?.repair ?? false, format: body.format, messages });
    await delay(modelLatency(this.latencyMs, kind));
    if (!this.models.has(withTag(model))) return sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });

    const content = question ? modelAnswer(question, this.modes[question.kind]) : "Hello! How can I help?";
    const answer = {
      model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", content },
      done_reason: "stop",
      done: true,
      total_duration: 1_000_000,
      eval_count: Math.ceil(content.length / 4),
    };
    if (body.stream === true) {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(JSON.stringify(answer) + "\n");
    } else {
      sendJson(res, 200, answer);
    }
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
