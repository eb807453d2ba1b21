// The `lectra` command line.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { cancelJob, deleteJob, downloadJob, listJobs, showReport } from "./commands/jobs";
import { exitCode, generate, printSummary, resume, UsageError } from "./commands/generate";
import { demo, up } from "./commands/stack";
import { listThemes } from "./commands/themes";
import { listVoices } from "./commands/voices";

const whole = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

const program = new Command()
  .name("lectra")
  .description("Turn a topic or a lecture script into a deck, a narrated video and captions.")
  .option("--orchestrator <host:port>", "the orchestrator to talk to (default: LECTRA_ORCHESTRATOR_ADDR or 127.0.0.1:50051)")
  .option("--token <token>", "the API token, where the orchestrator asks for one (default: LECTRA_API_TOKEN, which ps does not show)")
  .showHelpAfterError()
  // Commander's own argument errors would exit 1, which scripts read as a failed
  // job: they are thrown instead, and exit 2 below like every other bad input.
  .exitOverride()
  // The clients read the token where they read TLS settings, from the
  // environment (@lectra/clients' connection.ts): the option is its override.
  .hook("preAction", () => {
    const { token } = program.opts<{ token?: string }>();
    if (token) process.env.LECTRA_API_TOKEN = token;
  });

program
  .command("up")
  .description("start all six services on this machine; Ctrl-C stops them")
  .action(() => up());

program
  .command("generate")
  .description("generate a lecture and download its files")
  .option("--script <file>", "a lecture script (see README, 'Lecture scripts')")
  .option("--topic <text>", "a topic to write about (needs a language model)")
  .option("--slides <n>", "slides to write for a topic, 1..30", whole("--slides"))
  .option("--voice <name>", "a voice from `lectra voices` (default: one that speaks the lecture's language)")
  .option("--language <tag>", "the lecture's language, BCP 47 (default: detected from a script; English for a topic)")
  .option("--theme <name>", "a built-in theme, from `lectra themes`")
  .option("--theme-file <file>", "a custom theme in JSON (see docs/themes.md)")
  .option("--no-video", "make the deck, narration and captions, but no video")
  .option("--constant-frame-rate", "encode the video at 30 fps for players that need it (slower)")
  .option("--no-cache", "recompute everything instead of reusing cached results")
  .option("--out <dir>", "where to put the files (default: out/<job id>)")
  .option("--watch", "as soon as slide 1 can be played, print the downloaded playlist (lecture.m3u8) to play while the rest is made")
  .action(async (opts) => {
    const { job, dir } = await generate({ ...opts, orchestrator: program.opts().orchestrator });
    printSummary(job, dir);
    process.exitCode = exitCode(job);
  });

program
  .command("resume <job-id>")
  .description("continue a failed, cancelled or interrupted job; finished stages come from the cache")
  .option("--out <dir>", "where to put the files (default: out/<job id>)")
  .action(async (id, opts) => {
    const { job, dir } = await resume(id, { ...opts, orchestrator: program.opts().orchestrator });
    printSummary(job, dir);
    process.exitCode = exitCode(job);
  });

program
  .command("jobs")
  .description("list jobs, newest first")
  .option("--limit <n>", "how many", whole("--limit"), 20)
  .action((opts) => listJobs(opts.limit, program.opts().orchestrator));

program
  .command("cancel <job-id>")
  .description("stop a running job (what it made so far is kept)")
  .action((id) => cancelJob(id, program.opts().orchestrator));

program
  .command("rm <job-id>")
  .description("delete a job that is not running, with its files")
  .action((id) => deleteJob(id, program.opts().orchestrator));

program
  .command("report <job-id>")
  .description("print a job's per-stage timing report")
  .action((id) => showReport(id, program.opts().orchestrator));

program
  .command("download <job-id>")
  .description("download a job's files")
  .option("--out <dir>", "where to put them (default: out/<job id>)")
  .action((id, opts) => downloadJob(id, opts.out, program.opts().orchestrator));

program
  .command("voices")
  .description("list the voices --voice accepts")
  .option("--language <prefix>", "only these, e.g. en", "")
  .action((opts) => listVoices(opts.language));

program
  .command("themes")
  .description("list the themes --theme accepts, and the fonts a --theme-file may name")
  .action(() => listThemes(program.opts().orchestrator));

program
  .command("demo")
  .description("start the services, generate the example lecture into out/demo, print the report, stop")
  .option("--script <file>", "the script to generate from", "examples/photosynthesis.md")
  .option("--out <dir>", "where to put the files", "out/demo")
  .action(async (opts) => {
    process.exitCode = await demo(opts.script, opts.out);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has printed the problem (or the help, or the version) already.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lectra: ${message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
