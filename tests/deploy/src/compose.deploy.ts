// The images as an operator runs them: deploy/compose.yaml started without
// Jaeger and Ollama, speech and slides scaled to two replicas each, a lecture
// generated with the CLI through the one published port, then checked like
// the end-to-end test checks it; both replicas of speech and of slides must
// have served calls, and every service must stop cleanly on SIGTERM.
//
// Not in `npm test`: `npm run test:deploy` builds the images first
// (deploy/build-images.sh) and then runs this. It needs Docker and fails,
// never skips, without it.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { narrationParts, parseScript } from "@lectra/lecture";
import { checkHealth, waitUntilServing } from "@lectra/clients";
import { callsServed, checkCaptions, checkDeck, checkVideo, eventually, freePort, makeTestPki, type TestPki } from "@lectra/testing";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PROJECT = "lectra-deploy-test";
const LECTRA = ["orchestrator", "llm", "images", "slides", "speech", "video"];
const SCALED = { speech: 2, slides: 2 };
/**
 * Image size budgets, in MB as `docker images` counts them. Slides carries the
 * regular and bold faces of the Noto families for ten writing systems (46 MB,
 * most of it Chinese, Japanese and Korean).
 */
const BUDGET_MB: Record<string, number> = { orchestrator: 300, llm: 300, images: 300, slides: 330, speech: 300, video: 450 };
const EXAMPLE = path.join(ROOT, "examples", "photosynthesis.md");

/** `docker compose` where the CLI has it, else Debian's docker-compose; LECTRA_COMPOSE chooses. */
function composeCommand(): string[] {
  if (process.env.LECTRA_COMPOSE) return process.env.LECTRA_COMPOSE.split(" ");
  return spawnSync("docker", ["compose", "version"]).status === 0 ? ["docker", "compose"] : ["docker-compose"];
}

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

