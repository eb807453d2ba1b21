// Places each slide's narration clip on the lecture's timeline. Every time here
// comes from measured audio durations, never from estimates: a slide starts where
// the previous slide's audio ends.

export interface ClipWord {
  word: string;
  startSeconds: number;
  endSeconds: number;
}

export interface ClipSegment {
  text: string;
  startSeconds: number;
  endSeconds: number;
  pauseSeconds: number;
  words: ClipWord[];
}

export interface SlideClip {
  title: string;
  durationSeconds: number;
  segments: ClipSegment[];
}

export interface SlideTiming {
  index: number;
  title: string;
  startSeconds: number;
  endSeconds: number;
}

export interface TimelineSegment {
  slideIndex: number;
  text: string;
  startSeconds: number;
  endSeconds: number;
  words: ClipWord[];
}

export interface Timeline {
  durationSeconds: number;
  slides: SlideTiming[];
  segments: TimelineSegment[];
}

export function buildTimeline(clips: SlideClip[]): Timeline {
  const slides: SlideTiming[] = [];
  const segments: TimelineSegment[] = [];
  let at = 0;
  clips.forEach((clip, index) => {
    slides.push({ index, title: clip.title, startSeconds: at, endSeconds: at + clip.durationSeconds });
    for (const s of clip.segments) {
      if (!s.text) continue;
      segments.push({
        slideIndex: index,
        text: s.text,
        startSeconds: at + s.startSeconds,
        endSeconds: at + s.endSeconds,
        words: s.words.map((w) => ({ word: w.word, startSeconds: at + w.startSeconds, endSeconds: at + w.endSeconds })),
      });
    }
    at += clip.durationSeconds;
  });
  return { durationSeconds: at, slides, segments };
}

/**
 * Splits a slide's time between its pages by their shares; the last page ends
 * exactly where the slide does, so frames always cover the narration.
 */
export function pageTimes(slide: { startSeconds: number; endSeconds: number }, shares: number[]) {
  const total = shares.reduce((a, b) => a + b, 0) || 1;
  const length = slide.endSeconds - slide.startSeconds;
  let at = slide.startSeconds;
  return shares.map((share, i) => {
    const start = at;
    const end = i === shares.length - 1 ? slide.endSeconds : start + (length * share) / total;
    at = end;
    return { startSeconds: start, endSeconds: end };
  });
}
