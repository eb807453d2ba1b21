// A fake Openverse API: GET <url>/v1/images/?q=... answering like
// api.openverse.org (result_count, page_count, page_size, page, results[],
// warnings), honouring q, page_size and the `license` filter. The picture files
// are served by the same server, as in the fake Commons (./commons).
import type * as http from "node:http";
import { FakePictureApi } from "./commons";
import { sendJson } from "./http";

const FILETYPES: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif" };

export class FakeOpenverse extends FakePictureApi {
  /** The API base URL to configure a client with (…/v1). */
  get apiUrl(): string {
    return `${this.url}/v1`;
  }

  protected isSearch(path: string): boolean {
    return path === "/v1/images/" || path === "/v1/images";
  }

  protected search(url: URL, res: http.ServerResponse): void {
    const q = url.searchParams;
    const pageSize = Math.min(Number(q.get("page_size") ?? 20), 500);
    const licenses = q.get("license")?.split(",").filter(Boolean);
    const found = this.matching(q.get("q") ?? "").filter(({ picture }) => !licenses || licenses.includes(picture.license));
    const page = found.slice(0, pageSize);
    sendJson(res, 200, {
      result_count: found.length,
      page_count: Math.ceil(found.length / pageSize),
      page_size: pageSize,
      page: 1,
      results: page.map(({ picture, id }) => {
        const uuid = `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`;
        const title = picture.name.replace(/\.[a-z]+$/i, "");
        return {
          id: uuid,
          title,
          indexed_on: "2023-01-02T03:04:05Z",
          foreign_landing_url: `https://www.flickr.com/photos/fake/${1000 + id}`,
          url: this.fileUrl(id),
          creator: picture.author,
          creator_url: `https://www.flickr.com/photos/${encodeURIComponent(picture.author)}`,
          license: picture.license,
          license_version: picture.licenseVersion,
          license_url: `https://creativecommons.org/licenses/${picture.license}/${picture.licenseVersion}/`,
          provider: "flickr",
          source: "flickr",
          category: "photograph",
          filesize: null,
          filetype: FILETYPES[this.mimeOf(picture)] ?? null,
          tags: (picture.tags ?? []).map((name) => ({ name, accuracy: null })),
          attribution: `"${title}" by ${picture.author} is licensed under CC ${picture.license.toUpperCase()} ${picture.licenseVersion}.`,
          fields_matched: ["title"],
          mature: false,
          height: picture.height,
          width: picture.width,
          thumbnail: `${this.url}/v1/images/${uuid}/thumb/`,
          detail_url: `${this.url}/v1/images/${uuid}/`,
          related_url: `${this.url}/v1/images/${uuid}/related/`,
          unstable__sensitivity: [],
        };
      }),
      warnings: [],
    });
  }
}
