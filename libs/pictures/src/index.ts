// What a slide's picture or a video frame is, read from its own bytes; and
// pixels written as one.
export * from "./format";
export * from "./opaque-png";
