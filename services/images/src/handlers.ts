// ImagesService handlers: check the request, walk the finders, answer.
import { FindPictureResponse, type FindPictureRequest, type ImagesServiceServer } from "@lectra/proto";
import { cached, invalidArgument, ResultCache, unary, type Logger } from "@lectra/service-kit";
import { trace } from "@opentelemetry/api";
import { FinderUnavailable, type PictureFinder } from "./engines/engine";

export const MAX_TEXT_CHARS = 500;

/** Something to search for, and how the note names it. */
export interface Search {
  text: string;
  label: string;
}

function checkLength(field: string, text: string): string {
  if (text.length > MAX_TEXT_CHARS) {
    throw invalidArgument(field, `is ${text.length} characters long; at most ${MAX_TEXT_CHARS} are allowed`);
  }
  return text.trim();
}

/** The query first, then the slide title (the contract's order); empty ones are left out. */
export function searchesFor(request: FindPictureRequest): Search[] {
  const query = checkLength("query", request.query);
  const title = checkLength("slide_title", request.slideTitle);
  if (!query && !title) throw invalidArgument("query", "is empty, and so is slide_title; send search words or a slide title");
  const searches: Search[] = [];
  if (query) searches.push({ text: query, label: JSON.stringify(query) });
  if (title) searches.push({ text: title, label: `the slide title ${JSON.stringify(title)}` });
  return searches;
}

export interface FindOptions {
  /** How long the web engines together may search for one request; then only the offline engine answers. */
  webBudgetMs?: number;
  /** The caller's deadline: the web budget ends OFFLINE_RESERVE_MS before it, so the icons still get their turn. */
  deadline?: Date;
}

export const OFFLINE_RESERVE_MS = 2_000;

/** The signal web engines search under: the caller's, cut short by the budget. */
function webSignal(signal: AbortSignal, { webBudgetMs = Infinity, deadline }: FindOptions): AbortSignal {
  const untilDeadline = deadline ? deadline.getTime() - Date.now() - OFFLINE_RESERVE_MS : Infinity;
  const ms = Math.min(webBudgetMs, untilDeadline);
  return Number.isFinite(ms) ? AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, ms))]) : signal;
}

/**
 * Each search goes through the finders in order and the first picture wins. A
 * finder that throws (a web engine that is down) is noted, skipped for the rest
 * of the request, and the next one is tried: a slide without a picture is a
 * normal outcome, a failed lecture is not. Cancellation is the exception.
 * Failures the user should know about go into `warnings` (and onto the active
 * span); a quiet one (no internet on this machine) only into the note.
 */
export async function findPicture(
  finders: readonly PictureFinder[],
  searches: readonly Search[],
  signal: AbortSignal,
  log: Logger,
  options: FindOptions = {},
): Promise<FindPictureResponse> {
  const web = webSignal(signal, options);
  const warnings: string[] = [];
  const warn = (warning: string) => {
    warnings.push(warning);
    trace.getActiveSpan()?.addEvent("images.warning", { "lectra.warning": warning });
  };
  /** Finder name → what happened to it, for the note. */
  const failures = new Map<string, string>();
  const failed = () => [...failures].map(([name, what]) => `; ${name} ${what}`).join("");
  for (const search of searches) {
    for (const finder of finders) {
      if (failures.has(finder.name)) continue;
      const finderSignal = finder.usesNetwork ? web : signal;
      if (finder.usesNetwork && web.aborted && !signal.aborted) {
        failures.set(finder.name, "is skipped: the time for web searches is spent");
        continue;
      }
      try {
        const picture = await finder.find(search.text, finderSignal, warn);
        if (picture) return { picture, note: `${finder.name} matched ${search.label}${failed()}`, warnings };
      } catch (error) {
        if (signal.aborted) throw error;
        const overBudget = finder.usesNetwork && web.aborted;
        const message = error instanceof Error ? error.message : String(error);
        const what =
          error instanceof FinderUnavailable ? message
          : overBudget ? "failed: no answer in the time left for web searches"
          : `failed: ${message}`;
        failures.set(finder.name, what);
        if (error instanceof FinderUnavailable) {
          // Skipped by its breaker: the failure itself was logged when it happened.
          (error.quiet ? log.debug : log.info)(`${finder.name} ${what}`);
        } else {
          log.warn(`${finder.name} ${what}; trying the next engine`);
        }
        if (!(error instanceof FinderUnavailable && error.quiet)) warn(`${finder.name} ${what}`);
      }
    }
  }
  const tried = finders.map((f) => f.name).join(", ");
  return {
    picture: undefined,
    note: `no picture matches ${searches.map((s) => s.label).join(" or ")} (tried ${tried})${failed()}`,
    warnings,
  };
}

export function imagesHandlers(
  finders: readonly PictureFinder[],
  log: Logger,
  options: FindOptions = {},
  cache?: ResultCache,
  /** What else decides the picture (e.g. the icons' size and colour). */
  style: string = "",
): ImagesServiceServer {
  const chain = finders.map((f) => f.name).join(",");
  return {
    findPicture: unary(log, "FindPicture", async (req: FindPictureRequest, call) => {
      const searches = searchesFor(req);
      const key = ResultCache.key("images/1", chain, style, req.query.trim(), req.slideTitle.trim());
      // Kept only when every engine in the chain answered: a picture the icons
      // found because the web engines were down (a warning, or a failure in the
      // note) should be looked for again next time.
      const complete = (r: FindPictureResponse) => r.warnings.length === 0 && !r.note.includes("; ");
      return cached(cache, call, key, FindPictureResponse, () => findPicture(finders, searches, call.signal, log, { ...options, deadline: call.deadline }), complete);
    }),
  };
}
