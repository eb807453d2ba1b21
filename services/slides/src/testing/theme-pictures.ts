// Draws the pictures of the built-in themes that README.md shows: the second
// slide of examples/photosynthesis.md as a video frame in each theme, at half
// size (960x540) to keep the files small. A dev script, not a test:
//
//   npx nx build slides
//   node services/slides/dist/testing/theme-pictures.js [picture.png] [out-dir]
//
// The picture is the slide's own (what the images service found for it, e.g.
// from a job's output); without one the slide is drawn without a picture.
// Pictures go to docs/images/theme-<name>.png unless another folder is given.
import * as fs from "node:fs";
import * as path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { parseScript } from "@lectra/lecture";
import { readPicture } from "@lectra/pictures";
import { builtInThemes } from "@lectra/themes";
import { pageSvg, type FramePicture } from "../frame";
import { layoutSlide } from "../layout";

const ROOT = path.resolve(__dirname, "../../../..");
const WIDTH = 960;

function main([picturePath, outDir = path.join(ROOT, "docs/images")]: string[]): void {
  const script = parseScript(fs.readFileSync(path.join(ROOT, "examples/photosynthesis.md"), "utf8"));
  const slide = script.slides[1]!;
  let picture: FramePicture | undefined;
  let aspect: number | undefined;
  if (picturePath) {
    const data = fs.readFileSync(picturePath);
    const format = readPicture(data);
    if ("problem" in format) throw new Error(`${picturePath}: ${format.problem}`);
    picture = { data, mediaType: format.mediaType };
    aspect = format.width / format.height;
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const theme of builtInThemes) {
    const [page] = layoutSlide({
      language: script.language ?? "",
      theme,
      lectureTitle: script.title,
      title: slide.title,
      bullets: slide.bullets,
      pictureAspect: aspect,
      number: 2,
      total: script.slides.length,
    });
    const png = new Resvg(pageSvg(page!, picture), { fitTo: { mode: "width", value: WIDTH }, font: { loadSystemFonts: false }, logLevel: "off" }).render().asPng();
    const file = path.join(outDir, `theme-${theme.name}.png`);
    fs.writeFileSync(file, png);
    console.log(`${path.relative(ROOT, file)}: ${png.length} bytes`);
  }
}

main(process.argv.slice(2));
