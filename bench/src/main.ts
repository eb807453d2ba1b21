// `npm run bench`: how fast LECTRA is against what it can be (the critical path)
// and against what it replaced (the staged schedule), the video path's speed,
// re-generation after an edit, and a load of concurrent lectures. Not a test:
// it prints what it measured and writes it to out/bench/results.json.
//
//   npm run bench -- --scale 0.5           shrink every replayed latency alike
//   npm run bench -- --only replay,video   run some scenarios
//   npm run bench -- --only replay --streaming off   the previous design only
//       (LECTRA_STREAMING; by default both, on and off in turn, --runs times each)
//   npm run bench -- --only video --ffmpeg /usr/bin/ffmpeg,node_modules/@ffmpeg-installer/linux-x64/ffmpeg
//       the video path with each ffmpeg in turn (by default the service's own choice, then npm's)
//   npm run bench -- --only video --encoder h264_nvenc   the video path on the GPU
//       (with LECTRA_FFMPEG_PATH at an ffmpeg that has NVENC; compare with --encoder libx264)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { replay } from "./latencies";
import { limits } from "./scenarios/limits";
import { load } from "./scenarios/load";
import { regenerate } from "./scenarios/regenerate";
import { replayScenario, type ReplayModeResult, type Streaming } from "./scenarios/replay";
import { ffmpegsAtHand } from "@lectra/video/dist/ffmpeg";
import { videoEncode, type VideoResult } from "./scenarios/video";
import { offlineWorld, replayWorld } from "./world";

const SCENARIOS = ["replay", "regenerate", "video", "load", "limits"] as const;
type Scenario = (typeof SCENARIOS)[number];

function args() {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scale = Number(value("scale") ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error("--scale must be in (0, 1]");
  const only = (value("only")?.split(",") ?? [...SCENARIOS]) as Scenario[];
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}"; there are ${SCENARIOS.join(", ")}`);
  const runs = Number(value("runs") ?? 2);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error("--runs must be a whole number ≥ 1");
  const encoder = value("encoder");
  // --ffmpeg a,b: the video scenario with each of these binaries in turn (LECTRA_FFMPEG_PATH).
  const named = value("ffmpeg")?.split(",").filter(Boolean).map((file) => path.resolve(file));
  const streaming = (value("streaming") ?? "on,off").split(",") as Streaming[];
  for (const s of streaming) if (s !== "on" && s !== "off") throw new Error(`--streaming takes on, off or on,off, not "${s}"`);
  return { scale, only, runs, encoder, named, streaming: [...new Set(streaming)], out: value("out") ?? path.join("out", "bench", "results.json") };
}

const f = (x: number, digits = 2) => x.toFixed(digits);
const verdict = (ok: boolean) => (ok ? "meets the target" : "MISSES the target");

