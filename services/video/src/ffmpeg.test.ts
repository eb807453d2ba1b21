import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Logger } from "@lectra/service-kit";
import { encoderCandidates, findFfmpeg, frameRateOption, parseEncoders, versionName } from "./ffmpeg";

const NPM_FFMPEG_4_1 = `ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers
built with gcc 6.3.0 (Debian 6.3.0-18+deb9u1) 20170516
libavutil      56. 24.101 / 56. 24.101
libavcodec     58. 42.100 / 58. 42.100
`;
const DEBIAN_5_1 = `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers
libavutil      57. 28.100 / 57. 28.100
`;
const GIT_5_0 = `ffmpeg version N-105000-gabcdef Copyright (c) 2000-2022 the FFmpeg developers
libavutil      57. 17.100 / 57. 17.100
`;
const ENCODERS = `Encoders:
 V..... = Video
 A..... = Audio
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)
`;

test("the frame-rate option follows the version: -vsync before 5.1, -fps_mode from 5.1", () => {
  assert.equal(frameRateOption(NPM_FFMPEG_4_1), "-vsync");
  assert.equal(frameRateOption(GIT_5_0), "-vsync");
  assert.equal(frameRateOption(DEBIAN_5_1), "-fps_mode");
  assert.equal(frameRateOption("ffmpeg version 7.1.1 Copyright"), "-fps_mode");
  assert.equal(frameRateOption("ffmpeg version n4.4.2 Copyright"), "-vsync");
  assert.equal(frameRateOption("something else"), "-vsync");
  assert.equal(versionName(DEBIAN_5_1), "5.1.9-0+deb12u1");
});

test("encoder names are read from ffmpeg -encoders, without the legend", () => {
  assert.deepEqual([...parseEncoders(ENCODERS)], ["libx264", "h264_nvenc", "aac"]);
});

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;

/** A stand-in ffmpeg on PATH that answers -version and -encoders like a real one. */
/** A script answering like ffmpeg; a trial NVENC encode fails as it does with no GPU, unless `gpu`. */
async function fakeFfmpeg(folder: string, version: string, encoders: string, gpu = false) {
  await fs.mkdir(folder, { recursive: true });
  const file = path.join(folder, "ffmpeg");
  const nvenc = gpu ? "exit 0" : `echo "No capable devices found" >&2; exit 1`;
  await fs.writeFile(file, `#!/bin/sh\ncase "$*" in *h264_nvenc*) ${nvenc};; esac\ncase "$2" in\n  -version) cat <<'EOF'\n${version}EOF\n;;\n  -encoders) cat <<'EOF'\n${encoders}EOF\n;;\nesac\n`);
  await fs.chmod(file, 0o755);
  return file;
}

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "lectra-video-test-"));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test("an ffmpeg on PATH comes before the npm one, and its version picks the option", async () => {
  const file = await fakeFfmpeg(path.join(dir, "new"), DEBIAN_5_1, ENCODERS);
  const found = await findFfmpeg(quiet, { PATH: path.dirname(file) });
  assert.equal(found.path, file);
  assert.equal(found.source, "PATH");
  assert.equal(found.frameRateOption, "-fps_mode");
  assert.equal(found.encoder.name, "libx264");
});

test("an ffmpeg on PATH without libx264 is passed over for the npm binary", async () => {
  const file = await fakeFfmpeg(path.join(dir, "nox264"), DEBIAN_5_1, " A....D aac   AAC\n");
  const found = await findFfmpeg(quiet, { PATH: path.dirname(file) });
  assert.equal(found.source, "@ffmpeg-installer/ffmpeg");
  assert.equal(found.frameRateOption, "-vsync");
  assert.equal(found.encoder.name, "libx264");
});

test("LECTRA_FFMPEG_PATH is used alone: when it does not work, start-up fails saying so", async () => {
  await assert.rejects(findFfmpeg(quiet, { PATH: "", LECTRA_FFMPEG_PATH: path.join(dir, "missing", "ffmpeg") }), /no usable ffmpeg.*LECTRA_FFMPEG_PATH/);
});

test("NVENC is used when a trial frame encodes (a GPU answered), libx264 when it does not", async () => {
  const withGpu = await fakeFfmpeg(path.join(dir, "gpu"), DEBIAN_5_1, ENCODERS, true);
  assert.equal((await findFfmpeg(quiet, { PATH: path.dirname(withGpu) })).encoder.name, "h264_nvenc");
  assert.equal((await findFfmpeg(quiet, { PATH: path.dirname(withGpu), LECTRA_VIDEO_ENCODER: "libx264" })).encoder.name, "libx264");
  const noGpu = await fakeFfmpeg(path.join(dir, "nogpu"), DEBIAN_5_1, ENCODERS, false);
  assert.equal((await findFfmpeg(quiet, { PATH: path.dirname(noGpu) })).encoder.name, "libx264");
});

test("NVENC comes first when this ffmpeg has it; a forced encoder is the only one tried", () => {
  const both = new Set(["libx264", "h264_nvenc", "aac"]);
  assert.deepEqual(encoderCandidates(both).map((e) => e.name), ["h264_nvenc", "libx264"]);
  assert.deepEqual(encoderCandidates(new Set(["libx264"])).map((e) => e.name), ["libx264"]);
  assert.deepEqual(encoderCandidates(both, "libx264").map((e) => e.name), ["libx264"]);
  assert.deepEqual(encoderCandidates(new Set(["libx264"]), "h264_nvenc"), []);
});

test("asking for NVENC where ffmpeg has none fails start-up, saying so", async () => {
  await assert.rejects(findFfmpeg(quiet, { ...process.env, LECTRA_VIDEO_ENCODER: "h264_nvenc", PATH: "/nonexistent" }), /none of the encoders h264_nvenc working/);
  await assert.rejects(findFfmpeg(quiet, { ...process.env, LECTRA_VIDEO_ENCODER: "vp9" }), /LECTRA_VIDEO_ENCODER=vp9: expected auto, h264_nvenc or libx264/);
});
