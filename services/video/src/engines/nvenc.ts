// H.264 on an NVIDIA GPU (NVENC), chosen at start-up when ffmpeg offers it and a
// trial frame proves a GPU answers. Same idea as libx264's settings: slides are
// stills, so no B-frames, and quality-targeted rate control (constant quality,
// no bitrate cap) keeps text sharp. Preset p4 is NVENC's balanced one (SDK 10+).
import type { FrameRateMode, VideoEncoder } from "./engine";

export const nvenc: VideoEncoder = {
  name: "h264_nvenc",
  outputOptions: (_mode: FrameRateMode) => [
    "-c:v", "h264_nvenc",
    "-preset", "p4",
    "-tune", "hq",
    "-rc", "vbr",
    "-cq", "21",
    "-b:v", "0",
    "-bf", "0",
    "-profile:v", "high",
  ],
};
