// What the web engines (Commons, Openverse) share: search the API, pick the
// best few results, download them through SafeFetch until one is a real PNG or
// JPEG that fits a slide. Each engine is one SearchApi (its URL and its answer's
// shape); this file adds the resilience: a concurrency limit per engine, one
// retry of a search on a transient failure, and a circuit breaker so a down API
// costs one slide a timeout, not every slide.
import type { Picture } from "@lectra/proto";
import { CircuitBreaker, withRetry } from "@lectra/resilience";
import type { Logger } from "@lectra/service-kit";
import pLimit from "p-limit";
import { RefusedUrlError, type SafeFetch } from "../net/safe-fetch";
import { fitsSlide, pickCandidates, type Candidate } from "./candidates";
import { FinderUnavailable, type PictureFinder, type Warn } from "./engine";

export interface SearchApi {
  readonly name: "wikimedia" | "openverse";
  /** The search request for some words. */
  searchUrl(query: string): string;
  /** The API's JSON answer → its results in rank order; throws when the answer is an error. */
  candidates(answer: unknown): Candidate[];
}

export interface WebFinderOptions {
  /** Requests to this API and its file hosts at once, across all calls. */
  concurrency: number;
  log: Logger;
  /** Tries per search, the first included. */
  attempts?: number;
  retryDelayMs?: number;
  /** How long a failed API is skipped. */
  coolDownMs?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** No name resolution at all: the machine has no internet (CI, this sandbox), not a broken API. */
export function isOffline(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return true;
  }
  return false;
}

/** A signal aborted by a deadline (ours or the request's budget), not by the caller cancelling. */
const timedOut = (signal: AbortSignal) => signal.aborted && (signal.reason as { name?: string } | undefined)?.name === "TimeoutError";

export function webFinder(api: SearchApi, net: SafeFetch, options: WebFinderOptions): PictureFinder {
  const { log } = options;
  const limit = pLimit(options.concurrency);
  const breaker = new CircuitBreaker(api.name, options.coolDownMs);
  let offline = false;

  async function search(query: string, signal: AbortSignal): Promise<Candidate[]> {
    if (breaker.isOpen) throw new FinderUnavailable(`is skipped: ${breaker.reason}`, offline);
    try {
      const answer = await withRetry(() => limit(() => net.json(api.searchUrl(query), signal)), {
        attempts: options.attempts ?? 2,
        baseDelayMs: options.retryDelayMs ?? 300,
        signal,
        onRetry: (error, attempt) => log.debug(`${api.name} search failed; trying again`, { attempt, error: messageOf(error) }),
      });
      const candidates = api.candidates(answer);
      breaker.succeeded();
      offline = false;
      return candidates;
    } catch (error) {
      if (signal.aborted && !timedOut(signal)) throw error; // the caller cancelled: not the API's fault
      breaker.failed(error);
      offline = isOffline(error);
      if (offline) {
        log.info(`${api.name} is unreachable (no name resolution); the next engine answers`, { error: messageOf(error) });
        throw new FinderUnavailable(`is unreachable (${messageOf(error)})`, true);
      }
      throw error;
    }
  }

  /** The picture at a candidate's URL, or why it cannot be used. */
  async function download(c: Candidate, signal: AbortSignal): Promise<Picture | string> {
    try {
      const got = await limit(() => net.picture(c.url, signal));
      if (!fitsSlide(got.width, got.height)) return `${got.url} is ${got.width}×${got.height} px, too small or too narrow for a slide`;
      return {
        data: got.data,
        mediaType: got.mediaType,
        width: got.width,
        height: got.height,
        title: c.title,
        sourceUrl: c.sourceUrl,
        author: c.author,
        license: c.license,
        engine: api.name,
      };
    } catch (error) {
      if (signal.aborted) throw error;
      const message = messageOf(error);
      // Refusals are worth an operator's attention: some result tried to reach inside.
      if (error instanceof RefusedUrlError) log.warn(`${api.name}: download refused`, { url: c.url, error: message });
      return message.includes(c.url) ? message : `${c.url}: ${message}`;
    }
  }

  return {
    name: api.name,
    usesNetwork: true,
    async find(query: string, signal: AbortSignal, warn: Warn): Promise<Picture | undefined> {
      const candidates = pickCandidates(query, await search(query, signal));
      const problems: string[] = [];
      for (const candidate of candidates) {
        const result = await download(candidate, signal);
        if (typeof result !== "string") return result;
        problems.push(result);
      }
      if (problems.length > 0) warn(`${api.name} found no usable picture for ${JSON.stringify(query)}: ${problems.join("; ")}`);
      return undefined;
    },
  };
}
