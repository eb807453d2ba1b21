// A fake OpenAI-compatible server on loopback (what vLLM, llama.cpp's server,
// LM Studio and hosted APIs speak): GET /v1/models and POST /v1/chat/completions
// with a json_schema response format, answered whole or streamed as server-sent
// events (`stream: true`). Same knobs as FakeOllama: models, latency per answer
// kind, a token rate for streamed answers, failing the next requests, broken
// answer modes, plus an optional bearer key it insists on.
import type * as http from "node:http";
import { FakeHttpServer, sendJson } from "./http";
import { answerKindOf, modelAnswer, questionOf, type AnswerMode, type ChatMessageLike, type ModelAnswerKind } from "./model-answers";
import { answerTokens, epochMs, waitForClient, writePaced, type LatencyCovers } from "./model-stream";
import { ModelFailureQueue, modelRequestBody, modelLatency, wholeChunk, writeWhole, type AnswerTiming, type ModelFailure, type ModelLatency } from "./ollama";

export interface FakeOpenAIOptions {
  /** Models it serves; the first is used by tests that do not care. */
  models?: string[];
  /** When set, every request must carry "Authorization: Bearer <apiKey>". */
  apiKey?: string;
  /** False: GET /v1/models answers 404, like servers that do not list models. */
  listsModels?: boolean;
  latencyMs?: ModelLatency;
  /** As FakeOllamaOptions.tokensPerSecond. */
  tokensPerSecond?: number;
  /** As FakeOllamaOptions.latencyCovers. */
  latencyCovers?: LatencyCovers;
}

export interface RecordedCompletion extends AnswerTiming {
  kind: ModelAnswerKind | undefined;
  model: string;
  repair: boolean;
  /** The request's response_format, as sent. */
  responseFormat: unknown;
  messages: ChatMessageLike[];
  authorization: string | undefined;
}

export class FakeOpenAI {
  readonly http: FakeHttpServer;
  readonly models: string[];
  apiKey: string | undefined;
  listsModels: boolean;
  latencyMs: ModelLatency | undefined;
  tokensPerSecond: number | undefined;
  latencyCovers: LatencyCovers | undefined;
  readonly modes: Partial<Record<ModelAnswerKind, AnswerMode>> = {};
  readonly completions: RecordedCompletion[] = [];
  private readonly failures = new ModelFailureQueue();

  constructor(options: FakeOpenAIOptions = {}) {
    this.models = options.models ?? ["gpt-4o-mini"];
    this.apiKey = options.apiKey;
    this.listsModels = options.listsModels ?? true;
    this.latencyMs = options.latencyMs;
    this.tokensPerSecond = options.tokensPerSecond;
    this.latencyCovers = options.latencyCovers;
    this.http = new FakeHttpServer((req, body, res) => this.handle(req, body, res));
  }

  /** Resolves with the base URL clients use, ending in /v1. */
  async start(): Promise<string> {
    await this.http.start();
    return this.baseUrl;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get baseUrl(): string {
    return `${this.http.url}/v1`;
  }

  get requests() {
    return this.http.requests;
  }

  failNext(n: number, failure: ModelFailure = 500): this {
    this.failures.push(n, failure);
    return this;
  }

  answer(kind: ModelAnswerKind, mode: AnswerMode): this {
    this.modes[kind] = mode;
    return this;
  }

  private async handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): Promise<void> {
    const failure = this.failures.apply(res, (status) => apiError(`fake failure (HTTP ${status})`, "server_error"));
    if (failure === true) return;
    if (this.apiKey && req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return sendJson(res, 401, apiError("Incorrect API key provided.", "invalid_api_key"));
    }
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/v1/models") {
      if (!this.listsModels) return sendJson(res, 404, apiError("Not found", "not_found"));
      return sendJson(res, 200, { object: "list", data: this.models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })) });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") return this.complete(modelRequestBody(raw), req, res, failure === "close-mid-stream");
    sendJson(res, 404, apiError(`${req.method} ${path} not found`, "not_found"));
  }

  private async complete(body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse, cutHalfway: boolean): Promise<void> {
    const model = String(body.model ?? "");
    const messages = (Array.isArray(body.messages) ? body.messages : []) as ChatMessageLike[];
    const format = body.response_format as { json_schema?: { schema?: unknown } } | undefined;
    const schema = format?.json_schema?.schema;
    const kind = answerKindOf(schema);
    const question = kind ? questionOf(kind, messages, schema) : undefined;
    const completion: RecordedCompletion = {
      kind,
      model,
      repair: question?.repair ?? false,
      responseFormat: format,
      messages,
      authorization: req.headers.authorization,
      stream: body.stream === true,
      arrivedAt: epochMs(),
      chunks: [],
      endedAt: 0,
    };
    this.completions.push(completion);
    try {
      await this.reply(completion, question ? modelAnswer(question, this.modes[question.kind]) : "Hello! How can I help?", res, cutHalfway);
    } finally {
      completion.endedAt = epochMs();
    }
  }

  private async reply(completion: RecordedCompletion, content: string, res: http.ServerResponse, cutHalfway: boolean): Promise<void> {
    const latencyMs = modelLatency(this.latencyMs, completion.kind, completion.messages);
    const { model } = completion;
    const id = `chatcmpl-fake${this.completions.length}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: 100, completion_tokens: answerTokens(content).length, total_tokens: 100 + answerTokens(content).length };
    // One server-sent event per chunk, as OpenAI writes them: the role first, then content deltas, then the finish reason, then [DONE].
    const event = (delta: Record<string, unknown>, finishReason: string | null = null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;
    const opening = () => event({ role: "assistant", content: "", refusal: null });
    const closing = () => event({}, "stop") + "data: [DONE]\n\n";
    const served = this.models.includes(model);

    if (completion.stream && this.tokensPerSecond && served) {
      const write = (text: string, first: boolean) => {
        if (first) res.writeHead(200, EVENT_STREAM);
        res.write((first ? opening() : "") + event({ content: text }));
      };
      const finish = () => {
        if (!res.headersSent) res.writeHead(200, EVENT_STREAM);
        res.end(closing());
      };
      const latencyCovers = this.latencyCovers?.(completion.kind, content);
      const pace = { arrivedAt: completion.arrivedAt, latencyMs, tokensPerSecond: this.tokensPerSecond, latencyCovers, cutHalfway };
      await writePaced(res, answerTokens(content), pace, completion.chunks, write, finish);
      return;
    }

    if (!(await waitForClient(res, latencyMs))) return;
    if (!served) {
      return sendJson(res, 404, apiError(`The model \`${model}\` does not exist or you do not have access to it.`, "model_not_found"));
    }
    completion.chunks.push(wholeChunk(content, cutHalfway));
    if (completion.stream) {
      writeWhole(res, EVENT_STREAM["content-type"], opening() + event({ content }) + closing(), cutHalfway);
    } else {
      const answer = { id, object: "chat.completion", created, model, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage };
      writeWhole(res, "application/json", JSON.stringify(answer), cutHalfway);
    }
  }
}

const EVENT_STREAM = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

const apiError = (message: string, code: string) => ({ error: { message, type: "invalid_request_error", param: null, code } });
