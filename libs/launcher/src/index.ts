// Running programs as child processes: a LECTRA service, started the way a
// deployment starts it and awaited until SERVING (lectra up/demo, the
// process-level tests), kept running by a supervisor that restarts it when it
// dies (lectra up), and the binaries shipped in npm packages (ffmpeg, ffprobe)
// that the video service and the tests run.
export * from "./launcher";
export * from "./supervisor";
export * from "./binaries";
