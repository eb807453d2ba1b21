// `lectra themes`: what `--theme` accepts and the fonts a `--theme-file` may
// name, straight from the orchestrator (ListThemes).
import type { ListThemesResponse } from "@lectra/proto";
import { lectraClient } from "@lectra/clients";
import { explain } from "./generate";

/** The themes as a table, the default marked, then the fonts. */
export function formatThemes({ themes, defaultTheme, fonts }: ListThemesResponse): string {
  const width = Math.max(...themes.map((t) => t.name.length));
  const rows = themes.map((t) => `${t.name === defaultTheme ? "*" : " "} ${t.name.padEnd(width)}  ${t.description}`);
  return [...rows, "", `${themes.length} themes; * is the default. A --theme-file (docs/themes.md) may name these fonts: ${fonts.join(", ")}`].join("\n");
}

export async function listThemes(orchestrator?: string): Promise<void> {
  const client = lectraClient(orchestrator);
  const listed = await client.listThemes({}).catch((e) => Promise.reject(explain(e)));
  console.log(formatThemes(listed));
  client.downstream.close();
}
