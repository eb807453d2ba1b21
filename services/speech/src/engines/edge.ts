// The network engine: Microsoft Edge's neural voices through msedge-tts. Each
// segment is one SSML request (its own rate and pitch), answered with MP3 and
// word boundaries; the MP3 is decoded in worker threads to our PCM and the word
// boundaries become the clip's word timings, so captions follow the real speech.
//
// Every request has a deadline, is retried once when the failure may pass
// (connection refused or dropped, 5xx, timeout), and waits for one of a fixed
// number of slots, shared by every call to this process: the waiting ones in
// the order of their priority (a lecture's first slides first), then arrival.
// After a failure the engine is skipped for a while (a circuit breaker), so a
// lecture's later segments go straight to the fallback instead of each paying
// the timeout.
import * as path from "node:path";
import { CircuitBreaker, HttpStatusError, isNetworkError, isTransient, withRetry } from "@lectra/resilience";
import type { Logger } from "@lectra/service-kit";
import PQueue from "p-queue";
import Piscina from "piscina";
import type { Delivery, SpeechEngine, SpokenClip, Voice } from "./engine";
import { EdgeConnectionPool, useEdgeUrl, type EdgeAnswer, type EdgeRequest } from "./edge-connection";
import { EDGE_VOLUME, edgePitch, edgeRate, edgeVoiceLanguage, isPlainName, ssmlText } from "./edge-ssml";
import { EDGE, fetchEdgeVoices } from "./edge-voices";
import { clipWords, wordBoundaries } from "./edge-words";
import { OUTPUT_SAMPLE_RATE } from "./engine";
import type { DecodedSpeech, DecodeTask } from "./mp3-worker";

export { EDGE };
export const DEFAULT_EDGE_VOICE = "en-US-AriaNeural";
/** The voice list is small and either comes at once or not at all; start-up never waits for it. */
export const VOICES_TIMEOUT_MS = 5_000;
/** After the voice list failed, ask again on demand after this long. */
export const VOICES_RETRY_AFTER_MS = 60_000;
/**
 * Edge's decoded silence is not always exact zeros; below this (about −60 dBFS)
 * a sample is padding, not speech.
 */
export const EDGE_SILENCE_LEVEL = 32;

export interface EdgeOptions {
  wssUrl: string;
  voicesUrl: string;
  /** Requests in flight to Edge at once, across all calls to this process. */
  concurrency: number;
  /** Deadline of one request (connect, send, all audio), in ms. */
  timeoutMs: number;
  /** Worker threads that decode MP3. */
  decodeWorkers: number;
  log: Logger;
}

/** Why Edge did not speak: what a person reads in the warning or the UNAVAILABLE status. */
export function describeEdgeFailure(error: unknown, timeoutMs?: number): string {
  if (error instanceof HttpStatusError) return `HTTP ${error.status} from ${hostOf(error.url)}`;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.name === "TimeoutError") return timeoutMs ? `no answer within ${timeoutMs / 1000} s` : "no answer in time";
    const { code, hostname, address, port } = e as { code?: unknown; hostname?: unknown; address?: unknown; port?: unknown };
    if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) continue;
    if (typeof hostname === "string") return `${code} ${hostname}`;
    if (typeof address === "string") return `${code} ${address}${typeof port === "number" ? `:${port}` : ""}`;
    return (e instanceof Error && e.message) || code;
  }
  return error instanceof Error ? error.message : String(error);
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** Edge did not speak a segment; `reason` is what describeEdgeFailure says. */
export class EdgeUnavailableError extends Error {
  override name = "EdgeUnavailableError";
  constructor(
    readonly reason: string,
    readonly network: boolean,
    options?: { cause?: unknown },
  ) {
    super(`Edge TTS ${network ? "could not be reached" : "failed"} (${reason})`, options);
  }
}

export class EdgeEngine implements SpeechEngine {
  readonly name = EDGE;
  private list: Voice[] = [];
  private loading: Promise<void> | undefined;
  private voicesProblemText = "not fetched yet";
  private voicesFailureLogged = false;
  private readonly voicesBreaker = new CircuitBreaker("Edge TTS voice list", VOICES_RETRY_AFTER_MS);
  private readonly breaker = new CircuitBreaker("Edge TTS");
  private lastFailure: EdgeUnavailableError | undefined;
  private readonly slots: PQueue;
  private readonly connections: EdgeConnectionPool;
  private readonly decoder: Piscina;

  constructor(private readonly options: EdgeOptions) {
    useEdgeUrl(options.wssUrl);
    this.slots = new PQueue({ concurrency: options.concurrency });
    this.connections = new EdgeConnectionPool(options.concurrency);
    this.decoder = new Piscina({
      filename: path.join(__dirname, "mp3-worker.js"),
      // No threads until Edge is used: offline, the engine costs nothing.
      minThreads: 0,
      maxThreads: options.decodeWorkers,
      idleTimeout: 60_000,
    });
  }

