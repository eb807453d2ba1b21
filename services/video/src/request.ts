// Checks requests before any work starts, and turns them into what the encoder
// and the captions need. Every problem is INVALID_ARGUMENT naming the field as
// the .proto spells it, e.g. "frames[2].start_seconds".
import { AAC_FRAME_SAMPLES, aacFrameSamples, BYTES_PER_SAMPLE, isWholeAacFrames, normalizeLanguage, pcmSeconds } from "@lectra/lecture";
import type { AssembleVideoRequest, Audio, RenderClipRequest, RenderVideoRequest, TimedFrame, TimedSegment, WriteCaptionsRequest } from "@lectra/proto";
import { argument, invalidArgument } from "@lectra/service-kit";
import { AAC_RATES, PRIMING_SAMPLES } from "./aac";
import { buildCaptions, type CaptionSegment } from "./captions";
import type { ChapterMark } from "./chapters";
import { transportStreamProblem } from "./mpegts";
import { readPng, type PictureSize } from "./png";
import type { Subtitles } from "./subtitles";

/** Frames meet end to start within this, in seconds. */
export const FRAME_JOIN_TOLERANCE = 0.001;
/** The last frame ends this close to the end of the narration, in seconds. */
export const COVER_TOLERANCE = 0.05;
export const SAMPLE_RATES = { min: 8000, max: 48000 } as const;
export const FRAME_SIDE = { min: 2, max: 8192 } as const;
export const FRAME_RATES = { min: 1, max: 60, default: 30 } as const;

export type FrameRate = { mode: "variable" } | { mode: "constant"; fps: number };

export interface VideoPlan {
  /** Each frame's picture and how long it is shown, in order from 0. */
  stills: Array<{ png: Buffer; seconds: number }>;
  /** The first frame's size; others are fitted into it. */
  size: PictureSize;
  narration: { pcm: Buffer; sampleRate: number; seconds: number };
  chapters: ChapterMark[];
  frameRate: FrameRate;
  /** The captions as a subtitle track; none for a clip, or when the request sends no captions. */
  subtitles?: Subtitles;
}

const seconds = (value: number) => `${Number(value.toFixed(3))} s`;

function finite(field: string, value: number): number {
  if (!Number.isFinite(value)) throw invalidArgument(field, `must be a number of seconds, got ${value}`);
  return value;
}

/** What RenderVideo and RenderClip share: frames over a narration, at a variable or constant rate. */
type PictureRequest = { frames: TimedFrame[]; constantFrameRate: boolean; framesPerSecond: number };

interface CheckedFrames {
  size: PictureSize;
  starts: number[];
  end: number;
}

function checkFrames(req: PictureRequest): CheckedFrames {
  if (req.frames.length === 0) throw invalidArgument("frames", "is empty; send at least one frame");
  let size: PictureSize | undefined;
  let previousEnd = 0;
  const starts: number[] = [];
  req.frames.forEach((frame, i) => {
    const field = `frames[${i}]`;
    const picture = readPng(frame.png);
    if ("problem" in picture) throw invalidArgument(`${field}.png`, picture.problem);
    for (const side of [picture.width, picture.height]) {
      if (side < FRAME_SIDE.min || side > FRAME_SIDE.max) {
        throw invalidArgument(`${field}.png`, `is ${picture.width}x${picture.height}; each side must be ${FRAME_SIDE.min}..${FRAME_SIDE.max} pixels`);
      }
    }
    size ??= picture;
    const start = finite(`${field}.start_seconds`, frame.startSeconds);
    const end = finite(`${field}.end_seconds`, frame.endSeconds);
    if (Math.abs(start - previousEnd) > FRAME_JOIN_TOLERANCE) {
      throw invalidArgument(
        `${field}.start_seconds`,
        i === 0
          ? `must be 0 (the video starts with the first frame), got ${start}`
          : `must be where frames[${i - 1}] ends (${previousEnd}), got ${start}; frames are back to back`,
      );
    }
    if (end <= start) throw invalidArgument(`${field}.end_seconds`, `must be after start_seconds (${start}), got ${end}`);
    starts.push(start);
    previousEnd = end;
  });
  return { size: size!, starts, end: previousEnd };
}

