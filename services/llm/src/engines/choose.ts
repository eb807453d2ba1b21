// Which engines the service runs with, from its config: the model server the
// provider names (or none), the writer on top of it, and the tagger mode.
import type { Logger } from "@lectra/service-kit";
import type { LlmConfig } from "../config";
import type { Engines, LanguageModel } from "./engine";
import { DEFAULT_ATTEMPTS, DEFAULT_BASE_DELAY_MS, ModelCalls, type CallLimits } from "./model-calls";
import { ModelTagger } from "./model-tagger";
import { ModelWriter } from "./model-writer";
import { OllamaModel } from "./ollama";
import { OpenAIModel } from "./openai";
import { ruleTagger } from "./rule-tagger";

export function chooseEngines(config: LlmConfig, log: Logger): Engines {
  const limits: CallLimits = {
    concurrency: config.concurrency,
    timeoutMs: config.callTimeoutMs,
    attempts: DEFAULT_ATTEMPTS,
    baseDelayMs: DEFAULT_BASE_DELAY_MS,
  };
  let model: LanguageModel | undefined;
  switch (config.provider) {
    case "ollama":
      model = new OllamaModel(config.ollamaHost, config.model, config.pull, new ModelCalls("ollama", config.model, limits, log));
      break;
    case "openai":
      model = new OpenAIModel(config.openaiBaseUrl, config.model, config.openaiApiKey, new ModelCalls("openai", config.model, limits, log));
      break;
    case "none":
      model = undefined;
  }
  const tagger = model && config.tagger !== "rules" ? new ModelTagger(model, config.tagger) : ruleTagger;
  return { model, topicWriter: model && new ModelWriter(model), tagger };
}
