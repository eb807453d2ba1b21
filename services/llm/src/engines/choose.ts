// Which engines the service runs with, from its settings: the model server the
// provider names (or none), the writer on top of it, and the tagger mode.
import type { Logger } from "@lectra/service-kit";
import type { LlmSettings } from "../settings";
import type { Engines, LanguageModel } from "./engine";
import { DEFAULT_ATTEMPTS, DEFAULT_BASE_DELAY_MS, ModelCalls, type CallLimits } from "./model-calls";
import { ModelTagger } from "./model-tagger";
import { ModelWriter } from "./model-writer";
import { OllamaModel } from "./ollama";
import { OpenAIModel } from "./openai";
import { ruleTagger } from "./rule-tagger";

export function chooseEngines(settings: LlmSettings, log: Logger): Engines {
  const limits: CallLimits = {
    concurrency: settings.concurrency,
    timeoutMs: settings.callTimeoutMs,
    attempts: DEFAULT_ATTEMPTS,
    baseDelayMs: DEFAULT_BASE_DELAY_MS,
  };
  let model: LanguageModel | undefined;
  switch (settings.provider) {
    case "ollama":
      model = new OllamaModel(settings.ollamaHost, settings.model, settings.pull, new ModelCalls("ollama", settings.model, limits, log));
      break;
    case "openai":
      model = new OpenAIModel(settings.openaiBaseUrl, settings.model, settings.openaiApiKey, new ModelCalls("openai", settings.model, limits, log));
      break;
    case "none":
      model = undefined;
  }
  const tagger = model && settings.tagger !== "rules" ? new ModelTagger(model, settings.tagger) : ruleTagger;
  return { model, topicWriter: model && new ModelWriter(model), tagger };
}
