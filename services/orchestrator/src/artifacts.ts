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
} as const;

export type ArtifactKind = keyof typeof ARTIFACTS;

/** The job record: always downloadable, not listed among the artifacts (it lists them). */
export const JOB_RECORD = "job.json";

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isArtifactName(name: string): boolean {
  return FILE_NAME.test(name) && !name.includes("..");
}
