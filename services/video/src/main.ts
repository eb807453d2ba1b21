// The video service: frames + narration → MP4 with chapters, or a slide's clip,
// clips → the lecture's MP4; segments → captions.
import { telemetry } from "./tracing";
import { VideoServiceService } from "@lectra/proto";
import * as os from "node:os";
import PQueue from "p-queue";
import { createLogger, envInt, ResultCache, runService, listenAddress } from "@lectra/service-kit";
import { findFfmpeg } from "./ffmpeg";
import { videoHandlers } from "./handlers";

const log = createLogger("video");

async function main() {
  // Before listening: a video service without a working ffmpeg should not report SERVING.
  const tool = await findFfmpeg(log);
  const encodes = envInt("LECTRA_VIDEO_CONCURRENCY", os.availableParallelism(), { min: 1, max: 64 });
  const slots = new PQueue({ concurrency: encodes });
  log.info("encodes at once", { encodes });
  await runService({
    name: "video",
    address: listenAddress("video"),
    telemetry,
    log,
    services: [{ name: "lectra.v1.VideoService", definition: VideoServiceService, implementation: videoHandlers(tool, telemetry.tracer, log, ResultCache.fromEnv("video", log), (work, priority, signal) => slots.add(work, { priority, signal })) }],
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