function checkNarration(narration: Audio | undefined): VideoPlan["narration"] {
  if (!narration) throw invalidArgument("narration", "is required: the audio the frames are shown over");
  if (narration.sampleRate < SAMPLE_RATES.min || narration.sampleRate > SAMPLE_RATES.max) {
    throw invalidArgument("narration.sample_rate", `must be ${SAMPLE_RATES.min}..${SAMPLE_RATES.max} Hz, got ${narration.sampleRate}`);
  }
  if (narration.pcm.length === 0) throw invalidArgument("narration.pcm", "is empty");
  if (narration.pcm.length % 2 !== 0) throw invalidArgument("narration.pcm", "has an odd number of bytes; expected 16-bit mono samples");
  return { pcm: narration.pcm, sampleRate: narration.sampleRate, seconds: pcmSeconds(narration.pcm, narration.sampleRate) };
}

/** A clip's narration is not resampled: the rates AAC carries, within what any narration may have. */
export const CLIP_SAMPLE_RATES = [...AAC_RATES].filter((rate) => rate >= SAMPLE_RATES.min && rate <= SAMPLE_RATES.max);

/**
 * A clip's narration is encoded on its own and joined to the next one's, so it
 * must be whole AAC frames at a rate AAC carries (no resampling, no padding
 * here), and one frame longer than the speech: the last one is dropped (aac.ts).
 */
function checkClipNarration(narration: Audio | undefined): VideoPlan["narration"] {
  if (narration && !CLIP_SAMPLE_RATES.includes(narration.sampleRate)) {
    throw invalidArgument("narration.sample_rate", `must be a rate AAC carries (${CLIP_SAMPLE_RATES.join(", ")} Hz), got ${narration.sampleRate}`);
  }
  const checked = checkNarration(narration);
  const samples = checked.pcm.length / BYTES_PER_SAMPLE;
  if (!isWholeAacFrames(checked.pcm)) {
    throw invalidArgument(
      "narration.pcm",
      `is ${samples} samples, not a whole number of AAC frames (${AAC_FRAME_SAMPLES} samples each); pad it with silence to ${aacFrameSamples(samples)}`,
    );
  }
  const least = AAC_FRAME_SAMPLES + PRIMING_SAMPLES;
  if (samples < least) {
    throw invalidArgument("narration.pcm", `is ${samples} samples; a clip needs at least ${least} (its last ${PRIMING_SAMPLES}, silence, make up for the AAC encoder's priming)`);
  }
  return checked;
}

function checkChapters(req: RenderVideoRequest, duration: number): ChapterMark[] {
  let previousEnd = 0;
  return req.chapters.map((chapter, i) => {
    const field = `chapters[${i}]`;
    if (!chapter.title.trim()) throw invalidArgument(`${field}.title`, "is empty");
    const start = finite(`${field}.start_seconds`, chapter.startSeconds);
    const end = finite(`${field}.end_seconds`, chapter.endSeconds);
    if (start < 0) throw invalidArgument(`${field}.start_seconds`, `must be 0 or more, got ${start}`);
    if (start < previousEnd - FRAME_JOIN_TOLERANCE) {
      throw invalidArgument(`${field}.start_seconds`, `is before chapters[${i - 1}] ends (${previousEnd}); chapters are in order and do not overlap`);
    }
    if (end <= start) throw invalidArgument(`${field}.end_seconds`, `must be after start_seconds (${start}), got ${end}`);
    if (end > duration + COVER_TOLERANCE) {
      throw invalidArgument(`${field}.end_seconds`, `is ${end}, after the end of the narration (${seconds(duration)})`);
    }
    previousEnd = end;
    return { title: chapter.title.trim(), startSeconds: start, endSeconds: Math.min(end, duration) };
  });
}

function checkFrameRate(req: PictureRequest): FrameRate {
  if (!req.constantFrameRate) return { mode: "variable" };
  const fps = req.framesPerSecond === 0 ? FRAME_RATES.default : req.framesPerSecond;
  if (fps < FRAME_RATES.min || fps > FRAME_RATES.max) {
    throw invalidArgument("frames_per_second", `must be ${FRAME_RATES.min}..${FRAME_RATES.max} (0 means ${FRAME_RATES.default}), got ${req.framesPerSecond}`);
  }
  return { mode: "constant", fps };
}

/** The frames over the narration: the picture part of a plan. */
function planPicture(req: PictureRequest, frames: CheckedFrames, narration: VideoPlan["narration"]): Omit<VideoPlan, "chapters"> {
  if (Math.abs(frames.end - narration.seconds) > COVER_TOLERANCE) {
    throw invalidArgument(
      `frames[${req.frames.length - 1}].end_seconds`,
      `is ${frames.end} but the narration lasts ${seconds(narration.seconds)}; the frames must cover the narration (within ${COVER_TOLERANCE} s)`,
    );
  }
  // Each still lasts until the next one starts, so small gaps between frames don't add up.
  const stills = req.frames.map((frame, i) => ({
    png: frame.png,
    seconds: (i + 1 < frames.starts.length ? frames.starts[i + 1] : frames.end) - (i === 0 ? 0 : frames.starts[i]),
  }));
  return { stills, size: frames.size, narration, frameRate: checkFrameRate(req) };
}

