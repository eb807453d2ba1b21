// PNG files for tests: what a service answered is checked with the services'
// own reader (@lectra/pictures), and solid-colour PNGs are built to send them.
import { opaquePng, readPicture } from "@lectra/pictures";

/** A PNG with a size, as the services read one. */
export function isPng(data: Uint8Array): boolean {
  const picture = readPicture(data);
  return !("problem" in picture) && picture.mediaType === "image/png";
}

/** The PNG's size; throws saying why when `data` is not a PNG with a size. */
export function pngSize(data: Uint8Array): { width: number; height: number } {
  const picture = readPicture(data);
  if ("problem" in picture) throw new Error(`the data ${picture.problem}`);
  if (picture.mediaType !== "image/png") throw new Error(`the data is ${picture.mediaType}, not a PNG`);
  return { width: picture.width, height: picture.height };
}

/** A solid-colour RGB PNG, for feeding services that take frames or pictures. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let at = 0; at < rgba.length; at += 4) rgba.set([r, g, b, 255], at);
  return opaquePng(rgba, width, height);
}
