// The images service's engines. A PictureFinder looks for one picture that fits
// some search words; finding nothing is a normal answer (undefined), not an error.
// The service walks an ordered list of finders, so network engines can come first
// and the offline icon set last.
import type { Picture } from "@lectra/proto";

/** Tells the user about something that went wrong on the way but did not stop the search. */
export type Warn = (warning: string) => void;

export interface PictureFinder {
  /** Short name, also the Picture's `engine`: "icons", "wikimedia", ... */
  readonly name: string;
  /** Searches the network: such finders share the request's web search budget. */
  readonly usesNetwork?: boolean;
  find(query: string, signal: AbortSignal, warn: Warn): Promise<Picture | undefined>;
}

/**
 * A finder that cannot search now (its API failed a moment ago and is being
 * skipped). `quiet` when that is the machine's normal state rather than news:
 * no DNS at all means no internet, and an offline machine uses the offline
 * engine without a warning on every job.
 */
export class FinderUnavailable extends Error {
  override name = "FinderUnavailable";
  constructor(
    message: string,
    readonly quiet = false,
  ) {
    super(message);
  }
}
