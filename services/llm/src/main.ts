// The llm service: outline, slide content and prosody tags.
import { telemetry } from "./tracing";
import { LlmServiceService } from "@lectra/proto";
import { createLogger, ResultCache, runService, listenAddress } from "@lectra/service-kit";
import { llmConfig } from "./config";
import type { LanguageModel } from "./engines/engine";
import { chooseEngines } from "./engines/choose";
import { llmHandlers } from "./handlers";

const log = createLogger("llm");

/**
 * Looks at the model once at start-up, in the background: a missing model is
 * worth a warning, not an exit, since lecture scripts need no model. The result
 * also tells the auto tagger whether to try the model at all.
 */
async function checkModel(model: LanguageModel, timeoutMs: number): Promise<void> {
  try {
    await model.check(AbortSignal.timeout(timeoutMs), true);
    log.info(`${model.engine} has ${model.model}: topics can be written`);
  } catch (error) {
    log.warn(`writing from a topic will fail until this is fixed (scripts need no model): ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main() {
  const config = llmConfig();
  const engines = chooseEngines(config, log);
  await runService({
    name: "llm",
    address: listenAddress("llm"),
    telemetry,
    log,
    services: [{ name: "lectra.v1.LlmService", definition: LlmServiceService, implementation: llmHandlers(engines, log, ResultCache.fromEnv("llm", log)) }],
  });
  log.info(`engine: ${engines.model ? `${engines.model.engine} ${engines.model.model}` : "none (scripts only)"}, tagger: ${config.tagger}`);
  if (engines.model) void checkModel(engines.model, config.callTimeoutMs);
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
