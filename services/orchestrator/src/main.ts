// The orchestrator: LECTRA's public API. It owns jobs (on disk under
// LECTRA_DATA_DIR) and schedules each job's stages across the five services.
import { telemetry } from "./tracing";
import { LectraServiceService } from "@lectra/proto";
import { imagesClient, llmClient, slidesClient, speechClient, videoClient } from "@lectra/clients";
import { createLogger, runService, listenAddress } from "@lectra/service-kit";
import { orchestratorConfig } from "./config";
import { lectraHandlers } from "./handlers";
import { Jobs } from "./jobs/registry";
import { JobStore } from "./jobs/store";

const log = createLogger("orchestrator");

async function main() {
  const config = orchestratorConfig();
  const store = new JobStore(config.dataDir, log);
  // Needs no writes: on a full disk the orchestrator still starts and answers (jobs fail, saying so).
  const { loaded, interrupted, skipped, swept } = await store.open();
  log.info(`jobs in ${store.jobsDir}`, { loaded, interrupted, skipped, swept });

  const clients = { llm: llmClient(), images: imagesClient(), slides: slidesClient(), speech: speechClient(), video: videoClient() };
  for (const c of Object.values(clients)) log.info(`${c.downstream.service} at ${c.downstream.address}`, { deadlineMs: c.downstream.timeoutMs });
  const jobs = new Jobs(store, clients, telemetry.tracer, log, config);
  log.info("admission", { maxJobs: config.maxRunning, maxQueuedJobs: config.maxQueued, slidesAtOnce: config.slidesAtOnce, streaming: config.streaming });
  if (config.resumeInterrupted) void jobs.resumeInterrupted().then((ids) => ids.length && log.info("resumed interrupted jobs", { jobs: ids.join(",") }));
  if (config.retentionDays > 0) {
    const sweep = () =>
      store
        .sweepOlderThan(config.retentionDays)
        .then((ids) => ids.length && log.info(`deleted ${ids.length} jobs older than ${config.retentionDays} days`))
        .catch((error) => log.warn("cannot sweep old jobs", { error: error instanceof Error ? error.message : String(error) }));
    void sweep();
    setInterval(sweep, 3_600_000).unref();
  }

  await runService({
    name: "orchestrator",
    address: listenAddress("orchestrator"),
    // The public API: API tokens, the request size limit, no client certificates asked (service-kit's public-api.ts).
    publicApi: true,
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
