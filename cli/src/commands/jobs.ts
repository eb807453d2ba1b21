// `lectra jobs`, `lectra cancel`, `lectra rm`, `lectra report`, `lectra download`: work with
// jobs the orchestrator already has.
import * as path from "node:path";
import { JobState, type Job } from "@lectra/proto";
import { lectraClient } from "@lectra/clients";
import { downloadArtifact, humanBytes } from "../download";
import { formatReport } from "../report";
import { explain } from "./generate";

const state = (job: Job) => JobState[job.state].replace("JOB_STATE_", "").toLowerCase();

export async function listJobs(limit: number, orchestrator?: string): Promise<void> {
  const client = lectraClient(orchestrator);
  const { jobs } = await client.listJobs({ pageSize: limit, pageToken: "" }).catch((e) => Promise.reject(explain(e)));
  if (jobs.length === 0) console.log("no jobs yet");
  for (const job of jobs) {
    const when = job.createTime?.toISOString().replace("T", " ").slice(0, 19) ?? "";
    console.log(`${job.id}  ${state(job).padEnd(11)} ${when}  ${String(job.slideCount).padStart(2)} slides  ${humanBytes(job.sizeBytes).padStart(9)}  ${job.title || job.topic}`);
  }
  client.downstream.close();
}

export async function cancelJob(id: string, orchestrator?: string): Promise<void> {
  const client = lectraClient(orchestrator);
  const { job } = await client.cancelJob({ jobId: id }).catch((e) => Promise.reject(explain(e)));
  console.log(`job ${job!.id}: ${state(job!)}${job!.error ? ` (${job!.error.message})` : ""}`);
  client.downstream.close();
}

export async function deleteJob(id: string, orchestrator?: string): Promise<void> {
  const client = lectraClient(orchestrator);
  await client.deleteJob({ jobId: id }).catch((e) => Promise.reject(explain(e)));
  console.log(`job ${id}: deleted`);
  client.downstream.close();
}

export async function showReport(id: string, orchestrator?: string): Promise<void> {
  const client = lectraClient(orchestrator);
  const { job } = await client.getJob({ jobId: id }).catch((e) => Promise.reject(explain(e)));
  console.log(`${job!.title || job!.topic} — ${state(job!)}`);
  console.log(job!.report ? formatReport(job!.report) : "no report yet (the job is still running)");
  client.downstream.close();
}

export async function downloadJob(id: string, out: string | undefined, orchestrator?: string): Promise<void> {
  const client = lectraClient(orchestrator);
  const { job } = await client.getJob({ jobId: id }).catch((e) => Promise.reject(explain(e)));
  const dir = path.resolve(out ?? path.join("out", id));
  for (const name of [...job!.artifacts.map((a) => a.name), "job.json"]) {
    const { file, bytes } = await downloadArtifact(client, id, name, dir);
    console.log(`${file}  ${humanBytes(bytes)}`);
  }
  client.downstream.close();
}
