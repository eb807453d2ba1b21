// Ollama (https://ollama.com), through the `ollama` package: chat with a JSON
// schema as `format` (structured outputs), whole or streamed, the model list to
// check the model is there, and a streamed pull when LECTRA_LLM_PULL=1. Each call gets its own
// lightweight client whose fetch carries that call's signal, so a call can be
// cancelled on its own; the global fetch (undici) keeps connections alive.
import { CircuitBreaker, HttpStatusError, isNetworkError } from "@lectra/resilience";
import { cancelled, failedPrecondition, unavailable } from "@lectra/service-kit";
import { Ollama } from "ollama";
import type { JsonChat, LanguageModel, ModelProgress } from "./engine";
import { cannotConnect, isDeadline, networkDetail, StreamCutShort, type ModelCalls } from "./model-calls";

/** How long the auto tagger leaves a model alone after finding it absent. */
export const AVAILABILITY_COOL_DOWN_MS = 5 * 60_000;

/** Ollama names without a tag mean ":latest". */
const withTag = (model: string) => (model.includes(":") ? model : `${model}:latest`);

/** ollama-js throws a ResponseError (not exported) carrying the HTTP status. */
function asHttpError(url: string) {
  return (error: unknown): never => {
    const status = (error as { status_code?: unknown }).status_code;
    if (error instanceof Error && error.name === "ResponseError" && typeof status === "number") throw new HttpStatusError(status, url, error.message);
    throw error;
  };
}

export class OllamaModel implements LanguageModel {
  readonly engine = "ollama";
  readonly availability: CircuitBreaker;

  constructor(
    readonly host: string,
    readonly model: string,
    /** Pull the model when it is missing (LECTRA_LLM_PULL=1). */
    readonly pull: boolean,
    private readonly calls: ModelCalls,
  ) {
    this.availability = new CircuitBreaker(`Ollama at ${host}`, AVAILABILITY_COOL_DOWN_MS);
  }

  private missingModel(): Error {
    return failedPrecondition(
      `model "${this.model}" is not in Ollama at ${this.host}: run "ollama pull ${this.model}", or set LECTRA_LLM_PULL=1 to let LECTRA pull it`,
    );
  }

  private client(signal: AbortSignal): Ollama {
    const withSignal: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    return new Ollama({ host: this.host, fetch: withSignal });
  }

  /** Turns what went wrong into an error a person can act on, and notes an absent model. */
  private explain(error: unknown, signal: AbortSignal, what: string): Error {
    if (signal.aborted) return error instanceof Error && error.name === "AbortError" ? error : cancelled("cancelled by the caller");
    let explained: Error;
    let absent = false;
    if (isDeadline(error)) {
      explained = unavailable(`Ollama at ${this.host} did not answer ${what} within ${this.calls.limits.timeoutMs / 1000} s (LECTRA_LLM_CALL_TIMEOUT_MS)`);
    } else if (cannotConnect(error)) {
      absent = true;
      explained = failedPrecondition(
        `Ollama is not reachable at ${this.host} (${networkDetail(error)}): start it with "ollama serve", then "ollama pull ${this.model}" — or set OLLAMA_HOST`,
      );
    } else if (isNetworkError(error)) {
      explained = unavailable(`Ollama at ${this.host} dropped the connection while answering ${what} (${networkDetail(error)})`);
    } else if (error instanceof StreamCutShort) {
      explained = unavailable(`Ollama at ${this.host} ended its answer to ${what} before it was done`);
    } else if (error instanceof HttpStatusError && error.status === 404) {
      absent = true;
      explained = this.missingModel();
    } else if (error instanceof HttpStatusError && (error.status >= 500 || error.status === 429)) {
      explained = unavailable(`Ollama at ${this.host} failed to answer ${what}: HTTP ${error.status}${detailOf(error)}`);
    } else if (error instanceof HttpStatusError) {
      explained = new Error(`Ollama at ${this.host} refused ${what}: HTTP ${error.status}${detailOf(error)}`);
    } else {
      return error instanceof Error ? error : new Error(String(error));
    }
    if (absent) this.availability.failed(explained);
    return explained;
  }

