// The stage report as a table, one row per stage (runs, busy and wall time),
// plus each stage's share of the critical path (what to speed up next).
import type { StageReport } from "@lectra/proto";

export function formatReport(report: StageReport): string {
  const rows = report.stages.map((s) => [
    s.spanName,
    String(s.count),
    s.startSeconds.toFixed(2),
    s.wallSeconds.toFixed(2),
    s.busySeconds.toFixed(2),
    s.maxSeconds.toFixed(2),
    s.criticalShare > 0 ? `${Math.round(s.criticalShare * 100)}%` : "",
  ]);
  const head = ["stage", "spans", "start s", "wall s", "busy s", "max s", "critical"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "–");
  return [
    line(head),
    ...rows.map(line),
    `job wall time ${report.wallSeconds.toFixed(2)} s · critical path ${report.criticalPathSeconds.toFixed(2)} s (×${ratio(report.wallSeconds, report.criticalPathSeconds)}) · staged schedule ${report.stagedSeconds.toFixed(2)} s (×${ratio(report.wallSeconds, report.stagedSeconds)})`,
  ].join("\n");
}
