// Credits from search APIs are HTML or close to it (Commons' Artist field is a
// link, a table, sometimes a whole template). The deck wants one plain line.

export const MAX_CREDIT_CHARS = 200;

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntity(entity: string): string {
  if (entity.startsWith("#")) {
    const code = entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    const valid = Number.isInteger(code) && code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : "";
  }
  return NAMED_ENTITIES[entity.toLowerCase()] ?? `&${entity};`;
}

/**
 * Tags dropped (scripts and styles with their content), entities decoded,
 * control characters removed (they are not allowed in the deck's XML), spaces
 * collapsed, cut at `max` characters.
 */
export function plainText(html: string, max = MAX_CREDIT_CHARS): string {
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<(br|p|div|li|td|tr)\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (_, entity: string) => decodeEntity(entity))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
