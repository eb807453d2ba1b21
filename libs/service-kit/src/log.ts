// One line per event on stderr: time, level, service, message, then key=value
// details, with the trace id when a span is active so a log line leads to Jaeger.
import { trace } from "@opentelemetry/api";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = ORDER[(process.env.LECTRA_LOG_LEVEL?.toLowerCase() as Level) ?? "info"] ?? ORDER.info;

export type Logger = Record<Level, (message: string, details?: Record<string, unknown>) => void>;

function format(details: Record<string, unknown> | undefined): string {
  if (!details) return "";
  return Object.entries(details)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v instanceof Error ? v.message : v)}`)
    .join("");
}

export function createLogger(service: string): Logger {
  const write = (level: Level) => (message: string, details?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    process.stderr.write(
      `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${service}] ${message}${format({ ...details, trace: traceId })}\n`,
    );
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
