// x264 on the CPU. Slides are stills, so:
// - tune=stillimage spends bits on sharp text edges rather than on motion;
// - no B-frames: nothing moves between slides, and with one frame per slide
//   (variable frame rate) B-frames only delay decoding: x264's reorder delay is
//   counted in frames, which here are seconds long, and it stretched the video track;
// - CRF 20 keeps text crisp at a size a slide video can afford;
// - preset "veryfast": at a constant rate every repeat is encoded, and it halves
//   the time against "medium" (5 minutes at 30 fps: 37 s instead of 72 s here) at
//   about the same size. With one frame per slide the few frames still took a
//   tenth of a clip's CPU at "medium" (trellis quantisation, three reference
//   frames' buffers): a 30 s clip 0.43 -> 0.39 s with the npm ffmpeg 4.1 and
//   0.51 -> 0.48 s with Debian's 5.1, for a first frame 7% smaller at "medium"
//   and as sharp to the eye (SSIM against the slide 0.9995 at "medium", 0.9992 here).
import type { VideoEncoder } from "./engine";

export const libx264: VideoEncoder = {
  name: "libx264",
  outputOptions: () => [
    "-c:v", "libx264",
    "-preset", "veryfast",
    "-tune", "stillimage",
    "-crf", "20",
    "-bf", "0",
    "-profile:v", "high",
  ],
};
