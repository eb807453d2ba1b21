// The lecture pipeline, declared once: every step, what it needs and the call
// it makes. After the outline, every slide flows through its own chain as soon
// as its inputs exist —
//
//   image ─────────────┐
//   content ─┬──────── frame ─┬─ clip (the slide's video, encoded on its own) ─ segment (of the playlist)
//            └─ tags → speech ┘
//
// — and only the script (lecture.md: all slides' content), the deck (their
// content and pictures), the narration and captions (all speech) and the video
// (all clips, joined without encoding, with the captions) wait for every slide. No step waits for anything its data does not need.
// The outline chooses each slide's picture (its image query) with its title, so the
// picture is searched for while the slide is written, off the critical path.
// With a topic, the model's answers are read as they are written (LECTRA_STREAMING):
// a slide and its picture search start when the outline names the slide, and its
// narration is tagged and spoken a part at a time (@lectra/lecture narration-parts.ts)
// while the model writes the rest: those steps *follow* the step before instead of
// needing it (graph.ts).
// Each slide's speech and clip carry its slidePriority, so that when the services
// are busy the earlier slides go first and the lecture can be watched from its start.
// docs/architecture.md shows how to add a stage here.
import { status } from "@grpc/grpc-js";
import { DependencyError } from "@lectra/clients";
import { Stage, type LectureSource, type Slide } from "@lectra/proto";
import { buildTimeline, encodeWav, narrationParts, pageTimes, parseSegments, partKey, slidePriority, writeScript, type NarrationPart } from "@lectra/lecture";
import type { LectureRequest } from "../request";
import { StageGraph } from "./graph";
import { completeOf, firstOf, memo } from "./growing";
import { joinSpoken, NARRATION_END, speakOneVoice } from "./spoken-parts";
import { pagesOn, prepareModel, streamToArtifact, timingsRecord } from "./outputs";
import { LivePlaylist } from "./playlist";
import { StageError } from "./stage";

const sourceOf = (request: LectureRequest): LectureSource => ({ source: request.source });
const slideLabel = (slide: number | undefined) => `slide ${slide! + 1}`;

/** A topic's outline and slides come streamed from the model (LECTRA_STREAMING); a script's are there at once. */
const streamsFromModel = (request: LectureRequest, streaming: boolean) => streaming && request.source.$case === "topic";

/** A part of a slide's narration with its tags. */
interface TaggedPart extends NarrationPart {
  tagged: string;
  engine: string;
  warnings: string[];
}

