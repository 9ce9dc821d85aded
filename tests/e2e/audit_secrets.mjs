// After an end-to-end run in audit mode (SB_AUDIT_DIR): every write-only secret the tests sent
// must be absent, in plaintext and in the usual encodings, from everything the run left
// behind: databases and their WAL files, access logs, stdout and stderr of every server.
// Usage: node audit_secrets.mjs AUDIT_DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SECRETS_FILE } from "./audit.mjs";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node audit_secrets.mjs AUDIT_DIR");

const secrets = [...new Set(readFileSync(join(dir, SECRETS_FILE), "utf8").split("\n").filter(Boolean))];
// The audit must have something to look for, or it proves nothing.
if (secrets.length < 5) {
  console.error(`audit: only ${secrets.length} secrets were recorded; the run did not exercise write-only fields`);
  process.exit(1);
}

function* files(root) {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && entry.name !== SECRETS_FILE) yield path;
  }
}

const encodings = (s) => [
  Buffer.from(s, "utf8"),
  Buffer.from(Buffer.from(s).toString("base64")),
  Buffer.from(Buffer.from(s).toString("hex")),
  Buffer.from(JSON.stringify(s).slice(1, -1)),
];

let scanned = 0, bytes = 0;
const leaks = new Set();
for (const path of files(dir)) {
  const content = readFileSync(path);
  scanned += 1;
  bytes += content.length;
  for (const secret of secrets)
    for (const needle of encodings(secret))
      if (content.includes(needle)) leaks.add(`${path}: ${secret}`);
}
console.log(`audit: ${secrets.length} secrets sent, ${scanned} files (${(bytes / 1e6).toFixed(1)} MB) scanned, ${leaks.size} found in plaintext`);
if (leaks.size) {
  for (const leak of leaks) console.error(`  LEAK ${leak}`);
  process.exit(1);
}
