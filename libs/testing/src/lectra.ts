// The whole system as separate processes: the five services on free ports, then
// the orchestrator pointed at them. Used by the end-to-end tests and the benchmark.
import * as fs from "node:fs";
import { lectraClient, type LectraClient, type ServiceName } from "@lectra/clients";
import { addressesEnv, freePort, groupByName, startService, type ServiceProcess } from "./processes";

export const WORKERS: ServiceName[] = ["llm", "images", "slides", "speech", "video"];

export interface Lectra {
  /** The first (or only) process of each service. */
  services: Map<ServiceName, ServiceProcess>;
  /** Every process of each service, replicas included. */
  replicas: Map<ServiceName, ServiceProcess[]>;
  orchestratorAddress: string;
  /** The environment every service got, addresses included. */
  env: NodeJS.ProcessEnv;
  client: LectraClient;
  /** Starts the orchestrator (again, e.g. after a restart) on its address. */
  startOrchestrator(extraEnv?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface LectraOptions {
  /** Processes per service (1 by default); the orchestrator balances its calls over them. */
  replicas?: Partial<Record<ServiceName, number>>;
}

export async function startLectra(env: NodeJS.ProcessEnv, options: LectraOptions = {}): Promise<Lectra> {
  const services = new Map<ServiceName, ServiceProcess>();
  const names = WORKERS.flatMap((name) => Array<ServiceName>(options.replicas?.[name] ?? 1).fill(name));
  const workers = await Promise.all(names.map((name) => startService(name, { env })));
  const replicas = groupByName(workers);
  for (const [name, processes] of replicas) services.set(name, processes[0]);
  const orchestratorAddress = `127.0.0.1:${await freePort()}`;
  const stackEnv = { ...env, ...addressesEnv(workers) };
  const startOrchestrator = async (extraEnv: NodeJS.ProcessEnv = {}) => {
    const o = await startService("orchestrator", { env: { ...stackEnv, ...extraEnv }, address: orchestratorAddress });
    services.set("orchestrator", o);
    replicas.set("orchestrator", [o]);
    return o;
  };
  await startOrchestrator();
  // With the stack's TLS settings (and LECTRA_API_TOKEN, where a test gives one).
  const client = lectraClient(orchestratorAddress, { ...process.env, ...stackEnv });
  return {
    services,
    replicas,
    orchestratorAddress,
    env: stackEnv,
    client,
    startOrchestrator,
    stop: async () => {
      client.downstream.close();
      await Promise.all([...replicas.values()].flat().map((s) => s.stop()));
    },
  };
}

/** A process's peak resident memory so far, in MiB (Linux: VmHWM in /proc/<pid>/status). */
export function peakMemoryMiB(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