describe("the compose deployment, built and run", { timeout: 15 * 60_000 }, () => {
  const [composeBin, ...composeArgs] = composeCommand();
  let env: NodeJS.ProcessEnv;
  let port: number;
  let out: string;
  let generate: ReturnType<typeof spawnSync>;

  const compose = (...args: string[]) => {
    const r = spawnSync(composeBin, [...composeArgs, "-f", path.join(ROOT, "deploy", "compose.yaml"), "-p", PROJECT, ...args], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${composeBin} ${args.join(" ")} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const containers = (service: string) =>
    docker("ps", "-aq", "--filter", `label=com.docker.compose.project=${PROJECT}`, "--filter", `label=com.docker.compose.service=${service}`)
      .split("\n")
      .filter(Boolean);
  /** How many calls to `method` each container of `service` served. */
  const servedPerReplica = (service: string, method: string) =>
    containers(service).map((id) => {
      const r = spawnSync("docker", ["logs", id], { encoding: "utf8" });
      return callsServed(`${r.stdout}${r.stderr}`, method);
    });

  before(async () => {
    const info = spawnSync("docker", ["info"], { encoding: "utf8" });
    if (info.status !== 0) throw new Error(`Docker is needed for the deployment tests, and \`docker info\` failed:\n${info.stderr}`);
    for (const service of LECTRA) {
      const r = spawnSync("docker", ["image", "inspect", `lectra/${service}:latest`]);
      if (r.status !== 0) throw new Error(`image lectra/${service}:latest is missing: run deploy/build-images.sh (npm run test:deploy does)`);
    }
    port = await freePort();
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-deploy-"));
    env = { ...process.env, LECTRA_PORT: String(port), LECTRA_LOG_LEVEL: "debug" };
    compose("down", "-v", "--remove-orphans");
    const scale = Object.entries(SCALED).flatMap(([service, n]) => ["--scale", `${service}=${n}`]);
    // Without Jaeger: the services must not need it, and its image may not be at hand.
    compose("up", "-d", ...scale, ...LECTRA);
    await waitUntilServing(`127.0.0.1:${port}`, { timeoutMs: 120_000 });
    generate = spawnSync(
      process.execPath,
      [path.join(ROOT, "cli", "dist", "main.js"), "generate", "--script", EXAMPLE, "--out", out, "--orchestrator", `127.0.0.1:${port}`],
      { encoding: "utf8", timeout: 10 * 60_000 },
    );
  });

  after(() => {
    try {
      if (process.exitCode) process.stderr.write(compose("logs", "--tail", "40"));
      compose("down", "-v", "--remove-orphans");
    } finally {
      if (out) fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("every image is within its size budget and runs as a non-root user", () => {
    for (const service of LECTRA) {
      const [size, user] = docker("image", "inspect", "-f", "{{.Size}} {{.Config.User}}", `lectra/${service}:latest`).split(" ");
      assert.ok(Number(size) / 1e6 <= BUDGET_MB[service], `lectra/${service} is ${(Number(size) / 1e6).toFixed(0)} MB; the budget is ${BUDGET_MB[service]} MB`);
      assert.match(user, /^[1-9]\d*(:\d+)?$/, `lectra/${service} runs as ${user || "root"}`);
    }
  });

  it("every container is up and healthy, speech and slides twice", async () => {
    for (const service of LECTRA) {
      const ids = containers(service);
      assert.equal(ids.length, SCALED[service as keyof typeof SCALED] ?? 1, `${service} containers`);
      // The image's HEALTHCHECK runs every 10 s; nothing waited for the orchestrator's yet.
      for (const id of ids) {
        await eventually(`${service} ${id} healthy`, async () => docker("inspect", "-f", "{{.State.Health.Status}}", id) === "healthy", 60_000);
      }
    }
  });

  it("the CLI generates a lecture through the published port", () => {
    assert.equal(generate.status, 0, `lectra generate exited ${generate.status}:\n${generate.stdout}${generate.stderr}`);
    for (const file of ["deck.pptx", "lecture.mp4", "lecture.md", "captions.vtt", "captions.srt", "narration.wav", "timings.json", "job.json"]) {
      assert.ok(fs.existsSync(path.join(out, file)), `${file} downloaded`);
    }
  });

  const script = parseScript(fs.readFileSync(EXAMPLE, "utf8"));
  it("the deck has one slide per script slide, with the narration as speaker notes", () => checkDeck(out, script));
  it("the video lasts as long as the narration, with a chapter per slide", () => checkVideo(out, script));
  it("captions cover the narration, in order and inside the audio", () => checkCaptions(out, script));

  it("both speech replicas synthesised slides, and both slides replicas rendered frames", () => {
    const speech = servedPerReplica("speech", "Synthesize");
    assert.ok(speech.every((n) => n > 0), `Synthesize calls per speech replica: ${speech.join(", ")}`);
    // A call per part of each slide's narration (spoken side by side, then joined).
    const parts = script.slides.reduce((n, slide) => n + narrationParts(slide.narration, script.language || "en", true).length, 0);
    assert.equal(speech[0] + speech[1], parts);
    const slides = servedPerReplica("slides", "RenderFrames");
    assert.ok(slides.every((n) => n > 0), `RenderFrames calls per slides replica: ${slides.join(", ")}`);
  });

  it("every service stops on SIGTERM with exit code 0", () => {
    compose("stop");
    for (const service of LECTRA) {
      for (const id of containers(service)) assert.equal(docker("inspect", "-f", "{{.State.ExitCode}}", id), "0", `${service} ${id} exit code`);
    }
  });
});

// deploy/compose.secure.yaml on top: certificates made for the test, the
// services' names in them; a caller outside with the CA and a token.
describe("the compose deployment, secured (compose.secure.yaml)", { timeout: 10 * 60_000 }, () => {
  const [composeBin, ...composeArgs] = composeCommand();
  const project = `${PROJECT}-secure`;
  const token = "deploy-test-token-3c9e1f0a5b7d2e48";
  let pki: TestPki;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let out: string;

  const compose = (...args: string[]) => {
    const files = ["compose.yaml", "compose.secure.yaml"].flatMap((f) => ["-f", path.join(ROOT, "deploy", f)]);
    const r = spawnSync(composeBin, [...composeArgs, ...files, "-p", project, ...args], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${composeBin} ${args.join(" ")} failed (${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const lectra = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, "cli", "dist", "main.js"), "--orchestrator", `127.0.0.1:${port}`, ...args], {
      encoding: "utf8",
      timeout: 10 * 60_000,
      env: { ...process.env, LECTRA_API_TOKEN: "", ...pki.callerEnv(), ...extraEnv },
    });

  before(async () => {
    pki = makeTestPki({ names: LECTRA });
    // The layout compose.secure.yaml mounts, readable by the services' UID 10001 (test keys only).
    const tls = path.join(pki.dir, "tls");
    fs.mkdirSync(tls);
    for (const [from, to] of [[pki.caFile, "ca.crt"], [pki.certFile, "tls.crt"], [pki.keyFile, "tls.key"]]) fs.copyFileSync(from, path.join(tls, to));
    const tokens = path.join(pki.dir, "tokens");
    fs.writeFileSync(tokens, `# the deployment test's\n${token}\n`);
    for (const f of [pki.dir, tls, ...fs.readdirSync(tls).map((f) => path.join(tls, f)), tokens]) fs.chmodSync(f, fs.statSync(f).isDirectory() ? 0o755 : 0o644);
    port = await freePort();
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-deploy-secure-"));
    env = { ...process.env, LECTRA_PORT: String(port), LECTRA_TLS_DIR: tls, LECTRA_TOKENS_FILE: tokens };
    compose("down", "-v", "--remove-orphans");
    compose("up", "-d", ...LECTRA);
    await waitUntilServing(`127.0.0.1:${port}`, { timeoutMs: 120_000, env: pki.callerEnv() });
  });

  after(() => {
    try {
      if (process.exitCode) process.stderr.write(compose("logs", "--tail", "40"));
      compose("down", "-v", "--remove-orphans");
    } finally {
      pki?.remove();
      if (out) fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("every container turns healthy: the images' health check asks over mutual TLS", async () => {
    for (const service of LECTRA) {
      const id = docker("ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`, "--filter", `label=com.docker.compose.service=${service}`);
      await eventually(`${service} healthy`, async () => docker("inspect", "-f", "{{.State.Health.Status}}", id) === "healthy", 60_000);
    }
  });

  it("the published port speaks TLS only", async () => {
    assert.equal(await checkHealth(`127.0.0.1:${port}`, 3000, {}), "UNREACHABLE");
    assert.equal(await checkHealth(`127.0.0.1:${port}`, 3000, pki.callerEnv()), "SERVING");
  });

  it("without a token the CLI gets UNAUTHENTICATED, saying how to pass one", () => {
    const r = lectra({}, "jobs");
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /UNAUTHENTICATED: this API needs a token: .*lectra --token <token>/);
  });

  it("with the CA and the token the CLI generates a lecture, every service calling the next over mutual TLS", () => {
    const r = lectra({}, "--token", token, "generate", "--script", EXAMPLE, "--out", out);
    assert.equal(r.status, 0, `lectra generate exited ${r.status}:\n${r.stdout}${r.stderr}`);
    checkVideo(out, parseScript(fs.readFileSync(EXAMPLE, "utf8")));
  });
});
