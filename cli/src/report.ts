// The stage report as a table, the way the original print profiler showed it.
import type { StageReport } from "@lectra/proto";

export function formatReport(report: StageReport): string {
  const rows = report.stages.map((s) => [
    s.spanName,
    String(s.count),
    s.startSeconds.toFixed(2),
    s.wallSeconds.toFixed(2),
    s.busySeconds.toFixed(2),
    s.maxSeconds.toFixed(2),
  ]);
  const head = ["stage", "spans", "start s", "wall s", "busy s", "max s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), ...rows.map(line), `job wall time ${report.wallSeconds.toFixed(2)} s`].join("\n");
}