async function main() {
  const { scale, only, runs, encoder, named, streaming, out } = args();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    scale,
  };
  console.log(`LECTRA benchmark — ${results.machine}; replayed latencies × ${scale}\n`);

  if (only.includes("replay")) {
    const r = await replayScenario(() => replay(scale), streaming, runs);
    // `replay` keeps its keys for streaming on (the default design); the previous design is `replay.streamingOff`.
    const headline = (r.on ?? r.off)!;
    results.replay = {
      ...headline,
      tokensPerSecond: r.tokensPerSecond,
      replayedTokensPerSecond: r.replayedTokensPerSecond,
      ...(r.on && r.off ? { streamingOff: r.off, onOverOff: { wallSeconds: r.on.wallSeconds / r.off.wallSeconds, firstPlayableSeconds: r.on.firstPlayableSeconds / r.off.firstPlayableSeconds } } : {}),
    };
    const modes = [r.on, r.off].filter((m): m is ReplayModeResult => m !== undefined);
    console.log(`Replayed 10-slide lecture (topic → deck + video), measured latencies (docs/architecture.md) × ${scale}; median of ${runs} run${runs === 1 ? "" : "s"}${modes.length > 1 ? " per mode, alternating" : ""}`);
    console.log(`  the model streams its answers at ${r.tokensPerSecond} tokens/s (a local 8B model on a strong GPU; ${f(r.replayedTokensPerSecond, 0)} tokens/s at × ${scale}), each ending at its replayed latency`);
    console.log(`  staged schedule = the original's waits on the replayed latencies: outline + slowest slide answer + slowest picture search + slides × the mean tags answer`);
    console.log(`    + Σ per slide (voice first byte + audio × real-time factor) + slowest frame + slowest clip + deck + captions + video`);
    const row = (label: string, value: (m: ReplayModeResult) => string, ratio?: (on: ReplayModeResult, off: ReplayModeResult) => number) =>
      console.log(`  ${label.padEnd(24)}${modes.map((m) => value(m).padStart(16)).join("")}${ratio && r.on && r.off ? f(ratio(r.on, r.off)).padStart(12) : ""}`);
    console.log(`  ${"".padEnd(24)}${modes.map((m) => `streaming ${m.streaming}`.padStart(16)).join("")}${r.on && r.off ? "on ÷ off".padStart(12) : ""}`);
    row("wall", (m) => `${f(m.wallSeconds)} s`, (on, off) => on.wallSeconds / off.wallSeconds);
    row("first playable", (m) => `${f(m.firstPlayableSeconds)} s`, (on, off) => on.firstPlayableSeconds / off.firstPlayableSeconds);
    row("staged (replayed)", (m) => `${f(m.stagedSeconds)} s`);
    row("wall ÷ staged", (m) => f(m.wallOverStaged));
    row("critical path", (m) => `${f(m.criticalPathSeconds)} s`);
    row("wall ÷ critical path", (m) => f(m.wallOverCriticalPath));
    row("staged from spans", (m) => `${f(m.stagedFromSpansSeconds)} s`);
    for (const m of modes) {
      const t = m.staged;
      console.log(`  streaming ${m.streaming}: staged ${f(m.stagedSeconds)} s = outline ${f(t.outline)} + content ${f(t.content)} + pictures ${f(t.pictures)} + tags ${f(t.tags)} + speech ${f(t.speech)} + frame ${f(t.frame)} + clip ${f(t.clip)} + deck ${f(t.deck)} + captions ${f(t.captions)} + video ${f(t.video)}`);
      console.log(`    wall ÷ critical path = ${f(m.wallOverCriticalPath)} (target ≤ 1.10: ${verdict(m.wallOverCriticalPath <= 1.1)})`);
      console.log(`    wall ÷ staged        = ${f(m.wallOverStaged)} (target ≤ 0.30: ${verdict(m.wallOverStaged <= 0.3)})`);
      console.log(`    slide 1 playable after ${f(m.firstPlayableSeconds)} s (target ≤ 12 s: ${verdict(m.firstPlayableSeconds <= 12)})`);
      for (const s of m.stages) console.log(`      ${s.stage.padEnd(15)} ×${String(s.count).padStart(2)}  busy ${f(s.busySeconds).padStart(6)} s  wall ${f(s.wallSeconds).padStart(6)} s  ${Math.round(s.criticalShare * 100)}% of the critical path`);
    }
    console.log();
  }
  if (only.includes("regenerate")) {
    const offline = await regenerate(await offlineWorld({ LECTRA_CACHE_MAX_MB: "1024" }));
    const network = await regenerate(await replayWorld(replay(scale)));
    results.regenerate = { offline, network };
    console.log("Re-generation after editing one slide of a 10-slide script (empty cache, then the edit)");
    for (const [name, r] of [["offline engines", offline], [`replayed network engines × ${scale}`, network]] as const) {
      console.log(`  ${name}: first ${f(r.firstSeconds)} s · after the edit ${f(r.afterEditSeconds)} s · ${f(r.speedup, 1)}× faster (target ≥ 3: ${verdict(r.speedup >= 3)})`);
      console.log(`    per-slide stage runs from the cache: ${r.cachedStages}; done again: ${r.recomputedStages} (slides ${r.recomputedSlides.join(", ")})`);
    }
    console.log();
  }
  if (only.includes("video")) {
    // Every ffmpeg at hand in turn, the one the video service would pick first (`video`); the others follow in `videoByFfmpeg`.
    const all: VideoResult[] = [];
    for (const ffmpeg of named ?? (await ffmpegsAtHand())) {
      const r = await videoEncode(runs, { ...(encoder ? { LECTRA_VIDEO_ENCODER: encoder } : {}), LECTRA_FFMPEG_PATH: ffmpeg });
      all.push(r);
      if (all.length === 1) console.log(`Video: ${r.slides} slides, ${f(r.lectureSeconds / 60, 1)} minutes, 1920×1080, ${r.variable.encoder} (median of ${runs}, alternating), with each ffmpeg in turn`);
      console.log(`  ffmpeg ${r.ffmpeg.version} at ${r.ffmpeg.path} (from ${r.ffmpeg.source})`);
      console.log(`    default (a clip per slide, one frame per page, then joined): ${f(r.variable.medianSeconds)} s = ${f(r.variable.timesRealTime, 0)}× real time (target ≥ 80 with any ffmpeg: ${verdict(r.variable.timesRealTime >= 80)})`);
      console.log(`      of which joining the clips (what is left for the end of a job): ${r.variable.joinSeconds.map((x) => f(x)).join(", ")} s`);
      console.log(`    constant 30 fps (one piece): ${f(r.constant.medianSeconds)} s = ${f(r.constant.timesRealTime, 1)}× real time`);
      console.log(`    constant ÷ default, pair by pair: ${r.ratios.map((x) => f(x, 1)).join(", ")}; median ${f(r.medianRatio, 1)} (target ≥ 10: ${verdict(r.medianRatio >= 10)})`);
    }
    results.video = all[0];
    results.videoByFfmpeg = all;
    console.log();
  }
  if (only.includes("load")) {
    const r = await load();
    results.load = r;
    console.log(`Load: ${r.jobs} lectures (5 slides each) at once, offline engines`);
    console.log(`  ${r.succeeded}/${r.jobs} succeeded in ${f(r.wallSeconds)} s: ${f(r.jobsPerMinute, 1)} jobs per minute; ${r.queued} waited for a slot (LECTRA_MAX_JOBS default: 2 per core)`);
    if (r.failed.length) console.log(`  failed: ${r.failed.join("; ")}`);
    const overMemory = Object.entries(r.peakMemoryMiB).filter(([, v]) => v > 300).map(([k]) => k);
    console.log(`  peak memory (MiB): ${Object.entries(r.peakMemoryMiB).map(([k, v]) => `${k} ${v}`).join(", ")} (target ≤ 300 per service: ${verdict(overMemory.length === 0)}${overMemory.length ? `: ${overMemory.join(", ")}` : ""})\n`);
  }
  if (only.includes("limits")) {
    const r = await limits(replay(Math.min(scale, 0.25)));
    results.limits = r;
    const ok = Math.max(r.maxInFlight.model, r.maxInFlight.voice, r.maxInFlight.pictures) <= r.limit;
    console.log(`Engine limits across ${r.jobs} concurrent jobs (limit ${r.limit} per engine)`);
    console.log(`  most requests in flight: model ${r.maxInFlight.model}, voice ${r.maxInFlight.voice}, pictures ${r.maxInFlight.pictures} (${ok ? "held" : "EXCEEDED"})\n`);
  }

  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  console.log(`Written to ${out}`);
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
