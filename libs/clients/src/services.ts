// The client of each LECTRA service, by the service's name.
import {
  ImagesServiceService,
  LectraServiceService,
  LlmServiceService,
  SlidesServiceService,
  SpeechServiceService,
  VideoServiceService,
} from "@lectra/proto";
import { serviceClient, type ServiceClient } from "./service-client";

export type LlmClient = ServiceClient<LlmServiceService>;
export type ImagesClient = ServiceClient<ImagesServiceService>;
export type SlidesClient = ServiceClient<SlidesServiceService>;
export type SpeechClient = ServiceClient<SpeechServiceService>;
export type VideoClient = ServiceClient<VideoServiceService>;
export type LectraClient = ServiceClient<LectraServiceService>;

export const llmClient = (address?: string): LlmClient => serviceClient("llm", LlmServiceService, { address });
export const imagesClient = (address?: string): ImagesClient => serviceClient("images", ImagesServiceService, { address });
export const slidesClient = (address?: string): SlidesClient => serviceClient("slides", SlidesServiceService, { address });
export const speechClient = (address?: string): SpeechClient => serviceClient("speech", SpeechServiceService, { address });
export const videoClient = (address?: string): VideoClient => serviceClient("video", VideoServiceService, { address });

/**
 * The public API, for the CLI and tests. Generate streams a job's events until
 * the job ends, so it has a day rather than the orchestrator's usual deadline:
 * a job takes as long as it takes. `env` is where TLS settings and the API
 * token are read from (process.env by default; tests pass a stack's).
 */
export const lectraClient = (address?: string, env?: NodeJS.ProcessEnv): LectraClient =>
  serviceClient("orchestrator", LectraServiceService, { address, env, timeoutsMs: { generate: 24 * 3600_000 } });
