// The size of what `wrangler deploy` would upload, from a `wrangler deploy --dry-run --outdir` build
// (issue 15): every module in the directory, source maps and wrangler's README excepted, gzipped as
// one stream the way wrangler's "Total Upload" line counts it. Static assets are uploaded apart
// (assets/, content-addressed) and are not part of it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const KIB = 1024;

/** `{ files, bytes, gzipBytes }` of the modules a dry run wrote to `outdir`. */
export function uploadSize(outdir) {
  const files = readdirSync(outdir)
    .filter((name) => !name.endsWith(".map") && name !== "README.md")
    .sort();
  const contents = files.map((name) => readFileSync(join(outdir, name)));
  const all = Buffer.concat(contents);
  return { files, bytes: all.byteLength, gzipBytes: gzipSync(all).byteLength };
}
