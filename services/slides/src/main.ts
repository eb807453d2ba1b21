// The slides service: lays slides out once, draws them as PPTX slides and as video frames.
import { telemetry } from "./tracing";
import { SlidesServiceService } from "@lectra/proto";
import { createLogger, envInt, ResultCache, runService, listenAddress } from "@lectra/service-kit";
import { defaultPoolSize, FramePool } from "./frame-pool";
import { slidesHandlers } from "./handlers";

const log = createLogger("slides");

async function main() {
  const frames = new FramePool(envInt("LECTRA_SLIDES_FRAME_WORKERS", defaultPoolSize(), { min: 1, max: 32 }));
  await runService({
    name: "slides",
    address: listenAddress("slides"),
    telemetry,
    log,
    services: [{ name: "lectra.v1.SlidesService", definition: SlidesServiceService, implementation: slidesHandlers(frames, log, ResultCache.fromEnv("slides", log)) }],
    afterStop: () => frames.close(),
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
