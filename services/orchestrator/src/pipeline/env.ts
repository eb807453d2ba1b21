// What the pipeline works with: the services it calls, the request it serves,
// and the job it reports to. The job is an interface of the pipeline's own, so
// the pipeline knows nothing of how jobs are stored, listed or streamed.
import type { ModelPull, Picture, Playable } from "@lectra/proto";
import type { ImagesClient, LlmClient, SlidesClient, SpeechClient, VideoClient } from "@lectra/clients";
import type { ArtifactRef } from "../artifacts";
import type { LectureRequest } from "../request";
import type { StageRunner } from "./stage";

export interface Downstreams {
  llm: LlmClient;
  images: ImagesClient;
  slides: SlidesClient;
  speech: SpeechClient;
  video: VideoClient;
}

/** Streams one output to its artifact; nothing is visible under its name until finish(). */
export interface ArtifactSink {
  write(chunk: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** What the pipeline needs from the job that runs it. */
export interface LectureJob extends StageRunner {
  /** The outline is known: the lecture's title and how many slides it has. */
  outlined(title: string, slideCount: number): void;
  /** Something the user should know; the same message is reported once per job. */
  warn(where: string, message: string): void;
  modelPull(progress: ModelPull): void;
  /** Where a slide's picture came from, for the job record's credits. */
  pictured(slideIndex: number, picture: Picture): void;
  /** Records the first real failure and stops the rest of the job. */
  fail(error: unknown): void;
  /** Saves an artifact atomically (a reader sees the old file or the new one) and announces it. */
  saveArtifact(ref: ArtifactRef, data: Uint8Array): Promise<void>;
  artifactSink(ref: ArtifactRef): ArtifactSink;
  /** More of the lecture can be watched: announced after the playlist saying so is saved. */
  playable(playable: Playable): void;
  /**
   * `close` runs if the job stops before its end (it fails, is cancelled or
   * interrupted), after its steps have settled and before its end is reported:
   * the place to leave what it made in a finished form.
   */
  whenStopped(close: () => Promise<void>): void;
}

export interface LectureEnv {
  request: LectureRequest;
  clients: Downstreams;
  job: LectureJob;
  /** Stream the model's answers into the next stages (LECTRA_STREAMING); else each answer is awaited whole. */
  streaming: boolean;
}