  /** The voices Edge listed; empty until the list has been fetched. */
  get voices(): readonly Voice[] {
    return this.list;
  }

  get voicesLoaded(): boolean {
    return this.list.length > 0;
  }

  /** Why the voice list is missing, for messages. */
  get voicesProblem(): string {
    return this.voicesProblemText;
  }

  get defaultVoice(): Voice {
    return this.list.find((v) => v.name === DEFAULT_EDGE_VOICE) ?? this.provisionalVoice(DEFAULT_EDGE_VOICE);
  }

  /** A voice by an Edge-looking name before the list could confirm it. */
  provisionalVoice(name: string): Voice {
    return { name, language: edgeVoiceLanguage(name), description: "Edge voice (not yet confirmed by the voice list)", engine: EDGE };
  }

  /**
   * Fetches the voice list unless it is there, being fetched, or failed a short
   * while ago. Never rejects: a failure leaves the list empty and says why in
   * voicesProblem.
   */
  refreshVoices(): Promise<void> {
    if (this.list.length > 0) return Promise.resolve();
    if (this.loading) return this.loading;
    if (this.voicesBreaker.isOpen) return Promise.resolve();
    this.loading = fetchEdgeVoices(this.options.voicesUrl, AbortSignal.timeout(VOICES_TIMEOUT_MS))
      .then(
        (voices) => {
          this.list = voices;
          this.voicesBreaker.succeeded();
          this.options.log.info("Edge voices ready", { voices: voices.length });
        },
        (error: unknown) => {
          this.voicesBreaker.failed(error);
          this.voicesProblemText = describeEdgeFailure(error, VOICES_TIMEOUT_MS);
          // Offline this fails on every start; say so once, not on every retry.
          if (!this.voicesFailureLogged) {
            this.voicesFailureLogged = true;
            this.options.log.warn("Edge voices unavailable; espeak-ng voices only until they load", { reason: this.voicesProblemText });
          }
        },
      )
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  async speak(voice: Voice, delivery: Delivery, signal: AbortSignal, priority = 0): Promise<SpokenClip> {
    signal.throwIfAborted();
    if (this.breaker.isOpen && this.lastFailure) {
      throw new EdgeUnavailableError(`${this.lastFailure.reason}; not tried again for ${Math.round(this.breaker.coolDownMs / 1000)} s after a failure`, this.lastFailure.network);
    }
    if (!isPlainName(voice.name) || !isPlainName(voice.language)) throw new Error(`"${voice.name}" is not an Edge voice name`);
    const request: EdgeRequest = {
      voice: voice.name,
      locale: voice.language,
      ssmlText: ssmlText(delivery.text),
      rate: edgeRate(delivery.ratePercent),
      pitch: edgePitch(delivery.pitchSemitones),
      volume: EDGE_VOLUME,
    };
    const answer = await this.ask(request, signal, priority);
    const task: DecodeTask = { mp3: answer.mp3, silenceLevel: EDGE_SILENCE_LEVEL };
    const decoded: DecodedSpeech = await this.decoder.run(task, { name: "decode", signal });
    const pcm = Buffer.from(decoded.pcm.buffer, decoded.pcm.byteOffset, decoded.pcm.byteLength);
    const clipSeconds = pcm.length / 2 / OUTPUT_SAMPLE_RATE;
    return { pcm, words: clipWords(wordBoundaries(answer.metadata), decoded.shiftSeconds, clipSeconds) };
  }

  /** One request with its retries, in a concurrency slot, each try under its own deadline. */
  private async ask(request: EdgeRequest, signal: AbortSignal, priority: number): Promise<EdgeAnswer> {
    try {
      const answer = await withRetry(
        // A request cancelled while it waits for its slot leaves the queue unsent.
        () => this.slots.add(() => this.connections.speak(request, AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)])), { priority, signal }),
        {
          attempts: 2,
          baseDelayMs: 250,
          signal,
          retryable: isTransient,
          onRetry: (error, attempt, delayMs) =>
            this.options.log.info("Edge TTS request failed; trying again", { attempt, delayMs, reason: describeEdgeFailure(error, this.options.timeoutMs) }),
        },
      );
      this.breaker.succeeded();
      return answer;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const network = isNetworkError(error) || error instanceof HttpStatusError;
      const failure = new EdgeUnavailableError(describeEdgeFailure(error, this.options.timeoutMs), network, { cause: error });
      this.breaker.failed(error);
      this.lastFailure = failure;
      throw failure;
    }
  }

  async close(): Promise<void> {
    this.connections.close();
    await this.decoder.destroy();
  }
}
