// The public API as the in-process tests serve it: the handlers on a loopback
// port over real gRPC, jobs on a real store in a temporary folder, the five
// services faked at their client interface.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { trace } from "@opentelemetry/api";
import { LectraServiceService } from "@lectra/proto";
import { lectraClient, type LectraClient } from "@lectra/clients";
import { createLogger } from "@lectra/service-kit";
import { serveInProcess } from "@lectra/testing";
import { lectraHandlers } from "../handlers";
import { Jobs } from "../jobs/registry";
import { JobStore } from "../jobs/store";
import type { FakeServices } from "./downstreams";

export interface ServedApi {
  client: LectraClient;
  /** Where the jobs' records and artifacts are. */
  store: JobStore;
  stop(): void;
}

export async function servePublicApi(services: FakeServices): Promise<ServedApi> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-api-"));
  const store = new JobStore(dir);
  await store.open();
  const log = createLogger("test");
  const jobs = new Jobs(store, services.clients, trace.getTracer("test"), log);
  const server = await serveInProcess(LectraServiceService, lectraHandlers({ jobs, store, speech: services.clients.speech, log }) as never);
  const client = lectraClient(server.address);
  return {
    client,
    store,
    stop() {
      client.downstream.close();
      server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
