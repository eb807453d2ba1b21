// The images service's engines. A PictureFinder looks for one picture that fits
// some search words; finding nothing is a normal answer (undefined), not an error.
// The service walks an ordered list of finders, so network engines can come first
// and the offline icon set last.
import type { Picture } from "@lectra/proto";

export interface PictureFinder {
  /** Short name, also the Picture's `engine`: "icons", "wikimedia", ... */
  readonly name: string;
  find(query: string, signal: AbortSignal): Promise<Picture | undefined>;
}
