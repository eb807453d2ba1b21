// Services that die, and services that cannot start, under `lectra up` run as
// a user runs it: the real CLI, its six services as its child processes, jobs
// sent to it. A worker killed with SIGKILL while a job needs it is started
// again by lectra up's supervisor, and the job succeeds (its calls to the
// service are sent again while it is down: @lectra/clients' retry.ts). A
// service that cannot start, a port already taken, or SIGTERM to lectra up
// leave nothing running. Linux only: processes are found through /proc.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { JobState, Stage, StageStatus } from "@lectra/proto";
import { addressEnv, checkHealth, lectraClient, SERVICES, type LectraClient, type ServiceName } from "@lectra/clients";
import { eventually, freePort } from "@lectra/testing";
import { run, script } from "./stack";

/** `lectra up`, as npx runs it. */
const CLI = require.resolve("@lectra/cli");

/** Every lectra up started here: whatever a failed test left running is killed at the end, and its data dir removed. */
const started: LectraUp[] = [];
after(() => {
  for (const up of started) {
    if (up.child.exitCode === null && up.child.signalCode === null) up.child.kill("SIGKILL");
    for (const pid of up.leftovers()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // It exited meanwhile.
      }
    }
    fs.rmSync(up.dataDir, { recursive: true, force: true });
  }
});

/** One `lectra up` process, its output, and its services' processes. */
class LectraUp {
  readonly child: ChildProcess;
  output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  readonly addresses: Record<ServiceName, string>;
  /** Every process started with it carries this in its environment (LECTRA_DATA_DIR). */
  readonly dataDir: string;