export function planVideo(req: RenderVideoRequest): VideoPlan {
  const frames = checkFrames(req);
  const narration = checkNarration(req.narration);
  return { ...planPicture(req, frames, narration), chapters: checkChapters(req, narration.seconds), subtitles: planSubtitles(req) };
}

/** A slide's clip: its frames over its narration, times within the clip, no chapters. */
export function planClip(req: RenderClipRequest): VideoPlan {
  const frames = checkFrames(req);
  return { ...planPicture(req, frames, checkClipNarration(req.narration)), chapters: [] };
}

export interface AssemblyPlan {
  clips: Array<{ ts: Buffer; seconds: number }>;
  /** One per clip, at the clips' cumulative lengths. */
  chapters: ChapterMark[];
  seconds: number;
  subtitles?: Subtitles;
}

export function planAssembly(req: AssembleVideoRequest): AssemblyPlan {
  if (req.clips.length === 0) throw invalidArgument("clips", "is empty; send the lecture's clips from RenderClip, in order");
  let start = 0;
  const clips: AssemblyPlan["clips"] = [];
  const chapters: ChapterMark[] = [];
  req.clips.forEach((clip, i) => {
    const field = `clips[${i}]`;
    const problem = transportStreamProblem(clip.clip);
    if (problem) throw invalidArgument(`${field}.clip`, problem);
    const length = finite(`${field}.duration_seconds`, clip.durationSeconds);
    if (length <= 0) throw invalidArgument(`${field}.duration_seconds`, `must be more than 0 (the clip's duration_seconds from RenderClip), got ${length}`);
    const title = clip.title.trim();
    if (!title) throw invalidArgument(`${field}.title`, "is empty; each clip is a chapter and needs its title");
    clips.push({ ts: clip.clip, seconds: length });
    chapters.push({ title, startSeconds: start, endSeconds: start + length });
    start += length;
  });
  return { clips, chapters, seconds: start, subtitles: planSubtitles(req) };
}

/** Word timings are on the lecture's timeline; allow them this far outside their segment. */
export const WORD_TOLERANCE = 0.05;

/** The lecture's language in canonical BCP 47 ("" is English); INVALID_ARGUMENT for what is not a tag. */
export const languageOf = (req: { language: string }): string => argument("language", () => normalizeLanguage(req.language));

/** A video's captions as its subtitle track: none when the request sends none, or none with any text. */
function planSubtitles(req: { captions: TimedSegment[]; language: string }): Subtitles | undefined {
  if (req.captions.length === 0) return undefined;
  const language = languageOf(req);
  const captions = buildCaptions(checkSegments(req.captions, "captions"), language);
  return captions.length > 0 ? { captions, language } : undefined;
}

export function captionSegments(req: WriteCaptionsRequest): CaptionSegment[] {
  return checkSegments(req.segments, "segments");
}

/** Segments on the lecture's timeline, in order, each word inside its segment; `name` is the request's field. */
function checkSegments(segments: TimedSegment[], name: string): CaptionSegment[] {
  let previousEnd = 0;
  return segments.map((segment, i) => {
    const field = `${name}[${i}]`;
    const start = finite(`${field}.start_seconds`, segment.startSeconds);
    const end = finite(`${field}.end_seconds`, segment.endSeconds);
    if (start < 0) throw invalidArgument(`${field}.start_seconds`, `must be 0 or more, got ${start}`);
    if (start < previousEnd - FRAME_JOIN_TOLERANCE) {
      throw invalidArgument(`${field}.start_seconds`, `is before ${name}[${i - 1}] ends (${previousEnd}); ${name} are in order and do not overlap`);
    }
    if (end < start || (end === start && segment.text.trim())) {
      throw invalidArgument(`${field}.end_seconds`, `must be after start_seconds (${start}), got ${end}`);
    }
    segment.words.forEach((word, j) => {
      const at = finite(`${field}.words[${j}].start_seconds`, word.startSeconds);
      if (at < start - WORD_TOLERANCE || at > end + WORD_TOLERANCE) {
        throw invalidArgument(
          `${field}.words[${j}].start_seconds`,
          `${at} is outside its segment (${start}..${end}); word timings are on the lecture's timeline, like the segment`,
        );
      }
    });
    previousEnd = end;
    return { text: segment.text, startSeconds: start, endSeconds: end, words: segment.words.map((w) => ({ word: w.word, startSeconds: w.startSeconds })) };
  });
}
