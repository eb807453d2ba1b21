// Test doubles for the outside services LECTRA talks to. Each speaks that
// service's real protocol on loopback, can be made slow or broken, and records
// what it was asked; tests and the benchmark run the real engines against them.
export * from "./http";
export * from "./model-answers";
export * from "./ollama";
export * from "./openai";
export * from "./edge-tts";
export * from "./commons";
export * from "./openverse";
export { answerTokens, type LatencyCovers } from "./model-stream";
