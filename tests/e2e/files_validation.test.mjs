// Uploads that must be refused — too large, of an unknown type, malformed — each with a clear
// 4xx, and none leaving anything on disk; and leftovers of a crash are removed at start.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startServer, api, assertBadRequest, expectError, removeTempDir } from "./harness.mjs";
import { form, filesOnDisk, DOCUMENTS } from "./files_fixtures.mjs";

const LIMIT = 4096;

let server;
const accepted = [];

before(async () => {
  server = await startServer({ args: ["--file-size-limit", String(LIMIT)] });
  // One accepted file, so "nothing left behind" is checked against a non-empty directory.
  const res = await api(server, "/file", { method: "POST", rawBody: form("refund-policy.txt", DOCUMENTS["refund-policy.txt"].data) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  accepted.push(res.body.url.split("/").pop());
});
after(async () => {
  const dataDir = server?.dataDir;
  await server?.stop();
  if (dataDir) removeTempDir(dataDir);  // the restarted server was given it, so keeps it
});

const upload = (body, opts = {}) => api(server, "/file", { method: "POST", rawBody: body, ...opts });

/** Asserts a 400 with `message` among its messages, and that the disk holds only what it did. */
async function refused(body, message, opts) {
  const res = await upload(body, opts);
  assertBadRequest({ statusCode: res.status, body: res.body }, message);
  assert.deepEqual(filesOnDisk(server.dataDir), { stored: accepted, temp: [] });
  return res.body.message;
}

test("a file over --file-size-limit → 400 naming both sizes; nothing on disk", async () => {
  await refused(form("big.txt", "x".repeat(LIMIT + 1)), `file is too large: ${LIMIT + 1} bytes, the limit is ${LIMIT} bytes`);
  const exact = await upload(form("exact.txt", "y".repeat(LIMIT)));
  assert.equal(exact.status, 201);
  assert.equal(exact.body.bytes, LIMIT);
  accepted.push(exact.body.url.split("/").pop());
  accepted.sort();
});

test("a body far over the limit is refused with 413 before it is read", async () => {
  const res = await upload(form("huge.txt", "z".repeat(LIMIT + 256 * 1024)));
  assert.equal(res.status, 413);
  assert.deepEqual(filesOnDisk(server.dataDir), { stored: accepted, temp: [] });
});

test("an unknown or mismatched type → 400 listing the supported types; nothing on disk", async () => {
  const [exe] = await refused(form("setup.exe", Buffer.from("MZ\x90\x00\x03", "latin1")), undefined);
  assert.match(exe, /^file type \.exe is not supported; supported types: \.csv, \.doc, \.docx, \.html, \.json, /);
  const [jpeg] = await refused(form("photo.jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0])), undefined);
  assert.match(jpeg, /^file type \.jpeg is not supported; /);
  const [blob] = await refused(form("blob", "no extension, generic type"), undefined);
  assert.match(blob, /^file type unknown: the file name has no extension and its Content-Type \(application\/octet-stream\) is not a supported type; /);
  await refused(form("fake.pdf", "this is not a PDF"), "file is not a PDF, as its .pdf type says");
  await refused(form("fake.docx", "plain text"), "file is not a Word document (a ZIP archive), as its .docx type says");
  await refused(form("latin1.txt", Buffer.from("caf\xe9 cr\xe8me", "latin1")),
    "file is not UTF-8 text (byte 3 is not valid UTF-8), as its .txt type requires");
  await refused(form("empty.csv", ""), "file is empty");
});

test("missing, duplicated or nameless file parts → 400", async () => {
  await refused(form(null, "", { purpose: "assistant" }),
    "file must be uploaded: a multipart/form-data part named file, with a filename");
  const twice = form("a.txt", "one");
  twice.append("file", new Blob(["two"]), "b.txt");
  await refused(twice, "file must be sent once");
  const field = new FormData();
  field.append("file", "just text, no filename");
  await refused(field, "file must be a file: a part with a filename");
});

test("the other fields are checked as CreateFileDTO says", async () => {
  const messages = await refused(form("a.txt", "hello", { purpose: "training", name: "x" }), undefined);
  assert.deepEqual(messages, [
    "purpose must be one of the following values: assistant, composer-attachment, knowledge-base-v2",
    "property name should not exist",
  ]);
  await refused(form("a.txt", "hello", { metadata: "{not json" }), "metadata must be a JSON-encoded object");
  await refused(form("a.txt", "hello", { metadata: "[1,2]" }), "metadata must be a JSON-encoded object");
  await refused(form("a.txt", "hello", { metadata: JSON.stringify({ pad: "p".repeat(4100) }) }),
    "metadata must be shorter than or equal to 4096 characters");
});

test("not multipart → 415; malformed multipart → 400; neither leaves anything", async () => {
  const json = await api(server, "/file", { method: "POST", body: { file: "refund-policy.txt" } });
  assert.equal(json.status, 415);
  assert.equal(json.body.message, "Content-Type must be multipart/form-data with a boundary, not application/json");
  const noBoundary = await upload("--x\r\n", { headers: { "Content-Type": "multipart/form-data" } });
  assert.equal(noBoundary.status, 415);
  const truncated =
    "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello";
  await refused(truncated, "Malformed multipart/form-data body: the body ends before its closing boundary (--b--)",
    { headers: { "Content-Type": "multipart/form-data; boundary=b" } });
  await refused("--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--",
    "Malformed multipart/form-data body: a part has no Content-Disposition: form-data header",
    { headers: { "Content-Type": "multipart/form-data; boundary=\"b\"" } });
});

test("a hand-written upload: quoted boundary, filename*, LF line ends, a preamble", async () => {
  const body =
    "ignored preamble\n--sb-7f3a\n" +
    "Content-Disposition: form-data; name=\"file\"; filename=\"x.txt\"; filename*=UTF-8''men%C3%BC.md\n" +
    "Content-Type: text/markdown\n\n# Menü\n\n--sb-7f3a\n" +
    "Content-Disposition: form-data; name=\"purpose\"\n\nassistant\n--sb-7f3a--\n";
  const res = await upload(body, { headers: { "Content-Type": "multipart/form-data; boundary=\"sb-7f3a\"" } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.originalName, "menü.md");
  assert.equal(res.body.mimetype, "text/markdown");
  assert.equal(res.body.purpose, "assistant");
  assert.equal(await (await fetch(res.body.url)).text(), "# Menü\n");
  accepted.push(res.body.url.split("/").pop());
  accepted.sort();
});

test("a directory part in the file name is dropped", async () => {
  const res = await upload(form("../../etc/passwd.txt", "root:x:0:0\n"));
  assert.equal(res.status, 201);
  assert.equal(res.body.originalName, "passwd.txt");
  await api(server, `/file/${res.body.id}`, { method: "DELETE" });
});

test("the SDK's own errors: a type-less Buffer upload is a 400 BadRequestError", async () => {
  const err = await expectError(server.client.files.create({ file: Buffer.from("no name, no type") }));
  assert.equal(err.statusCode, 400);
  assert.match(err.body.message[0], /^file type unknown: the file name has no extension/);
});

// On PostgreSQL an upload is held in memory until its row's commit, never in a temp file.
const NO_TEMP_FILES = process.env.SB_E2E_POSTGRES_URL ? "files are kept in the database on PostgreSQL" : false;

test("temp files left by a crash are removed at the next start", { skip: NO_TEMP_FILES }, async () => {
  const { dataDir, apiKey } = server;
  await server.kill("SIGKILL");
  const tmp = join(dataDir, "files", "tmp");
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, "3f2a9c1b0d8e7f6a"), "half-written upload");
  server = await startServer({ dataDir, apiKey, args: ["--file-size-limit", String(LIMIT)] });
  assert.equal(existsSync(join(tmp, "3f2a9c1b0d8e7f6a")), false);
  assert.deepEqual(filesOnDisk(dataDir), { stored: accepted, temp: [] });
});

test("--public-url sets the origin of the URLs (a trailing slash is dropped)", async () => {
  const own = await startServer({ args: ["--public-url", "https://voice.example.com/"] });
  try {
    const res = await api(own, "/file", { method: "POST", rawBody: form("faq.md", DOCUMENTS["faq.md"].data) });
    assert.equal(res.status, 201);
    assert.match(res.body.url, /^https:\/\/voice\.example\.com\/file-content\/[0-9a-f]{64}\.md$/);
    assert.equal(res.body.parsedTextUrl, `${res.body.url}/text`);
    // Served here all the same: the public URL is where providers reach this server.
    const local = res.body.url.replace("https://voice.example.com", own.baseUrl);
    assert.equal(await (await fetch(local)).text(), DOCUMENTS["faq.md"].data);
  } finally {
    await own.stop();
  }
});
