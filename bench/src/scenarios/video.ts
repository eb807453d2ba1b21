// The video path on its own: a 10-slide, 5-minute, 1920×1080 lecture encoded
// with one frame per slide (the default) and at a constant 30 fps, in turn,
// from the same frames and narration.
import type { RenderVideoRequest, TimedFrame } from "@lectra/proto";
import { slidesClient, speechClient, videoClient } from "@lectra/service-kit";
import { offlineWorld } from "../world";

export interface VideoResult {
  lectureSeconds: number;
  slides: number;
  variable: { runs: number[]; medianSeconds: number; timesRealTime: number; encoder: string };
  constant: { runs: number[]; medianSeconds: number; timesRealTime: number };
  /** constant ÷ variable, pair by pair, and its median. */
  ratios: number[];
  medianRatio: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function videoEncode(runs = 2, slides = 10, lectureSeconds = 300): Promise<VideoResult> {
  const world = await offlineWorld();
  try {
    const address = (name: "slides" | "speech" | "video") => world.lectra.services.get(name)!.address;
    const frames = await Promise.all(
      Array.from({ length: slides }, async (_, i) => {
        const slide = {
          index: i,
          title: `Part ${i + 1}: how the immune system remembers`,
          bullets: ["Cells meet a new germ", "Antibodies are made to fit it", "Memory cells stay for years"],
          narration: "x",
          imageQuery: "",
        };
        const { frames } = await slidesClient(address("slides")).renderFrames({ lectureTitle: "The Immune System", slideTotal: slides, slide: { slide, picture: undefined } });
        return frames[0].png;
      }),
    );
    // Real speech, repeated to the lecture's length.
    const spoken = await speechClient(address("speech")).synthesize({
      voice: "",
      segments: [{ text: "The immune system learns from every germ it meets, and vaccines let it learn without the illness.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 400 }],
    });
    const rate = spoken.audio!.sampleRate;
    const bytes = Math.round(lectureSeconds * rate) * 2;
    const pcm = Buffer.alloc(bytes);
    for (let at = 0; at < bytes; at += spoken.audio!.pcm.length) spoken.audio!.pcm.copy(pcm, at, 0, Math.min(spoken.audio!.pcm.length, bytes - at));
    const each = lectureSeconds / slides;
    const timed: TimedFrame[] = frames.map((png, i) => ({ png, startSeconds: i * each, endSeconds: i === slides - 1 ? lectureSeconds : (i + 1) * each }));
    const request = (constantFrameRate: boolean): RenderVideoRequest => ({
      frames: timed,
      narration: { pcm, sampleRate: rate },
      chapters: timed.map((f, i) => ({ title: `Part ${i + 1}`, startSeconds: f.startSeconds, endSeconds: f.endSeconds })),
      constantFrameRate,
      framesPerSecond: 30,
    });
    const video = videoClient(address("video"));
    const encode = async (constant: boolean) => {
      const started = performance.now();
      let encoder = "";
      for await (const part of video.renderVideo(request(constant))) encoder ||= part.encoder;
      return { seconds: (performance.now() - started) / 1000, encoder };
    };
    await encode(false); // warm-up
    const variable: number[] = [];
    const constant: number[] = [];
    let encoder = "";
    for (let i = 0; i < runs; i++) {
      const v = await encode(false);
      variable.push(v.seconds);
      encoder = v.encoder;
      constant.push((await encode(true)).seconds);
    }
    const ratios = variable.map((v, i) => constant[i] / v);
    return {
      lectureSeconds,
      slides,
      variable: { runs: variable, medianSeconds: median(variable), timesRealTime: lectureSeconds / median(variable), encoder },
      constant: { runs: constant, medianSeconds: median(constant), timesRealTime: lectureSeconds / median(constant) },
      ratios,
      medianRatio: median(ratios),
    };
  } finally {
    await world.stop();
  }
}
