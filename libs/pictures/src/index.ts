// What a slide's picture or a video frame is, read from its own bytes.
export * from "./format";
