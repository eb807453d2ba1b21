// Keeps services running, for `lectra up` and the tests that check what it
// does. A service that dies is started again on its address after a delay
// that grows while it keeps dying, and each step is logged: which service, how
// it ended, when the next try is. Callers ride out the gap by sending their
// idempotent calls again (@lectra/clients' retry.ts). A service that cannot be
// brought back is reported (`gaveUp`) so that the caller stops everything: a
// LECTRA with a service missing for good fails every job, better said at once.
// stop() leaves nothing running, services still starting included.
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceName } from "@lectra/clients";
import { launchService, type LaunchedService, type LaunchOptions } from "./launcher";

export interface RestartPolicy {
  /** The delay before restarting a service that died; doubled for each death in a row. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A service that served this long before dying starts from firstDelayMs again. */
  stableMs: number;
  /** Restarts in a row that fail to reach SERVING before the supervisor gives up on the service. */
  maxFailedStarts: number;
  /** How long a service may take to exit after SIGTERM before it gets SIGKILL. */
  stopTimeoutMs: number;
}

/**
 * 0.5 s, 1, 2, 4 … up to 30 s. A service that fails to start four times in a
 * row (some 8 s of waiting, plus its start-ups) is not coming back by itself:
 * its log says why. stopTimeoutMs is above a service's own shutdown grace
 * (LECTRA_SHUTDOWN_GRACE_MS, 10 s) plus its span flush.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  stableMs: 60_000,
  maxFailedStarts: 4,
  stopTimeoutMs: 20_000,
};

/** One supervised service: the process running now changes with each restart. */
export interface SupervisedService {
  readonly name: ServiceName;
  readonly address: string;
  /** The process running now (or the last one, while it is being restarted). */
  readonly current: LaunchedService;
  /** How many times it was started again. */
  readonly restarts: number;
}

interface Entry extends SupervisedService {
  current: LaunchedService;
  restarts: number;
  launch: LaunchOptions;
}

export interface SupervisorOptions {
  /** Where deaths and restarts are told, one line each. */
  log: (line: string) => void;
  policy?: Partial<RestartPolicy>;
}

export class Supervisor {
  /** Resolves when a service could not be brought back: the caller should stop() and fail. */
  readonly gaveUp: Promise<Error>;
  private giveUp!: (error: Error) => void;
  private readonly policy: RestartPolicy;
  private readonly stopping = new AbortController();
  /** Launches not yet settled, so that stop() can wait for them. */
  private readonly starting = new Set<Promise<LaunchedService>>();
  /** Every process started and not yet exited, whichever service it is. */
  private readonly running = new Set<LaunchedService>();
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
    this.gaveUp = new Promise((resolve) => (this.giveUp = resolve));
  }

  /** Starts a service and keeps it running; fails, leaving it stopped, when its first start does. */
  async start(name: ServiceName, launch: LaunchOptions): Promise<SupervisedService> {
    let current: LaunchedService;
    try {
      current = await this.launch(name, launch);
    } catch (error) {
      throw new Error(`cannot start ${name} on ${launch.address}: ${message(error)}`);
    }
    const entry: Entry = { name, address: launch.address, current, restarts: 0, launch };
    void this.watch(entry);
    return entry;
  }

  /**
   * Stops supervising and stops every service: SIGTERM (SIGKILL after
   * stopTimeoutMs), or SIGKILL at once. Services still starting are stopped
   * too; it resolves once every process has exited. Calling it again waits
   * for the same stop: a second SIGTERM would cut a service's graceful
   * shutdown short (it handles the first one only).
   */
  stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    this.stopping.abort();
    if (signal === "SIGKILL") for (const s of this.running) s.child.kill("SIGKILL");
    this.stopped ??= (async () => {
      await Promise.allSettled([...this.starting]);
      await Promise.all([...this.running].map((s) => stopProcess(s, this.policy.stopTimeoutMs)));
    })();
    return this.stopped;
  }

  private launch(name: ServiceName, launch: LaunchOptions): Promise<LaunchedService> {
    const launching = launchService(name, { ...launch, signal: this.stopping.signal }).then((service) => {
      this.running.add(service);
      void service.exited.then(() => this.running.delete(service));
      return service;
    });
    this.starting.add(launching);
    const settled = () => void this.starting.delete(launching);
    launching.then(settled, settled);
    return launching;
  }

  /** Waits for the service to die and starts it again, until stop() or giving up. */
  private async watch(entry: Entry): Promise<void> {
    const { policy, stopping } = this;
    let deaths = 0;
    for (;;) {
      const servingSince = Date.now();
      await entry.current.exited;
      if (stopping.signal.aborted) return;
      if (Date.now() - servingSince >= policy.stableMs) deaths = 0;
      let why = `${entry.name} (${entry.address}) ${howItEnded(entry.current)}`;
      for (let failedStarts = 0; ; ) {
        const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** deaths++);
        const attempt = failedStarts === 0 ? "" : `, try ${failedStarts + 1} of ${policy.maxFailedStarts}`;
        this.options.log(`${why}; starting it again in ${(delayMs / 1000).toFixed(1)} s (restart ${entry.restarts + 1}${attempt})`);
        try {
          await sleep(delayMs, undefined, { signal: stopping.signal });
          entry.current = await this.launch(entry.name, entry.launch);
        } catch (error) {
          if (stopping.signal.aborted) return;
          if (++failedStarts >= policy.maxFailedStarts) {
            // Told by the caller, which stops everything and says so.
            this.giveUp(new Error(`${entry.name} could not be started again on ${entry.address} (${failedStarts} tries): ${message(error)}`));
            return;
          }
          why = `${entry.name} did not start again: ${message(error)}`;
          continue;
        }
        entry.restarts++;
        this.options.log(`${entry.name} is serving again on ${entry.address} (restart ${entry.restarts})`);
        break;
      }
      if (stopping.signal.aborted) return;
    }
  }
}

/** "was killed by SIGKILL", "exited with code 1". */
export function howItEnded(service: LaunchedService): string {
  const { exitCode, signalCode } = service.child;
  return signalCode ? `was killed by ${signalCode}` : `exited with code ${exitCode}`;
}

/** SIGTERM, and SIGKILL if it has not exited after `timeoutMs`. */
async function stopProcess(service: LaunchedService, timeoutMs: number): Promise<void> {
  const kill = setTimeout(() => service.child.kill("SIGKILL"), timeoutMs);
  try {
    await service.stop("SIGTERM");
  } finally {
    clearTimeout(kill);
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
