// Shows a job's events as they come: progress bars on a terminal, one line per
// event otherwise (CI logs, pipes).
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import { Stage, StageStatus, stageToJSON, type JobEvent } from "@lectra/proto";

const PER_SLIDE = [Stage.STAGE_CONTENT, Stage.STAGE_IMAGE, Stage.STAGE_TAGS, Stage.STAGE_SPEECH, Stage.STAGE_FRAME, Stage.STAGE_CLIP];
const ORDER = [Stage.STAGE_OUTLINE, ...PER_SLIDE, Stage.STAGE_DECK, Stage.STAGE_CAPTIONS, Stage.STAGE_VIDEO];
const label = (stage: Stage) => stageToJSON(stage).replace(/^STAGE_/, "").toLowerCase();

export interface ProgressView {
  onEvent(event: JobEvent): void;
  /** A line for the person watching, between the progress (e.g. where to watch the lecture). */
  note(line: string): void;
  stop(): void;
}

export function progressView(tty = Boolean(process.stderr.isTTY)): ProgressView {
  return tty ? new Bars() : new Lines();
}

class Bars implements ProgressView {
  private readonly multi = new MultiBar(
    { format: " {stage} {bar} {value}/{total} {detail}", barsize: 30, hideCursor: true, clearOnComplete: false, stream: process.stderr },
    Presets.shades_grey,
  );
  private readonly bars = new Map<Stage, SingleBar>();
  private overall: SingleBar | undefined;
  private pull: SingleBar | undefined;

  onEvent(event: JobEvent) {
    const kind = event.kind;
    if (!kind) return;
    if (kind.$case === "started") {
      const job = kind.value;
      this.overall = this.multi.create(100, 0, { stage: "overall ".padEnd(9), detail: job.title });
      for (const stage of ORDER) {
        if (job.skipVideo && (stage === Stage.STAGE_FRAME || stage === Stage.STAGE_CLIP || stage === Stage.STAGE_VIDEO)) continue;
        if (job.constantFrameRate && stage === Stage.STAGE_CLIP) continue;
        const total = PER_SLIDE.includes(stage) ? job.slideCount : 1;
        this.bars.set(stage, this.multi.create(total, 0, { stage: label(stage).padEnd(9), detail: "" }));
      }
    } else if (kind.$case === "stage") {
      const u = kind.value;
      const bar = this.bars.get(u.stage);
      if (u.stage === Stage.STAGE_OUTLINE && u.status === StageStatus.STAGE_STATUS_FINISHED) {
        const slides = Number(/^(\d+) slides/.exec(u.detail)?.[1]);
        if (slides) for (const s of PER_SLIDE) this.bars.get(s)?.setTotal(slides);
      }
      if (u.status === StageStatus.STAGE_STATUS_FINISHED) bar?.increment(1, { detail: u.detail.slice(0, 40) });
      if (u.status === StageStatus.STAGE_STATUS_FAILED) bar?.update({ detail: "FAILED" });
      if (u.status === StageStatus.STAGE_STATUS_CANCELLED) bar?.update({ detail: "cancelled" });
    } else if (kind.$case === "warning") {
      this.multi.log(`warning: ${kind.value}\n`);
    } else if (kind.$case === "playable") {
      this.multi.log(`${playableSlides(kind.value.slides)}\n`);
    } else if (kind.$case === "queued") {
      this.overall?.update({ detail: `waiting for a slot: ${inLine(kind.value.position)}` });
    } else if (kind.$case === "modelPull") {
      const { model, status, completedBytes, totalBytes } = kind.value;
      this.pull ??= this.multi.create(100, 0, { stage: "model".padEnd(9), detail: "" });
      this.pull.update(totalBytes > 0 ? Math.floor((completedBytes / totalBytes) * 100) : 0, { detail: `${model}: ${status}` });
    }
    this.overall?.update(Math.round(event.progress * 100));
  }

  note(line: string) {
    this.multi.log(`${line}\n`);
  }

  stop() {
    this.multi.stop();
  }
}

class Lines implements ProgressView {
  /** A model download reports several times a second; a log gets a line per status and per tenth of it. */
  private lastPull = "";

  onEvent(event: JobEvent) {
    const kind = event.kind;
    if (!kind) return;
    const pct = `${Math.round(event.progress * 100)}%`.padStart(4);
    switch (kind.$case) {
      case "started":
        return log(`${pct} job ${kind.value.id} started: ${kind.value.title || kind.value.topic} (${kind.value.slideCount} slides)`);
      case "stage": {
        const u = kind.value;
        if (u.status === StageStatus.STAGE_STATUS_STARTED) return;
        const slide = u.slideIndex === undefined ? "" : ` slide ${u.slideIndex + 1}`;
        const status = { [StageStatus.STAGE_STATUS_FINISHED]: "done", [StageStatus.STAGE_STATUS_FAILED]: "FAILED" }[u.status as number] ?? "cancelled";
        return log(`${pct} ${label(u.stage)}${slide} ${status} in ${u.seconds.toFixed(2)} s${u.detail ? ` (${u.detail})` : ""}`);
      }
      case "warning":
        return log(`${pct} warning: ${kind.value}`);
      case "queued":
        return log(`${pct} waiting for a slot: ${inLine(kind.value.position)} (${kind.value.running} of ${kind.value.maxRunning} running)`);
      case "artifact":
        return log(`${pct} ready: ${kind.value.name}`);
      case "playable":
        return log(`${pct} ${playableSlides(kind.value.slides)} (${kind.value.seconds.toFixed(1)} s)`);
      case "modelPull": {
        const { model, status, completedBytes, totalBytes } = kind.value;
        const share = totalBytes > 0 ? Math.floor((completedBytes / totalBytes) * 100) : undefined;
        const step = `${model} ${status} ${share === undefined ? "" : Math.floor(share / 10)}`;
        if (step === this.lastPull) return;
        this.lastPull = step;
        return log(`${pct} model ${model}: ${status}${share === undefined ? "" : ` ${share}%`}`);
      }
      case "finished":
        return;
    }
  }

  note(line: string) {
    log(line);
  }

  stop() {}
}

/** "slide 1 playable", "slides 1–3 playable". */
function playableSlides(slides: number): string {
  return slides === 1 ? "slide 1 playable" : `slides 1–${slides} playable`;
}

/** "next in line", "2nd in line", … */
function inLine(position: number): string {
  if (position <= 1) return "next in line";
  const suffix = position % 10 === 2 && position % 100 !== 12 ? "nd" : position % 10 === 3 && position % 100 !== 13 ? "rd" : position % 10 === 1 && position % 100 !== 11 ? "st" : "th";
  return `${position}${suffix} in line`;
}

function log(line: string) {
  process.stderr.write(line + "\n");
}
