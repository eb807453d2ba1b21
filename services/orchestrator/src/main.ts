// The orchestrator: LECTRA's public API. It owns jobs (on disk under
// LECTRA_DATA_DIR) and schedules each job's stages across the five services.
import { telemetry } from "./tracing";
import { LectraServiceService } from "@lectra/proto";
import { imagesClient, llmClient, slidesClient, speechClient, videoClient } from "@lectra/clients";
import { createLogger, envString, runService, listenAddress } from "@lectra/service-kit";
import { lectraHandlers } from "./handlers";
import { Jobs } from "./jobs/registry";
import { JobStore } from "./jobs/store";

const log = createLogger("orchestrator");

async function main() {
  const store = new JobStore(envString("LECTRA_DATA_DIR", "data"));
  const { loaded, interrupted } = await store.open();
  log.info(`jobs in ${store.jobsDir}`, { loaded, interrupted });

  const clients = { llm: llmClient(), images: imagesClient(), slides: slidesClient(), speech: speechClient(), video: videoClient() };
  for (const c of Object.values(clients)) log.info(`${c.downstream.service} at ${c.downstream.address}`, { deadlineMs: c.downstream.timeoutMs });
  const jobs = new Jobs(store, clients, telemetry.tracer, log);

  await runService({
    name: "orchestrator",
    address: listenAddress("orchestrator"),
    telemetry,
    log,
    services: [
      {
        name: "lectra.v1.LectraService",
        definition: LectraServiceService,
        implementation: lectraHandlers({ jobs, store, speech: clients.speech, log }),
      },
    ],
    beforeDrain: () => jobs.interruptAll("the orchestrator was shut down while this job was running"),
    afterStop: () => Object.values(clients).forEach((c) => c.downstream.close()),
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