export const LECTURE_GRAPH = new StageGraph()
  .lecture("outline", {
    stage: Stage.STAGE_OUTLINE,
    async run(_, { request, clients, job, call, streaming, partial }) {
      if (request.source.$case === "topic") await prepareModel(job, clients.llm);
      const asked = { source: sourceOf(request), slideCount: request.slideCount, language: request.language };
      const outline = streamsFromModel(request, streaming)
        ? (await completeOf(clients.llm.streamOutline({ request: asked }, call), (part) => partial(part.outline!))).outline!
        : await clients.llm.outline(asked, call);
      outline.warnings.forEach((w) => job.warn("outline", w));
      if (outline.slideTitles.length === 0) {
        throw new StageError(Stage.STAGE_OUTLINE, undefined, status.INTERNAL, "stage.outline failed: the outline has no slides");
      }
      job.outlined(outline.title, outline.slideTitles.length);
      return outline;
    },
    describe: (o) => `${o.slideTitles.length} slides, by ${o.engine}`,
  })
  // A slide starts as soon as the outline names it.
  .slidesFrom("outline", (outline) => outline.slideTitles.length)

  .slide("content", {
    stage: Stage.STAGE_CONTENT,
    follows: ["outline"],
    async run({ outline }, { request, clients, job, slide, call, streaming, partial, ready }) {
      const index = slide!;
      let written: Slide | undefined;
      let warnings: string[];
      if (streamsFromModel(request, streaming)) {
        // The titles up to this slide's, as the streamed outline has them when
        // the slide starts: always the same request, however fast the model was.
        const known = await firstOf(outline, (o) => o.slideTitles.length > index);
        ready();
        const asked = {
          source: sourceOf(request),
          lectureTitle: known.title,
          slideTitles: known.slideTitles.slice(0, index + 1),
          imageQueries: known.imageQueries.slice(0, index + 1),
          slideIndex: index,
          slideCount: request.slideCount,
          language: request.language,
        };
        const last = await completeOf(clients.llm.streamSlide({ request: asked }, call), (part) => partial({ ...part.slide!, index }));
        written = last.slide;
        warnings = last.warnings;
      } else {
        const whole = await outline.whole;
        ready();
        const asked = {
          source: sourceOf(request),
          lectureTitle: whole.title,
          slideTitles: whole.slideTitles,
          imageQueries: whole.imageQueries,
          slideIndex: index,
          slideCount: 0,
          language: request.language,
        };
        ({ slide: written, warnings } = await clients.llm.writeSlide(asked, call));
      }
      warnings.forEach((w) => job.warn(slideLabel(slide), w));
      if (!written?.narration.trim()) throw new Error("the slide came back without narration");
      return { ...written, index };
    },
  })

  // The lecture as a script (lecture.md), the moment every slide is written, so
  // that a job failing later still leaves it. Given back as the script, it makes
  // the same requests again: every stage from the caches, no model call.
  .lecture("script", {
    needs: ["outline", "content"],
    async run({ outline, content }, { request, job }) {
      await job.saveArtifact("script", Buffer.from(writeScript({ title: outline.title, language: request.language, slides: content })));
    },
  })

  // The picture is searched for as soon as the outline names the slide and its
  // image query, while the model writes the slide.
  .slide("image", {
    stage: Stage.STAGE_IMAGE,
    follows: ["outline"],
    async run({ outline }, { clients, job, slide, call, ready }) {
      const known = await firstOf(outline, (o) => o.slideTitles.length > slide!);
      ready();
      // The outline's choice alone: its image query, or without one its title. Not
      // both, so that the lecture made again from its lecture.md (a script whose
      // headings are the slides' titles as written, which the model may have
      // reworded, and whose Image: lines are these queries) asks for the same
      // picture and finds it in the cache.
      const query = known.imageQueries[slide!]?.trim() ?? "";
      const asked = query ? { query, slideTitle: "" } : { query: "", slideTitle: known.slideTitles[slide!] };
      // A picture is optional: with the images service down, the slide goes without one.
      const found = await clients.images.findPicture(asked, call).catch((error: unknown) => {
        if (!(error instanceof DependencyError && error.code === status.UNAVAILABLE) || call.signal?.aborted) throw error;
        job.warn(slideLabel(slide), `no picture: ${error.message}`);
        return { picture: undefined, warnings: [] };
      });
      const { picture, warnings } = found;
      warnings.forEach((w) => job.warn(slideLabel(slide), w));
      if (picture) job.pictured(slide!, picture);
      return picture;
    },
    describe: (p) => (p ? `${p.engine}: ${p.title}` : "no picture"),
  })

  // The narration is tagged in parts (@lectra/lecture narration-parts.ts), each as soon as its
  // sentences are written, side by side.
  .slide("tags", {
    stage: Stage.STAGE_TAGS,
    follows: ["content"],
    inTurn: true,
    async run({ content }, { request, clients, job, slide, call, partial, ready }) {
      const tagged: TaggedPart[] = [];
      // Keyed by the whole request: a slide repaired after its first parts were
      // sent (other bullets, other sentences) has its parts tagged afresh.
      const tag = memo(
        (part: NarrationPart, written: Slide) => JSON.stringify([partKey(part), written.index, written.title, written.bullets]),
        async (part: NarrationPart, written: Slide) => {
          const asked = { slide: { ...written, narration: part.text, imageQuery: "" }, language: request.language, endsAt: NARRATION_END[part.endsAt] };
          const answer = await clients.llm.tagProsody(asked, call);
          tagged.push({ ...part, tagged: answer.taggedNarration, engine: answer.engine, warnings: answer.warnings });
          partial({ parts: [...tagged], engine: answer.engine });
          return tagged.at(-1)!;
        },
      );
      for await (const written of content) narrationParts(written.narration, request.language, false).forEach((part) => void tag(part, written).catch(() => {}));
      const written = await content.whole;
      ready();
      const parts = await Promise.all(narrationParts(written.narration, request.language, true).map((part) => tag(part, written)));
      parts.flatMap((p) => p.warnings).forEach((w) => job.warn(slideLabel(slide), w));
      return { parts, engine: [...new Set(parts.map((p) => p.engine))].join(", ") };
    },
    describe: (t) => `${t.parts.length} part${t.parts.length === 1 ? "" : "s"}, ${t.engine}`,
  })

  // Each part is spoken as soon as it is tagged, side by side; the slide's
  // speech is the parts joined. Parts that came back in different voices
  // (Edge failing halfway) are spoken again in one call, in one voice.
  .slide("speech", {
    stage: Stage.STAGE_SPEECH,
    follows: ["tags"],
    inTurn: true,
    async run({ tags }, { request, clients, job, slide, call, ready }) {
      const priority = slidePriority(slide!);
      const speak = memo(
        (part: TaggedPart) => part.tagged,
        (part: TaggedPart) => clients.speech.synthesize({ voice: request.voice, segments: parseSegments(part.tagged), priority }, call),
      );
      for await (const known of tags) known.parts.forEach((part) => void speak(part).catch(() => {}));
      const { parts } = await tags.whole;
      ready();
      let spoken = await Promise.all(parts.map(speak));
      if (!speakOneVoice(spoken)) {
        spoken = [await clients.speech.synthesize({ voice: request.voice, segments: parts.flatMap((p) => parseSegments(p.tagged)), priority }, call)];
      }
      const joined = joinSpoken(spoken);
      joined.warnings.forEach((w) => job.warn(slideLabel(slide), w));
      return joined;
    },
    describe: (c) => `${c.durationSeconds.toFixed(2)} s, ${c.engine} ${c.voice}`,
  })

  .slide("frame", {
    stage: Stage.STAGE_FRAME,
    needs: ["outline", "content", "image"],
    when: (o) => !o.skipVideo,
    async run({ outline, content, image }, { request, clients, job, slide, call }) {
      const slideTotal = outline.slideTitles.length;
      const drawn = await clients.slides.renderFrames(
        { lectureTitle: outline.title, slideTotal, slide: { slide: content, picture: image }, language: request.language, theme: request.theme },
        call,
      );
      drawn.warnings.forEach((w) => job.warn(slideLabel(slide), w));
      return drawn.frames;
    },
    describe: (f) => `${f.length} page${f.length === 1 ? "" : "s"}`,
  })

  // A constant frame rate cannot be kept across clips whose lengths are not
  // whole frames, so those videos are encoded in one piece at the end instead.
  .slide("clip", {
    stage: Stage.STAGE_CLIP,
    needs: ["frame", "speech"],
    when: (o) => !o.constantFrameRate,
    async run({ frame, speech }, { clients, slide, call }) {
      const times = pageTimes({ startSeconds: 0, endSeconds: speech.durationSeconds }, frame.map((f) => f.share));
      return clients.video.renderClip(
        {
          frames: frame.map((f, p) => ({ png: f.png, ...times[p] })),
          narration: speech.audio,
          constantFrameRate: false,
          framesPerSecond: 0,
          priority: slidePriority(slide!),
        },
        call,
      );
    },
    describe: (c) => `${c.durationSeconds.toFixed(2)} s, ${c.encoder}`,
  })

  // Watching while it is made: each clip, the moment it exists, becomes a
  // segment of lecture.m3u8, which lists the finished slides from the first
  // (pipeline/playlist.ts). Without clips (skip_video, constant_frame_rate)
  // there are no segments, and nothing is written.
  .lecture("playlist", {
    needs: ["outline"],
    async run({ outline }, { job }) {
      return new LivePlaylist(job, outline.slideTitles.length);
    },
  })
  .slide("segment", {
    needs: ["clip", "playlist"],
    async run({ clip, playlist }, { slide }) {
      await playlist.add(slide!, clip.clip, clip.durationSeconds);
    },
  })

  .lecture("deck", {
    stage: Stage.STAGE_DECK,
    needs: ["outline", "content", "image"],
    async run({ outline, content, image }, { request, clients, job, call }) {
      let pages = 0;
      const slides = content.map((slide, i) => ({ slide, picture: image[i] }));
      await streamToArtifact(job, "deck", clients.slides.buildDeck({ lectureTitle: outline.title, slides, language: request.language, theme: request.theme }, call), (part) => {
        pages ||= part.pageCount;
        part.warnings.forEach((w) => job.warn("deck", w));
      });
      return pages;
    },
    describe: (pages) => `${pages} pages`,
  })

  // The narration (every slide's speech, joined) gives the timeline for the captions and timings.
  .lecture("narration", {
    needs: ["content", "speech"],
    async run({ content, speech }, { job }) {
      const sampleRate = speech[0].audio!.sampleRate;
      if (speech.some((s) => s.audio?.sampleRate !== sampleRate)) {
        throw new StageError(Stage.STAGE_SPEECH, undefined, status.INTERNAL, "stage.speech: slides came back at different sample rates");
      }
      const timeline = buildTimeline(content.map((slide, i) => ({ title: slide.title, durationSeconds: speech[i].durationSeconds, segments: speech[i].segments })));
      const pcm = Buffer.concat(speech.map((s) => s.audio!.pcm));
      await job.saveArtifact("narration", encodeWav(pcm, sampleRate));
      return { timeline, pcm, sampleRate };
    },
  })

  .lecture("captions", {
    stage: Stage.STAGE_CAPTIONS,
    needs: ["narration"],
    async run({ narration }, { request, clients, job, call }) {
      const captions = await clients.video.writeCaptions({ segments: narration.timeline.segments, language: request.language }, call);
      await job.saveArtifact("vtt", Buffer.from(captions.vtt));
      await job.saveArtifact("srt", Buffer.from(captions.srt));
      return narration.timeline.segments.length;
    },
    describe: (n) => `${n} segments`,
  })

  .lecture("timings", {
    needs: ["outline", "narration"],
    uses: ["frame"],
    async run({ outline, narration, frame }, { job }) {
      const pages = pagesOn(narration.timeline, frame ?? []);
      await job.saveArtifact("timings", Buffer.from(JSON.stringify(timingsRecord(outline.title, narration.timeline, pages), null, 2) + "\n"));
    },
  })

  // The video is the slides' clips joined, no encoding left for the end, with
  // the captions as its subtitle track.
  .lecture("video", {
    stage: Stage.STAGE_VIDEO,
    needs: ["content", "clip", "narration"],
    async run({ content, clip, narration }, { request, clients, job, call }) {
      let seconds = 0;
      const clips = clip.map((c, i) => ({ clip: c.clip, durationSeconds: c.durationSeconds, title: content[i].title }));
      const assembly = { clips, captions: narration.timeline.segments, language: request.language };
      await streamToArtifact(job, "video", clients.video.assembleVideo(assembly, call), (part) => {
        seconds ||= part.durationSeconds;
      });
      return `${seconds.toFixed(2)} s from ${clips.length} clips`;
    },
    describe: (detail) => detail,
  })

  // At a constant frame rate: the whole lecture encoded in one piece.
  .lecture("constantRateVideo", {
    stage: Stage.STAGE_VIDEO,
    needs: ["narration", "frame"],
    when: (o) => o.constantFrameRate,
    async run({ narration, frame }, { request, clients, job, call }) {
      let encoder = "";
      const pages = pagesOn(narration.timeline, frame);
      const video = {
        frames: pages.map((p) => ({ png: frame[p.slideIndex].find((f) => f.page === p.page)!.png, startSeconds: p.startSeconds, endSeconds: p.endSeconds })),
        narration: { pcm: narration.pcm, sampleRate: narration.sampleRate },
        chapters: narration.timeline.slides.map((s) => ({ title: s.title, startSeconds: s.startSeconds, endSeconds: s.endSeconds })),
        constantFrameRate: true,
        framesPerSecond: 0,
        captions: narration.timeline.segments,
        language: request.language,
      };
      await streamToArtifact(job, "video", clients.video.renderVideo(video, call), (part) => {
        encoder ||= part.encoder;
      });
      return `${encoder}, constant frame rate`;
    },
    describe: (detail) => detail,
  });

export type LectureGraph = typeof LECTURE_GRAPH;
