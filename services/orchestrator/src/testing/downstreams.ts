// The five services as the pipeline sees them, in process: each call is logged
// (method, slide, whether its signal was aborted when it ended) and answered
// with small but well-formed results, so a test can run a whole job in
// milliseconds and then change one call's behaviour (fail it, hold it).
import type { Downstreams } from "../pipeline/env";

export type Method =
  | "llm.prepareModel" | "llm.outline" | "llm.writeSlide" | "llm.tagProsody" // streamed outlines and slides are logged as outline and writeSlide
  | "images.findPicture"
  | "slides.renderFrames" | "slides.buildDeck"
  | "speech.resolveVoice" | "speech.synthesize"
  | "video.renderClip" | "video.writeCaptions" | "video.assembleVideo" | "video.renderVideo";

export interface Call {
  method: Method;
  /** The slide the request was for, where it names one. */
  slide: number | undefined;
  /** Set when the call has settled: whether its signal had been aborted by then. */
  aborted?: boolean;
}

type Options = { signal?: AbortSignal };
/** Replaces a method's answer; return undefined to give the default one. */
type Override = (request: any, options: Options) => Promise<unknown> | undefined;

const SAMPLE_RATE = 24_000;

export class FakeServices {
  readonly calls: Call[] = [];
  private readonly overrides = new Map<Method, Override>();

  constructor(readonly slideTitles: string[] = ["Tides", "The Moon", "Spring tides"]) {}

  /** Changes what `method` does; `override` may return undefined to answer as usual. */
  on(method: Method, override: Override): this {
    this.overrides.set(method, override);
    return this;
  }

  /** Holds every `method` call until the returned function is called; then they answer as usual. */
  hold(method: Method): () => void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.on(method, async () => {
      await held;
      return undefined;
    });
    return release;
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  get clients(): Downstreams {
    const unary = <Res>(method: Method, answer: (request: any) => Res) => async (request: any, options: Options = {}) => {
      const call: Call = { method, slide: slideOf(request) };
      this.calls.push(call);
      try {
        const override = this.overrides.get(method)?.(request, options);
        return ((override ? await override : undefined) ?? answer(request)) as Res;
      } finally {
        call.aborted = options.signal?.aborted ?? false;
      }
    };
    const stream = <Res>(method: Method, answer: (request: any) => Res[]) =>
      async function* (this: void, request: any, options: Options = {}) {
        yield* (await unary(method, answer)(request, options)) as Res[];
      };
    const titles = this.slideTitles;
    const outline = unary("llm.outline", () => ({ title: "The tides", slideTitles: titles, imageQueries: titles.map((t) => t.toLowerCase()), engine: "fake", warnings: [] }));
    const writeSlide = unary("llm.writeSlide", (r) => ({
      slide: { index: r.slideIndex, title: titles[r.slideIndex], bullets: ["one point"], narration: `Slide ${r.slideIndex + 1} speaks.`, imageQuery: r.imageQueries?.[r.slideIndex] ?? "" },
      warnings: [],
    }));
    return {
      llm: {
        prepareModel: stream("llm.prepareModel", () => [{ engine: "fake", model: "m", status: "ready", completedBytes: 0, totalBytes: 0, ready: true }]),
        outline,
        writeSlide,
        // The streamed answers are the unary ones (logged, and changed by on(), as
        // those) sent as a model would write them: a slide (title and image query)
        // at a time, a slide's fields in order and its narration a sentence at a time.
        streamOutline: async function* (this: void, r: any, options: Options = {}) {
          const whole = (await outline(r.request, options)) as { slideTitles: string[]; imageQueries: string[] };
          for (let n = 1; n <= whole.slideTitles.length; n++) {
            yield { outline: { ...whole, slideTitles: whole.slideTitles.slice(0, n), imageQueries: whole.imageQueries.slice(0, n), warnings: [] }, complete: false };
          }
          yield { outline: whole, complete: true };
        },
        streamSlide: async function* (this: void, r: any, options: Options = {}) {
          const { slide, warnings } = (await writeSlide(r.request, options)) as { slide: { narration: string }; warnings: string[] };
          const sentences = slide.narration.match(/[^.!?]+[.!?]+\s*/g) ?? [slide.narration];
          yield { slide: { ...slide, narration: "" }, complete: false, warnings: [] };
          for (let n = 1; n < sentences.length; n++) yield { slide: { ...slide, narration: sentences.slice(0, n).join("").trim() }, complete: false, warnings: [] };
          yield { slide, complete: true, warnings };
        },
        tagProsody: unary("llm.tagProsody", (r) => ({ taggedNarration: r.slide.narration, engine: "rules", warnings: [] })),
      },
      images: { findPicture: unary("images.findPicture", () => ({ picture: undefined, warnings: [] })) },
      slides: {
        renderFrames: unary("slides.renderFrames", () => ({ frames: [{ png: Buffer.from("png"), page: 1, share: 1 }], warnings: [] })),
        buildDeck: stream("slides.buildDeck", (r) => [{ chunk: Buffer.from("pptx"), pageCount: r.slides.length, warnings: [] }]),
      },
      speech: {
        resolveVoice: unary("speech.resolveVoice", (r) => ({ voice: { name: r.name || "fake-voice", language: r.name ? "en-US" : r.language || "en-US", description: "", engine: "fake" } })),
        // Half a second and a few samples: not a whole number of AAC frames.
        synthesize: unary("speech.synthesize", (r) => ({
          audio: { pcm: Buffer.alloc((SAMPLE_RATE / 2 + 7) * 2), sampleRate: SAMPLE_RATE },
          durationSeconds: 0.5,
          segments: [{ text: r.segments.map((s: { text: string }) => s.text).join(" "), startSeconds: 0, endSeconds: 0.5, pauseSeconds: 0, words: [] }],
          engine: "fake",
          voice: "fake-voice",
          warnings: [],
        })),
      },
      video: {
        renderClip: unary("video.renderClip", (r) => ({ clip: Buffer.from("ts"), durationSeconds: r.frames.at(-1).endSeconds, encoder: "fake" })),
        writeCaptions: unary("video.writeCaptions", (r) => ({ vtt: `WEBVTT\n\n${r.segments.length} cues\n`, srt: "" })),
        assembleVideo: stream("video.assembleVideo", (r) => [{ chunk: Buffer.from("mp4"), durationSeconds: r.clips.reduce((s: number, c: { durationSeconds: number }) => s + c.durationSeconds, 0) }]),
        renderVideo: stream("video.renderVideo", () => [{ chunk: Buffer.from("mp4"), durationSeconds: 0, encoder: "fake" }]),
      },
    } as unknown as Downstreams;
  }
}

/** A call that waits until its signal is aborted, then fails as a cancelled gRPC call does. */
export function untilAborted(options: Options): Promise<never> {
  return new Promise((_, reject) => {
    const signal = options.signal!;
    const fail = () => reject(Object.assign(new Error("call was cancelled"), { code: 1 }));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

function slideOf(request: any): number | undefined {
  if (typeof request?.slideIndex === "number") return request.slideIndex;
  if (typeof request?.slide?.index === "number") return request.slide.index;
  if (typeof request?.slide?.slide?.index === "number") return request.slide.slide.index;
  return undefined;
}
