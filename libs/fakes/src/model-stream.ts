// How the fake model servers write an answer over time, the way a real model
// generates it: cut into tokens, the tokens paced at a rate so that the answer
// ends at the latency the fake was given for its kind (a slow model is slow to
// finish, and a streaming client sees its first tokens well before that). Each
// server frames the tokens in its own protocol (Ollama NDJSON, OpenAI SSE); this
// module decides only what goes out when, records it, and stops when the client
// goes away. Times are epoch milliseconds so that tests in other processes can
// compare them with their own (e.g. "the first slide was asked for before the
// outline's last title went out").
import type * as http from "node:http";
import type { ModelAnswerKind } from "./model-answers";

/** One piece of an answer as it was written, and when. */
export interface AnswerChunk {
  /** Epoch ms. */
  at: number;
  text: string;
}

/** Epoch ms with sub-millisecond precision, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** About the size of a model's token in English text. */
const TOKEN_CHARS = 4;

/** Writes closer together than this are batched: timers cannot keep a finer beat, and no client needs one. */
const MIN_WRITE_INTERVAL_MS = 5;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The answer cut into tokens of about four characters, never between the two halves of a surrogate pair. */
export function answerTokens(text: string): string[] {
  const tokens: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + TOKEN_CHARS);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end++;
    tokens.push(text.slice(start, end));
    start = end;
  }
  return tokens;
}

/** Resolves at epoch ms `at`, or at once when `signal` aborts. */
function waitUntil(at: number, signal: AbortSignal): Promise<void> {
  const ms = at - epochMs();
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Aborts when the client closes the connection (or the server drops it). */
export function closedSignal(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  return controller.signal;
}

/** Waits `ms`, or less when the client goes away; resolves false then. */
export async function waitForClient(res: http.ServerResponse, ms: number): Promise<boolean> {
  const closed = closedSignal(res);
  await waitUntil(epochMs() + ms, closed);
  return !closed.aborted && !res.destroyed;
}

export interface PacedAnswer {
  /** When the request arrived (epoch ms): the latency counts from here. */
  arrivedAt: number;
  /** When the whole answer should be out, after arrivedAt, in ms. */
  latencyMs: number;
  tokensPerSecond: number;
  /**
   * How many of the tokens the latency covers (all when unset): the rest come
   * after it at the same rate, so that an answer longer than the one a
   * replayed latency was measured for costs its extra tokens.
   */
  latencyCovers?: number;
  /** Set to drop the connection once about half of the tokens went out. */
  cutHalfway?: boolean;
}

/** How many of an answer's tokens its replayed latency covers, by the answer's kind and text (see PacedAnswer.latencyCovers). */
export type LatencyCovers = (kind: ModelAnswerKind | undefined, content: string) => number;

/**
 * Writes `tokens` paced at `tokensPerSecond` so that the stream ends `latencyMs`
 * after arrival (plus the tokens it does not cover, `latencyCovers`): the first
 * token at max(0, latency − covered tokens / rate), then one
 * every 1 / rate s (several per write when that is under 5 ms, the same total
 * time). `write` frames and sends a batch of tokens; `finish` the last message.
 * Every write is recorded in `chunks`. Resolves false when the client went away
 * or the connection was cut on purpose, true when the answer went out whole.
 */
export async function writePaced(
  res: http.ServerResponse,
  tokens: string[],
  pace: PacedAnswer,
  chunks: AnswerChunk[],
  write: (text: string, first: boolean) => void,
  finish: () => void,
): Promise<boolean> {
  const closed = closedSignal(res);
  const intervalMs = 1000 / pace.tokensPerSecond;
  const start = pace.arrivedAt + Math.max(0, pace.latencyMs - Math.min(tokens.length, pace.latencyCovers ?? tokens.length) * intervalMs);
  const perWrite = Math.max(1, Math.ceil(MIN_WRITE_INTERVAL_MS / intervalMs));
  // A cut answer stops after half of its tokens (none of a one-token answer).
  const end = pace.cutHalfway ? Math.floor(tokens.length / 2) : tokens.length;
  for (let from = 0; from < end; from += perWrite) {
    const to = Math.min(end, from + perWrite);
    // A batch goes out when its last token is due.
    await waitUntil(start + (to - 1) * intervalMs, closed);
    if (closed.aborted) return false;
    const text = tokens.slice(from, to).join("");
    chunks.push({ at: epochMs(), text });
    write(text, from === 0);
  }
  if (pace.cutHalfway) {
    res.socket?.destroy();
    return false;
  }
  await waitUntil(start + tokens.length * intervalMs, closed);
  if (closed.aborted) return false;
  finish();
  return true;
}
