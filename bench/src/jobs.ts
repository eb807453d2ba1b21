// Running benchmark jobs and reading what they recorded.
import { GenerateRequest, StageStatus, type Job, type StageUpdate } from "@lectra/proto";
import type { LectraClient } from "@lectra/clients";

export interface Generated {
  job: Job;
  /** As the client saw it, from the call to the last event. */
  seconds: number;
  /** Every stage run that finished, with its detail ("cached" when a service answered from its cache). */
  finished: StageUpdate[];
  /** Whether the job waited for a slot (admission control) before it ran. */
  queued: boolean;
  /** From the call to the first `playable` event: when slide 1 could be watched; undefined if it never could. */
  firstPlayableSeconds: number | undefined;
}

export async function generate(client: LectraClient, request: Partial<GenerateRequest>): Promise<Generated> {
  const started = performance.now();
  let job: Job | undefined;
  const finished: StageUpdate[] = [];
  let queued = false;
  let firstPlayableSeconds: number | undefined;
  const full = GenerateRequest.fromPartial(request);
  try {
    for await (const { event } of client.generate(full)) {
      if (event?.kind?.$case === "finished") job = event.kind.value;
      if (event?.kind?.$case === "queued") queued = true;
      if (event?.kind?.$case === "playable") firstPlayableSeconds ??= (performance.now() - started) / 1000;
      if (event?.kind?.$case === "stage" && event.kind.value.status === StageStatus.STAGE_STATUS_FINISHED) finished.push(event.kind.value);
    }
  } catch (error) {
    if (!job) throw error;
  }
  return { job: job!, seconds: (performance.now() - started) / 1000, finished, queued, firstPlayableSeconds };
}

/** A lecture script with `slides` slides of `sentences` sentences each; `variant` changes every word of one slide. */
export function benchScript(slides: number, sentences: number, title = "The Immune System", edited = -1): string {
  const topics = ["immune", "vaccine", "cells", "antibodies", "memory", "heart", "lungs", "blood", "rhythm", "plants"];
  const body = Array.from({ length: slides }, (_, i) => {
    const topic = topics[i % topics.length];
    const extra = i === edited ? " This sentence was added in an edit, so this slide must be spoken again." : "";
    const narration = Array.from({ length: sentences }, (_, j) => `Sentence ${j + 1} of slide ${i + 1} explains how ${topic} matters to the body.`).join(" ");
    return `## ${topic[0].toUpperCase()}${topic.slice(1)}, part ${i + 1}\n- The role of ${topic}${i === edited ? " (edited)" : ""}\n- Why it matters\nImage: ${topic}\n\n${narration}${extra}\n`;
  });
  return `# ${title}\n\n${body.join("\n")}`;
}

/** One of a job's artifacts (e.g. "timings.json"), whole, as text. */
export async function artifactText(client: LectraClient, jobId: string, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const part of client.downloadArtifact({ jobId, name })) chunks.push(Buffer.from(part.chunk));
  return Buffer.concat(chunks).toString("utf8");
}
