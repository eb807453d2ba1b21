// ImagesService handlers: check the request, walk the finders, answer.
import type { FindPictureRequest, FindPictureResponse, ImagesServiceServer } from "@lectra/proto";
import { invalidArgument, unary, type Logger } from "@lectra/service-kit";
import type { PictureFinder } from "./engines/engine";

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

/**
 * Each search goes through the finders in order and the first picture wins. A
 * finder that throws (a web engine that is down) is noted, skipped for the rest
 * of the request, and the next one is tried: a slide without a picture is a
 * normal outcome, a failed lecture is not. Cancellation is the exception.
 */
export async function findPicture(
  finders: readonly PictureFinder[],
  searches: readonly Search[],
  signal: AbortSignal,
  log: Logger,
): Promise<FindPictureResponse> {
  const failures = new Map<string, string>();
  const failed = () => [...failures].map(([name, error]) => `; ${name} failed: ${error}`).join("");
  for (const search of searches) {
    for (const finder of finders) {
      if (failures.has(finder.name)) continue;
      try {
        const picture = await finder.find(search.text, signal);
        if (picture) return { picture, note: `${finder.name} matched ${search.label}${failed()}` };
      } catch (error) {
        if (signal.aborted) throw error;
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`${finder.name} failed; trying the next engine`, { error: message });
        failures.set(finder.name, message);
      }
    }
  }
  const tried = finders.map((f) => f.name).join(", ");
  return { picture: undefined, note: `no picture matches ${searches.map((s) => s.label).join(" or ")} (tried ${tried})${failed()}` };
}

export function imagesHandlers(finders: readonly PictureFinder[], log: Logger): ImagesServiceServer {
  return {
    findPicture: unary(log, "FindPicture", async (req: FindPictureRequest, { signal }) =>
      findPicture(finders, searchesFor(req), signal, log),
    ),
  };
}
