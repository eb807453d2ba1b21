// The llm service: outline, slide content and prosody tags.
import { telemetry } from "./tracing";
import { LlmServiceService } from "@lectra/proto";
import { createLogger, runService, serviceAddress } from "@lectra/service-kit";
import { ruleTagger } from "./engines/rule-tagger";
import { llmHandlers } from "./handlers";

const log = createLogger("llm");

async function main() {
  const engines = { topicWriter: undefined, tagger: ruleTagger };
  await runService({
    name: "llm",
    address: serviceAddress("llm"),
    telemetry,
    log,
    services: [{ name: "lectra.v1.LlmService", definition: LlmServiceService, implementation: llmHandlers(engines, log) }],
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
