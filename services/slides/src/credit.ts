// A slide's picture is credited in the deck's speaker notes: who made it, under
// what license, and where it came from, as the images service found it.
import type { Picture } from "@lectra/proto";

/** "Picture: <title> by <author>, <license>, <source_url>", or undefined when nothing is known of its origin. */
export function pictureCredit(picture: Picture): string | undefined {
  const author = picture.author.trim();
  const license = picture.license.trim();
  const source = picture.sourceUrl.trim();
  if (!author && !license && !source) return undefined;
  const title = picture.title.trim() || "untitled";
  return `Picture: ${[title + (author ? ` by ${author}` : ""), license, source].filter(Boolean).join(", ")}`;
}
