// Mends what pptxgenjs writes for a paragraph of several runs (pptx.ts gives each
// run its own font): it repeats the paragraph's properties before every run,
// and OOXML allows them only as a paragraph's first child, so PowerPoint would
// offer to repair the deck. It also tags every typeface with a Chinese
// character set (charset="-122"/"-120", whatever the font), which PowerPoint
// uses to pick a stand-in font for one it lacks; without the tag it goes by the
// text's script. And it writes a bullet character with no colour or font of its
// own, so PowerPoint would draw the theme's mark in the text's colour and first
// font; the frame draws it in the theme's accent colour, in the font the layout
// chose for it.
import JSZip from "jszip";

const PARAGRAPH = /<a:p>[\s\S]*?<\/a:p>/g;
const PARAGRAPH_PROPERTIES = /<a:pPr\b[^>]*?(?:\/>|>[\s\S]*?<\/a:pPr>)/g;
const TYPEFACE_HINTS = /(<a:(?:latin|ea|cs) typeface="[^"]*") pitchFamily="\d+" charset="-?\d+"/g;
/** pptxgenjs's bullet: its size, then its character; OOXML wants the colour before the size and the font after it. */
const BULLET_CHAR = /<a:buSzPct val="100000"\/>(<a:buChar [^>]*\/>)/g;

/** The colour ("RRGGBB") and family every bullet mark of a deck is drawn in. */
export interface BulletMark {
  color: string;
  typeface: string;
}

const escapeAttribute = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** A slide's XML with each paragraph's properties once, first, typefaces without a character set, and bullets marked as the frame marks them. */
export function mendSlideXml(xml: string, mark?: BulletMark): string {
  const mended = xml
    .replace(PARAGRAPH, (p) => {
      let first = true;
      return p.replace(PARAGRAPH_PROPERTIES, (props) => {
        const keep = first;
        first = false;
        return keep ? props : "";
      });
    })
    .replace(TYPEFACE_HINTS, "$1");
  if (!mark) return mended;
  return mended.replace(
    BULLET_CHAR,
    (_, char: string) =>
      `<a:buClr><a:srgbClr val="${escapeAttribute(mark.color)}"/></a:buClr><a:buSzPct val="100000"/><a:buFont typeface="${escapeAttribute(mark.typeface)}"/>${char}`,
  );
}

/** The deck with every slide's XML mended; `mark` is how its bullets are marked, when it has any. */
export async function mendDeck(pptx: Buffer, mark?: BulletMark): Promise<Buffer> {
  const zip = await JSZip.loadAsync(pptx);
  for (const name of Object.keys(zip.files).filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f))) {
    zip.file(name, mendSlideXml(await zip.file(name)!.async("string"), mark));
  }
  // Stored, not deflated, as pptxgenjs wrote it: pictures are compressed already.
  return zip.generateAsync({ type: "nodebuffer", compression: "STORE" });
}
