// Writes `<file>.gz` (gzip -9) beside every text file of dist/ that it makes smaller, once per
// build: `pilotchain serve` (like nginx's gzip_static) sends it to browsers that accept gzip, so a
// phone that opens the verification page downloads the compressed bytes and the server compresses
// nothing per request. Images and fonts are compressed already and are left alone.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const TEXT = /\.(html|js|css|svg|json|txt)$/;

for (const name of readdirSync(dist, { recursive: true })) {
  if (!TEXT.test(name)) continue;
  const file = join(dist, name);
  const raw = readFileSync(file);
  const packed = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  if (packed.length < raw.length) writeFileSync(`${file}.gz`, packed);
}
