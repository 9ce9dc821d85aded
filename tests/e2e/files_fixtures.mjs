// Helpers of the file tests: realistic documents, uploads through fetch, and what is on disk.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { databaseOf } from "./harness.mjs";

/** Documents as clients upload them: name → {data, mimetype, text (the extracted text)}. */
export const DOCUMENTS = {
  "refund-policy.txt": {
    data: "Refunds\n\nYou have 30 days to return items for a full refund.\nItems must be unused.\n",
    mimetype: "text/plain",
  },
  "faq.md": {
    data: "# Store FAQ\n\n- **Opening hours:** 9am–6pm, Monday to Saturday\n- **Parking:** free for 2 hours\n",
    mimetype: "text/markdown",
  },
  "prices.csv": {
    data: "sku,name,price_usd\nA-100,Espresso machine,499.00\nA-200,Grinder,189.50\n",
    mimetype: "text/csv",
  },
  "hours.json": {
    data: '{"weekdays": "9:00-18:00", "saturday": "10:00-16:00", "sunday": null}\n',
    mimetype: "application/json",
  },
  "returns.html": {
    data:
      "<!DOCTYPE html><html><head><title>Returns</title><style>body{font:14px sans-serif}</style></head>" +
      "<body><h1>Returns &amp; exchanges</h1><p>Bring the receipt.<br>No receipt?&nbsp;Store credit.</p>" +
      "<script>track('returns')</script><ul><li>Shoes: 30 days</li><li>Electronics: 14&#160;days</li></ul></body></html>",
    mimetype: "text/html",
    text: "Returns\nReturns & exchanges\nBring the receipt.\nNo receipt? Store credit.\nShoes: 30 days\nElectronics: 14\u00a0days",
  },
  "catalog.pdf": {
    data: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
    mimetype: "application/pdf",
  },
  "manual.docx": {
    data: Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x06\x00", "latin1"), Buffer.from("[Content_Types].xml word/document.xml")]),
    mimetype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  },
};

/** Text documents get their text extracted; binary ones do not. */
export const isText = (name) => !/\.(pdf|docx)$/.test(name);

/** A FormData with `file` (name, data, part Content-Type) and any further text fields. */
export function form(name, data, fields = {}, type = "application/octet-stream") {
  const fd = new FormData();
  if (name !== null) fd.append("file", new Blob([data], { type }), name);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

/**
 * The stored files of a data dir (names), and what is left in its temp directory. On
 * PostgreSQL (SB_E2E_POSTGRES_URL) the bytes are in the database: the names stored there, and
 * no temp files.
 */
export function filesOnDisk(dataDir) {
  if (existsSync(join(dataDir, "database-url"))) {
    const listed = spawnSync("psql", [databaseOf(dataDir), "-Atc", "SELECT DISTINCT name FROM blob_chunks ORDER BY 1"], { encoding: "utf8" });
    if (listed.status !== 0) throw new Error(`psql failed: ${listed.stderr}`);
    return { stored: listed.stdout.split("\n").filter((n) => n !== "").sort(), temp: [] };
  }
  const root = join(dataDir, "files");
  const stored = readdirSync(root).filter((n) => n !== "tmp").sort();
  return { stored, temp: readdirSync(join(root, "tmp")) };
}

/** The stored name of a File (the last segment of its url). */
export const storedName = (file) => file.url.split("/").pop();