  async chat(request: JsonChat, signal: AbortSignal): Promise<string> {
    const url = `${this.host}/api/chat`;
    try {
      const content = await this.calls.run(
        request.name,
        signal,
        async (trySignal) => {
          const answer = await this.client(trySignal)
            .chat({ model: this.model, messages: request.messages, format: request.schema, stream: false, options: { temperature: 0.3 } })
            .catch(asHttpError(url));
          return answer.message?.content ?? "";
        },
        request.probe,
        request.priority,
      );
      this.availability.succeeded();
      return content;
    } catch (error) {
      throw this.explain(error, signal, `the ${request.name}`);
    }
  }

  async *chatStream(request: JsonChat, signal: AbortSignal): AsyncGenerator<string> {
    try {
      yield* this.calls.stream(request.name, signal, (trySignal) => this.deltas(request, trySignal), request.probe, request.priority);
      this.availability.succeeded();
    } catch (error) {
      throw this.explain(error, signal, `the ${request.name}`);
    }
  }

  /** One streamed try: the text of each NDJSON message until the one that says done. */
  private async *deltas(request: JsonChat, trySignal: AbortSignal): AsyncGenerator<string> {
    const parts = await this.client(trySignal)
      .chat({ model: this.model, messages: request.messages, format: request.schema, stream: true, options: { temperature: 0.3 } })
      .catch(asHttpError(`${this.host}/api/chat`));
    let done = false;
    try {
      for await (const part of parts) {
        if (part.message?.content) yield part.message.content;
        done ||= part.done;
      }
    } catch (error) {
      // ollama-js says so in words when the body ended before a message with done: true.
      if (error instanceof Error && /did not receive done/i.test(error.message)) throw new StreamCutShort(error.message);
      throw error;
    } finally {
      // A caller that stopped early, or a failure: close the connection rather than read an answer nobody wants.
      if (!done) parts.abort();
    }
  }

  private async hasModel(signal: AbortSignal, probe = false): Promise<boolean> {
    const url = `${this.host}/api/tags`;
    try {
      const list = await this.calls.run("list", signal, (trySignal) => this.client(trySignal).list().catch(asHttpError(url)), probe);
      const wanted = withTag(this.model);
      return (list.models ?? []).some((m) => withTag(m.name ?? "") === wanted || withTag(m.model ?? "") === wanted);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) {
        throw failedPrecondition(`${this.host} does not answer like Ollama (GET /api/tags: HTTP 404): check OLLAMA_HOST`);
      }
      throw this.explain(error, signal, "the model list");
    }
  }

  async check(signal: AbortSignal, probe = false): Promise<void> {
    if (await this.hasModel(signal, probe)) return this.availability.succeeded();
    const missing = this.pull
      ? failedPrecondition(`model "${this.model}" is not in Ollama at ${this.host} yet: LECTRA_LLM_PULL=1, so the first topic job pulls it`)
      : this.missingModel();
    this.availability.failed(missing);
    throw missing;
  }

  async *prepare(signal: AbortSignal): AsyncGenerator<ModelProgress> {
    if (!(await this.hasModel(signal))) {
      if (!this.pull) {
        const missing = this.missingModel();
        this.availability.failed(missing);
        throw missing;
      }
      yield* this.pullModel(signal);
    }
    this.availability.succeeded();
    yield { status: "ready", completedBytes: 0, totalBytes: 0, ready: true };
  }

  /** The download, as Ollama reports it. No deadline but the caller's: a model is gigabytes. */
  private async *pullModel(signal: AbortSignal): AsyncGenerator<ModelProgress> {
    try {
      const progress = await this.client(signal).pull({ model: this.model, stream: true }).catch(asHttpError(`${this.host}/api/pull`));
      for await (const p of progress) {
        yield { status: p.status, completedBytes: p.completed ?? 0, totalBytes: p.total ?? 0, ready: false };
      }
    } catch (error) {
      if (signal.aborted || isNetworkError(error)) throw this.explain(error, signal, "the pull");
      throw failedPrecondition(
        `Ollama at ${this.host} could not pull "${this.model}" (${error instanceof Error ? error.message : String(error)}): ` +
          `check the name in LECTRA_LLM_MODEL against https://ollama.com/library, or run "ollama pull ${this.model}" to see why`,
      );
    }
  }
}

const detailOf = (error: HttpStatusError) => {
  const detail = error.message.split(`HTTP ${error.status}: `)[1];
  return detail ? ` (${detail})` : "";
};
