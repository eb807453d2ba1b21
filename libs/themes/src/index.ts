// How a lecture looks: the built-in themes, the fonts a theme may name, and a
// custom theme from its JSON document. The orchestrator resolves a request's
// theme with these; the slides service draws whatever Theme it is sent.
export * from "./fonts";
export * from "./built-in";
export { BULLET_STYLES, THEME_JSON_MAX_CHARS, THEME_LIMITS, TITLE_BANDS, type ThemeDocument } from "./document";
export * from "./parse";
export { SCHEMA_FILE, themeJsonSchema } from "./schema-file";
