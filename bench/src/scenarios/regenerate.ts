// Generate a 10-slide script, edit one slide, generate again: the second run
// redoes only that slide (the rest comes from the services' caches).
import { JobState, Stage } from "@lectra/proto";
import { benchScript, generate } from "../jobs";
import type { Lectra } from "@lectra/testing";

export interface RegenerateResult {
  firstSeconds: number;
  afterEditSeconds: number;
  speedup: number;
  /** Per-slide stage runs (image, model tags, speech, frame, clip) answered from a cache, and done again. */
  cachedStages: number;
  recomputedStages: number;
  /** Which slides had work done again (from 1). */
  recomputedSlides: number[];
}

/** In `world` (offline engines, or the replayed network ones), with an empty cache. */
export async function regenerate(world: { lectra: Lectra; stop(): Promise<void> }): Promise<RegenerateResult> {
  try {
    const first = await generate(world.lectra.client, { source: { $case: "script", value: benchScript(10, 4) } });
    const again = await generate(world.lectra.client, { source: { $case: "script", value: benchScript(10, 4, "The Immune System", 4) } });
    for (const r of [first, again]) if (r.job.state !== JobState.JOB_STATE_SUCCEEDED) throw new Error(`regeneration job failed: ${r.job.error?.message}`);
    // Content from a script and tags from the rules are instant and never cached: only work a cache can save counts.
    const perSlide = again.finished.filter((u) => u.slideIndex !== undefined && u.stage !== Stage.STAGE_CONTENT && !(u.stage === Stage.STAGE_TAGS && /\brules$/.test(u.detail)));
    const cached = perSlide.filter((u) => /\bcached\b/.test(u.detail));
    return {
      firstSeconds: first.job.report!.wallSeconds,
      afterEditSeconds: again.job.report!.wallSeconds,
      speedup: first.job.report!.wallSeconds / again.job.report!.wallSeconds,
      cachedStages: cached.length,
      recomputedStages: perSlide.length - cached.length,
      recomputedSlides: [...new Set(perSlide.filter((u) => !cached.includes(u)).map((u) => u.slideIndex! + 1))],
    };
  } finally {
    await world.stop();
  }
}