  constructor({ addresses, dataDir, env }: UpSettings) {
    this.addresses = addresses;
    this.dataDir = dataDir;
    this.child = spawn(process.execPath, [CLI, "up"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.setEncoding("utf8").on("data", (text: string) => {
        this.output += text;
        if (process.env.LECTRA_TEST_LOGS) process.stderr.write(text);
      });
    }
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    started.push(this);
  }

  /** How lectra up exited; fails the test when it is still running after `timeoutMs` (it would hang otherwise). */
  async ended(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`lectra up still runs after ${timeoutMs} ms; it printed:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until lectra up has printed something matching `pattern`. */
  async printed(pattern: RegExp, timeoutMs = 90_000): Promise<void> {
    await eventually(`lectra up printing ${pattern}; it printed:\n${this.output}`, async () => pattern.test(this.output), timeoutMs);
  }

  /** The process running a service now: lectra up's child whose command line is services/<name>/dist/main.js. */
  pidOf(name: ServiceName): number | undefined {
    const children = read(`/proc/${this.child.pid}/task/${this.child.pid}/children`).trim().split(/\s+/).filter(Boolean);
    const entry = path.join("services", name, "dist", "main.js");
    return children.map(Number).find((pid) => read(`/proc/${pid}/cmdline`).includes(entry));
  }

  /** Every process on this machine started for this lectra up, itself excluded: none once it has exited. */
  leftovers(): number[] {
    const marker = `LECTRA_DATA_DIR=${this.dataDir}\0`;
    return fs
      .readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d) && Number(d) !== this.child.pid)
      .map(Number)
      .filter((pid) => read(`/proc/${pid}/environ`).includes(marker));
  }

  /** Addresses something still listens on. */
  async portsInUse(): Promise<string[]> {
    const used = await Promise.all(Object.values(this.addresses).map(async (a) => ((await listenable(a)) ? undefined : a)));
    return used.filter((a): a is string => a !== undefined);
  }

  /** Asserts that lectra up has exited and left nothing: no process, no port. */
  async assertNothingLeft(): Promise<void> {
    await eventually("every process lectra up started exiting", async () => this.leftovers().length === 0, 30_000);
    assert.deepEqual(await this.portsInUse(), [], "every port is free again");
  }
}

interface UpSettings {
  addresses: Record<ServiceName, string>;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

/** The six services on free ports, the offline engines, and a data dir of their own. */
async function settings(extraEnv: NodeJS.ProcessEnv = {}): Promise<UpSettings> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-up-"));
  const addresses = {} as Record<ServiceName, string>;
  for (const name of SERVICES) addresses[name] = `127.0.0.1:${await freePort()}`;
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(SERVICES.map((name) => [addressEnv(name), addresses[name]])),
    LECTRA_DATA_DIR: dataDir,
    LECTRA_CACHE_MAX_MB: "0",
    LECTRA_TTS_ENGINE: "espeak",
    LECTRA_IMAGES_ENGINES: "icons",
    OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`,
    LECTRA_LOG_LEVEL: "warn",
    LECTRA_SHUTDOWN_GRACE_MS: "3000",
    ...extraEnv,
  };
  return { addresses, dataDir, env };
}

const lectraUp = async (extraEnv: NodeJS.ProcessEnv = {}) => new LectraUp(await settings(extraEnv));

describe("lectra up keeps its services running", () => {
  let up: LectraUp;
  let client: LectraClient;
  before(async () => {
    up = await lectraUp();
    await up.printed(/LECTRA is up/);
    client = lectraClient(up.addresses.orchestrator);
  });
  after(() => client?.downstream.close());

  // Each worker is killed when the job starts its first stage that calls it.
  const cases: Array<[ServiceName, Stage]> = [
    ["llm", Stage.STAGE_OUTLINE],
    ["images", Stage.STAGE_IMAGE],
    ["slides", Stage.STAGE_FRAME],
    ["speech", Stage.STAGE_SPEECH],
    ["video", Stage.STAGE_CLIP],
  ];
  for (const [service, stage] of cases) {
    it(`${service} killed with SIGKILL while a job needs it: lectra up starts it again, and the job succeeds`, async (t) => {
      // Whatever an earlier test left restarting is back first.
      const serving = async () => (await Promise.all(SERVICES.map((s) => checkHealth(up.addresses[s])))).every((h) => h === "SERVING");
      await eventually("every service SERVING", serving, 60_000);
      const before = up.pidOf(service);
      assert.ok(before, `lectra up runs ${service}`);
      let killedAt = 0;
      const r = await run(client, { source: { $case: "script", value: script(2, 2, `Without ${service} for a while`) } }, (e) => {
        const k = e.kind;
        if (!killedAt && k?.$case === "stage" && k.value.stage === stage && k.value.status === StageStatus.STAGE_STATUS_STARTED) {
          killedAt = performance.now();
          process.kill(before, "SIGKILL");
        }
      });
      const tookS = ((performance.now() - killedAt) / 1000).toFixed(1);
      t.diagnostic(`the job ended ${tookS} s after ${service} was killed`);
      assert.ok(killedAt > 0, `the job reached the stage that calls ${service}`);
      assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message ?? r.error?.message);
      const names = r.job!.artifacts.map((a) => a.name);
      for (const file of ["deck.pptx", "lecture.mp4", "captions.vtt", "narration.wav"]) assert.ok(names.includes(file), `${file} in ${names}`);
      // Not the optional way out: every slide got its picture, from the service started again.
      assert.equal(r.job!.credits.length, 2, `pictures: ${JSON.stringify(r.job!.credits)}; warnings: ${r.job!.warnings}`);

      const address = up.addresses[service].replace(/\./g, "\\.");
      await up.printed(new RegExp(`lectra: ${service} \\(${address}\\) was killed by SIGKILL; starting it again in 0\\.5 s \\(restart 1\\)`));
      await up.printed(new RegExp(`lectra: ${service} is serving again on ${address} \\(restart 1\\)`));
      const after = up.pidOf(service);
      assert.ok(after && after !== before, `a new ${service} process (${before} → ${after})`);
      assert.equal(await checkHealth(up.addresses[service]), "SERVING");
    });
  }

  it("a service that cannot be brought back: lectra up gives up, stops the others (restarted ones too) and exits 1 naming it", async () => {
    // The orchestrator: the one service not killed above, so its delays start from the first.
    const service: ServiceName = "orchestrator";
    process.kill(up.pidOf(service)!, "SIGKILL");
    // Its port taken the moment it is free, before the supervisor's first restart (0.5 s later).
    const holder = await takePort(up.addresses[service], 400);
    try {
      const { code } = await up.ended();
      assert.equal(code, 1, up.output);
      const address = up.addresses[service].replace(/\./g, "\\.");
      assert.match(up.output, new RegExp(`lectra: ${service} \\(${address}\\) was killed by SIGKILL; starting it again in 0\\.5 s \\(restart 1\\)`));
      for (const [delay, attempt] of [["1.0", 2], ["2.0", 3], ["4.0", 4]]) {
        const failed = `lectra: ${service} did not start again: ${service} exited \\(code 1\\) before it was serving`;
        assert.match(up.output, new RegExp(`${failed}; starting it again in ${delay} s \\(restart 1, try ${attempt} of 4\\)`));
      }
      assert.match(up.output, new RegExp(`lectra: ${service} could not be started again on ${address} \\(4 tries\\): ${service} exited \\(code 1\\) before it was serving\\. Stopped the other services`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await up.assertNothingLeft();
  });
});

describe("lectra up stopped", () => {
  it("SIGTERM stops every service and frees every port", async () => {
    const up = await lectraUp();
    await up.printed(/LECTRA is up/);
    up.child.kill("SIGTERM");
    const { code, signal } = await up.ended();
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, up.output);
    assert.match(up.output, /SIGTERM: stopping the services…/);
    assert.match(up.output, /^stopped\.$/m);
    await up.assertNothingLeft();
  });

  it("SIGTERM while the services start: every one started so far is stopped", async () => {
    const up = await lectraUp();
    await eventually("lectra up starting services", async () => SERVICES.filter((s) => up.pidOf(s)).length >= 3, 30_000);
    up.child.kill("SIGTERM");
    const { code } = await up.ended();
    assert.equal(code, 0, up.output);
    assert.match(up.output, /SIGTERM: stopping the services…/);
    assert.doesNotMatch(up.output, /LECTRA is up/);
    await up.assertNothingLeft();
  });
});

describe("lectra up that cannot start", () => {
  it("one port already taken: exits 1 naming the service and the port, and starts nothing", async () => {
    const taken = await settings();
    // Taken before lectra up starts: as by another program, or a LECTRA already running.
    const holder = await takePort(taken.addresses.speech);
    const up = new LectraUp(taken);
    try {
      const { code } = await up.ended();
      assert.equal(code, 1, up.output);
      assert.match(up.output, new RegExp(`lectra: cannot start speech: ${up.addresses.speech.replace(/\./g, "\\.")} is already in use\\. .*LECTRA_SPEECH_ADDR`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await up.assertNothingLeft();
  });

  it("one service failing at start-up: the others are stopped, and lectra up exits 1 naming it", async () => {
    // An unknown voice stops the speech service at start-up (README: LECTRA_VOICE).
    const up = await lectraUp({ LECTRA_VOICE: "xx-no-such-voice" });
    const { code } = await up.ended();
    assert.equal(code, 1, up.output);
    assert.match(up.output, new RegExp(`lectra: cannot start speech on ${up.addresses.speech.replace(/\./g, "\\.")}: speech exited \\(code 1\\) before it was serving`));
    assert.match(up.output, /LECTRA_VOICE="xx-no-such-voice"/, "the service's own reason is shown too");
    assert.doesNotMatch(up.output, /LECTRA is up/);
    await up.assertNothingLeft();
  });
});

function read(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * Another program listening on `address`, as soon as it can (within
 * `timeoutMs`). It drops whatever connects (health checks, a reconnecting
 * channel), so that close() does not wait on connections whose other end is
 * gone but that nobody reads to find out.
 */
async function takePort(address: string, timeoutMs = 5_000): Promise<net.Server> {
  const [host, port] = address.split(":");
  const holder = net.createServer((socket) => socket.destroy());
  const listen = () =>
    new Promise<boolean>((resolve) => {
      holder.once("error", () => resolve(false));
      holder.listen(Number(port), host, () => resolve(true));
    });
  await eventually(`listening on ${address}`, listen, timeoutMs);
  return holder;
}

/** Whether host:port can be listened on now. */
function listenable(address: string): Promise<boolean> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(Number(port), host, () => server.close(() => resolve(true)));
  });
}
