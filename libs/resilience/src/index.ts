// Outbound HTTP for the engines that call other systems over the network
// (llm's Ollama and OpenAI, speech's Edge TTS, images' web finders): retries
// and circuit breakers.
export * from "./resilience";
