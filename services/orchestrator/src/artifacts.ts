// What a job produces, by file name. Names are plain file names: a request that
// names an artifact can never reach outside the job's folder.

export const ARTIFACTS = {
  deck: { name: "deck.pptx", mediaType: "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
  video: { name: "lecture.mp4", mediaType: "video/mp4" },
  narration: { name: "narration.wav", mediaType: "audio/wav" },
  vtt: { name: "captions.vtt", mediaType: "text/vtt" },
  srt: { name: "captions.srt", mediaType: "application/x-subrip" },
  timings: { name: "timings.json", mediaType: "application/json" },
  /** The lecture as a script: given back, it makes the same lecture (README "Lecture scripts"). */
  script: { name: "lecture.md", mediaType: "text/markdown; charset=utf-8" },
  /** The lecture as an HLS playlist of its slides' clips, growing as they are made (pipeline/playlist.ts). */
  playlist: { name: "lecture.m3u8", mediaType: "application/vnd.apple.mpegurl" },
} as const;

/**
 * Artifacts made once per slide: a family of names, one per slide number.
 * Each is a plain file name beside the others, so a playlist names it as a
 * relative URI that resolves the same in the job's folder and in a download.
 */
export const SLIDE_ARTIFACTS = {
  /** A slide's clip as an HLS segment (MPEG-TS: H.264 + AAC, timestamps from 0). */
  segment: { name: (slide: number) => `lecture-${String(slide + 1).padStart(3, "0")}.ts`, mediaType: "video/mp2t" },
} as const;

export type ArtifactKind = keyof typeof ARTIFACTS;
export type SlideArtifactKind = keyof typeof SLIDE_ARTIFACTS;

/** An artifact the pipeline saves: a lecture's own, or one slide's of a family. */
export type ArtifactRef = ArtifactKind | { kind: SlideArtifactKind; slide: number };

/** The file name and media type an artifact is saved under; a family's names obey the same rule as every name. */
export function artifactFile(ref: ArtifactRef): { name: string; mediaType: string } {
  if (typeof ref === "string") return ARTIFACTS[ref];
  const family = SLIDE_ARTIFACTS[ref.kind];
  const name = family.name(ref.slide);
  if (!Number.isInteger(ref.slide) || ref.slide < 0 || !isArtifactName(name)) throw new Error(`slide ${ref.slide} has no ${ref.kind} artifact name`);
  return { name, mediaType: family.mediaType };
}

/** The job record: always downloadable, not listed among the artifacts (it lists them). */
export const JOB_RECORD = "job.json";

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isArtifactName(name: string): boolean {
  return FILE_NAME.test(name) && !name.includes("..");
}
