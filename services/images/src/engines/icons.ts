// The offline engine: the lucide icon set from npm (lucide-static), matched by
// keyword against icon names and tags, rendered to PNG. Works with no network.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Picture } from "@lectra/proto";
import type { PictureFinder } from "./engine";
import { bestIcon, indexIcons, type IndexedIcon } from "./icon-match";
import { renderIcon, type IconStyle } from "./icon-render";

export interface IconSet {
  /** Folder of <name>.svg files. */
  dir: string;
  icons: IndexedIcon[];
}

/**
 * Reads lucide's tags.json once. Only names in tags.json are indexed: the icons
 * folder also holds deprecated aliases, copies of the same drawings.
 */
export function loadIconSet(): IconSet {
  const tagsPath = require.resolve("lucide-static/tags.json");
  const dir = path.join(path.dirname(tagsPath), "icons");
  const tags = JSON.parse(fs.readFileSync(tagsPath, "utf8")) as Record<string, string[]>;
  const drawn = new Set(fs.readdirSync(dir).map((file) => file.replace(/\.svg$/, "")));
  const icons = indexIcons(Object.fromEntries(Object.entries(tags).filter(([name]) => drawn.has(name))));
  if (icons.length === 0) throw new Error(`no icons found in ${dir}`);
  return { dir, icons };
}

/** "tree-deciduous" → "Tree deciduous". */
export function iconTitle(name: string): string {
  const words = name.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function iconFinder(set: IconSet, style: IconStyle): PictureFinder {
  return {
    name: "icons",
    async find(query: string, signal: AbortSignal): Promise<Picture | undefined> {
      signal.throwIfAborted();
      const match = bestIcon(set.icons, query);
      if (!match) return undefined;
      // The file name comes from the index, never from the request.
      const svg = await fs.promises.readFile(path.join(set.dir, `${match.name}.svg`), { encoding: "utf8", signal });
      const { png, width, height } = await renderIcon(svg, style, signal);
      return {
        data: png,
        mediaType: "image/png",
        width,
        height,
        title: iconTitle(match.name),
        sourceUrl: `https://lucide.dev/icons/${match.name}`,
        author: "Lucide contributors",
        license: "ISC",
        engine: "icons",
      };
    },
  };
}
