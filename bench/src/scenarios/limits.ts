// Engine concurrency limits hold across jobs: several topic jobs at once, and
// the fake servers count the most requests they ever had in flight.
import { JobState } from "@lectra/proto";
import { generate } from "../jobs";
import type { Replay } from "../latencies";
import { replayWorld } from "../world";

export interface LimitsResult {
  jobs: number;
  limit: number;
  maxInFlight: { model: number; voice: number; pictures: number };
}

export async function limits(replay: Replay, jobs = 3, limit = 4): Promise<LimitsResult> {
  const world = await replayWorld(replay, { LECTRA_LLM_CONCURRENCY: String(limit), LECTRA_TTS_CONCURRENCY: String(limit), LECTRA_IMAGES_CONCURRENCY: String(limit) });
  try {
    const results = await Promise.all(
      Array.from({ length: jobs }, (_, i) => generate(world.lectra.client, { source: { $case: "topic", value: `Concurrency lecture number ${i + 1}` }, slideCount: 6, skipVideo: true, noCache: true })),
    );
    for (const r of results) if (r.job.state !== JobState.JOB_STATE_SUCCEEDED) throw new Error(`a limits job failed: ${r.job.error?.message}`);
    return {
      jobs,
      limit,
      maxInFlight: { model: world.ollama.http.maxInFlight, voice: world.edge.maxConcurrent, pictures: world.commons.maxInFlight },
    };
  } finally {
    await world.stop();
  }
}
