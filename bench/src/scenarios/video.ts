// The video path on its own: a 10-slide, 5-minute, 1920×1080 lecture encoded
// the default way (each slide's clip, one frame per page, all asked for at
// once as a job does, then joined by stream copy) and at a constant 30 fps (one
// piece), in turn, from the same frames and narration.
import { alignToAacFrames, slidePriority } from "@lectra/lecture";
import { AssembleVideoRequest, RenderFramesRequest, type RenderVideoRequest, type TimedFrame } from "@lectra/proto";
import { slidesClient, speechClient, videoClient } from "@lectra/clients";
import { ffmpegUsed, type FfmpegUsed } from "../ffmpeg";
import { offlineWorld } from "../world";

export interface VideoResult {
  /** The ffmpeg the video service ran: builds differ in speed. */
  ffmpeg: FfmpegUsed;
  lectureSeconds: number;
  slides: number;
  /** The default: every clip, then the join. */
  variable: { runs: number[]; medianSeconds: number; timesRealTime: number; encoder: string; joinSeconds: number[] };
  constant: { runs: number[]; medianSeconds: number; timesRealTime: number };
  /** constant ÷ variable, pair by pair, and its median. */
  ratios: number[];
  medianRatio: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `env` reaches the services, e.g. LECTRA_VIDEO_ENCODER=h264_nvenc and LECTRA_FFMPEG_PATH on a GPU machine. */
export async function videoEncode(runs = 2, env: NodeJS.ProcessEnv = {}, slides = 10, lectureSeconds = 300): Promise<VideoResult> {
  // Info level, so the video service logs which ffmpeg it found.
  const world = await offlineWorld({ LECTRA_LOG_LEVEL: "info", ...env });
  try {
    const ffmpeg = ffmpegUsed(world.lectra.services.get("video")!.logs());
    if (!ffmpeg) throw new Error("the video service did not say which ffmpeg it uses (its \"using ffmpeg\" log line)");
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
        const { frames } = await slidesClient(address("slides")).renderFrames(RenderFramesRequest.fromPartial({ lectureTitle: "The Immune System", slideTotal: slides, slide: { slide, picture: undefined } }));
        return frames[0].png;
      }),
    );
    // Real speech, repeated to the lecture's length, each slide's share a whole number of AAC frames.
    const spoken = await speechClient(address("speech")).synthesize({
      voice: "",
      priority: 0,
      segments: [{ text: "The immune system learns from every germ it meets, and vaccines let it learn without the illness.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 400 }],
    });
    const rate = spoken.audio!.sampleRate;
    const slideSound = (seconds: number) => {
      const bytes = Math.round(seconds * rate) * 2;
      const pcm = Buffer.alloc(bytes);
      for (let at = 0; at < bytes; at += spoken.audio!.pcm.length) spoken.audio!.pcm.copy(pcm, at, 0, Math.min(spoken.audio!.pcm.length, bytes - at));
      return alignToAacFrames({ pcm, sampleRate: rate });
    };
    const sounds = Array.from({ length: slides }, () => slideSound(lectureSeconds / slides));
    const slideAudio = sounds.map((sound) => sound.audio.pcm);
    const seconds = sounds.map((sound) => sound.durationSeconds);
    const starts = seconds.map((_, i) => seconds.slice(0, i).reduce((a, b) => a + b, 0));
    const total = seconds.reduce((a, b) => a + b, 0);
    const timed: TimedFrame[] = frames.map((png, i) => ({ png, startSeconds: starts[i], endSeconds: starts[i] + seconds[i] }));
    const request = (constantFrameRate: boolean): RenderVideoRequest => ({
      frames: timed,
      narration: { pcm: Buffer.concat(slideAudio), sampleRate: rate },
      chapters: timed.map((f, i) => ({ title: `Part ${i + 1}`, startSeconds: f.startSeconds, endSeconds: f.endSeconds })),
      constantFrameRate,
      framesPerSecond: 30,
      captions: [],
      language: "",
    });
    const video = videoClient(address("video"));
    // The default path, as a job runs it: every clip asked for at once, then the join.
    const clipsThenJoin = async () => {
      const started = performance.now();
      const clips = await Promise.all(
        frames.map((png, i) =>
          video.renderClip(
            { frames: [{ png, startSeconds: 0, endSeconds: seconds[i] }], narration: { pcm: slideAudio[i], sampleRate: rate }, constantFrameRate: false, framesPerSecond: 0, priority: slidePriority(i) },
            { bypassCache: true },
          ),
        ),
      );
      const joinStarted = performance.now();
      for await (const _ of video.assembleVideo(AssembleVideoRequest.fromPartial({ clips: clips.map((c, i) => ({ clip: c.clip, durationSeconds: c.durationSeconds, title: `Part ${i + 1}` })) }))) void _;
      const end = performance.now();
      return { seconds: (end - started) / 1000, joinSeconds: (end - joinStarted) / 1000, encoder: clips[0].encoder };
    };
    const oneConstant = async () => {
      const started = performance.now();
      for await (const _ of video.renderVideo(request(true))) void _;
      return (performance.now() - started) / 1000;
    };
    await clipsThenJoin(); // warm-up
    const variable: number[] = [];
    const joins: number[] = [];
    const constant: number[] = [];
    let encoder = "";
    for (let i = 0; i < runs; i++) {
      const v = await clipsThenJoin();
      variable.push(v.seconds);
      joins.push(v.joinSeconds);
      encoder = v.encoder;
      constant.push(await oneConstant());
    }
    const ratios = variable.map((v, i) => constant[i] / v);
    return {
      ffmpeg,
      lectureSeconds: total,
      slides,
      variable: { runs: variable, medianSeconds: median(variable), timesRealTime: total / median(variable), encoder, joinSeconds: joins },
      constant: { runs: constant, medianSeconds: median(constant), timesRealTime: total / median(constant) },
      ratios,
      medianRatio: median(ratios),
    };
  } finally {
    await world.stop();
  }
}
