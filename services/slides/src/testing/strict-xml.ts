// A strict XML 1.0 parser for tests, borrowed from the renderer the service
// already ships: resvg parses its input with roxmltree, which refuses a document
// that is not well-formed, namespaces included (a character XML cannot hold, a
// character reference to one, an unknown entity, a tag left open or closed by the
// wrong name, a prefix never declared) before it looks for an <svg> root. So a
// well-formed part that is not SVG fails only for want of that root.
import { Resvg } from "@resvg/resvg-js";

const NOT_SVG = /the document does not have a root node$/;

/** Why `xml` is not a well-formed XML document, or undefined when it is one. */
export function xmlProblem(xml: string): string | undefined {
  // roxmltree says the same of an empty document as of one whose root is not <svg>.
  if (!/<[\p{L}_]/u.test(xml)) return "no root element";
  try {
    new Resvg(xml);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return NOT_SVG.test(message) ? undefined : message;
  }
}
