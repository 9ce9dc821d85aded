// Upload / get / list / update / delete of files through the official SDK, and the content
// URLs the File objects carry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createReadStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, expectError, assertBadRequest, api, createOrg, tempDir, removeTempDir, ISO_MS, UUID_V4 } from "./harness.mjs";
import { DOCUMENTS, isText, filesOnDisk, storedName } from "./files_fixtures.mjs";

const NOT_FOUND = { message: "File not found", error: "Not Found", statusCode: 404 };

let server, client, uploadsDir;
const uploaded = {};  // name → File

before(async () => {
  server = await startServer();
  client = server.client;
  uploadsDir = tempDir("switchboard-e2e-uploads-");
});
after(async () => {
  const dataDir = server?.dataDir;
  await server?.stop();
  if (dataDir) removeTempDir(dataDir);  // the restarted server was given it, so keeps it
  removeTempDir(uploadsDir);
});

/** Writes a document to disk and uploads it the way the SDK's docs show (a read stream). */
async function upload(name, request = {}) {
  const path = join(uploadsDir, name);
  writeFileSync(path, DOCUMENTS[name].data);
  const { data, rawResponse } = await client.files.create({ file: createReadStream(path), ...request }).withRawResponse();
  assert.equal(rawResponse.status, 201);
  return data;
}

test("upload each supported document type through the SDK → 201 with the File fields", async () => {
  const purposes = ["knowledge-base-v2", "assistant", "composer-attachment"];
  let i = 0;
  for (const [name, doc] of Object.entries(DOCUMENTS)) {
    const purpose = purposes[i++ % purposes.length];
    const file = await upload(name, { purpose, metadata: JSON.stringify({ source: "help-center", rank: i }) });
    const bytes = Buffer.byteLength(doc.data);
    assert.match(file.id, UUID_V4);
    assert.equal(typeof file.orgId, "string");
    assert.match(file.createdAt, ISO_MS);
    assert.equal(file.updatedAt, file.createdAt);
    assert.equal(file.object, "file");
    assert.equal(file.status, "done");
    assert.equal(file.name, name);
    assert.equal(file.originalName, name);
    assert.equal(file.bytes, bytes);
    assert.equal(file.mimetype, doc.mimetype);
    assert.equal(file.purpose, purpose);
    assert.deepEqual(file.metadata, { source: "help-center", rank: i });
    assert.match(file.url, new RegExp(`^${server.baseUrl}/file-content/[0-9a-f]{64}\\.${name.split(".").pop()}$`));
    if (isText(name)) {
      assert.equal(file.parsedTextUrl, `${file.url}/text`);
      const text = doc.text ?? doc.data;
      assert.equal(file.parsedTextBytes, Buffer.byteLength(text));
    } else {
      assert.equal("parsedTextUrl" in file, false);
      assert.equal("parsedTextBytes" in file, false);
    }
    uploaded[name] = file;
  }
  assert.deepEqual(filesOnDisk(server.dataDir), { stored: Object.values(uploaded).map(storedName).sort(), temp: [] });
});

test("url serves the exact bytes without an API key; parsedTextUrl serves the text", async () => {
  for (const [name, doc] of Object.entries(DOCUMENTS)) {
    const file = uploaded[name];
    const res = await fetch(file.url);
    assert.equal(res.status, 200, name);
    assert.ok(res.headers.get("content-type").startsWith(doc.mimetype), res.headers.get("content-type"));
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("content-security-policy"), "sandbox");
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(doc.data));
    if (!isText(name)) {
      assert.equal((await fetch(`${file.url}/text`)).status, 404);
      continue;
    }
    const text = await fetch(file.parsedTextUrl);
    assert.equal(text.status, 200);
    assert.equal(text.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await text.text(), doc.text ?? doc.data);
  }
  // An unguessable name is the whole capability: a wrong one is a plain 404.
  const guess = await api(server, `/file-content/${"0".repeat(64)}.txt`, { token: null });
  assert.deepEqual([guess.status, guess.body], [404, NOT_FOUND]);
  assert.equal((await api(server, "/file-content/..%2Fswitchboard.db", { token: null })).status, 404);
});

test("a file name without an extension takes its type from the part's Content-Type", async () => {
  const data = "Plain notes without an extension\n";
  const file = await client.files.create({ file: { data: Buffer.from(data), filename: "NOTES", contentType: "text/plain" } });
  assert.equal(file.mimetype, "text/plain");
  assert.equal(file.name, "NOTES");
  assert.equal(await (await fetch(file.parsedTextUrl)).text(), data);
  await client.files.delete({ id: file.id });
});

test("a long file name is kept as originalName; name is cut to 40 characters", async () => {
  const long = `Quarterly customer support escalation report – ${"é".repeat(10)}.md`;
  const file = await client.files.create({ file: { data: Buffer.from("# Report\n"), filename: long } });
  assert.equal(file.originalName, long);
  assert.equal(file.name, long.slice(0, 40));
  await client.files.delete({ id: file.id });
});

test("get returns each file as uploaded", async () => {
  for (const file of Object.values(uploaded)) assert.deepEqual(await client.files.get({ id: file.id }), file);
});

test("list by purpose returns exactly the files of that purpose, newest first", async () => {
  for (const purpose of ["knowledge-base-v2", "assistant", "composer-attachment"]) {
    const expected = Object.values(uploaded).filter((f) => f.purpose === purpose).reverse();
    assert.ok(expected.length > 0);
    assert.deepEqual(await client.files.list({ purpose }), expected);
  }
  assert.deepEqual(await client.files.list({ purpose: "fine-tuning" }), []);
});

test("list without purpose → 400 (the document makes it required)", async () => {
  const res = await api(server, "/file");
  assertBadRequest({ statusCode: res.status, body: res.body }, "purpose must be a string");
  const unknown = await api(server, "/file", { query: { purpose: "assistant", limit: 5 } });
  assertBadRequest({ statusCode: unknown.status, body: unknown.body }, "property limit should not exist");
});

test("update renames a file; updatedAt advances and nothing else changes", async () => {
  const before = uploaded["faq.md"];
  const after = await client.files.update({ id: before.id, name: "Store FAQ (2025)" });
  assert.equal(after.name, "Store FAQ (2025)");
  assert.ok(after.updatedAt > before.updatedAt);
  assert.deepEqual({ ...after, name: before.name, updatedAt: before.updatedAt }, before);
  assert.deepEqual(await client.files.get({ id: before.id }), after);
  uploaded["faq.md"] = after;
});

test("update with a bad body → 400 and nothing changes", async () => {
  const { id } = uploaded["prices.csv"];
  assertBadRequest(await expectError(client.files.update({ id, name: "" })), "name must be longer than or equal to 1 characters");
  assertBadRequest(await expectError(client.files.update({ id, name: "n".repeat(41) })), "name must be shorter than or equal to 40 characters");
  const res = await api(server, `/file/${id}`, { method: "PATCH", body: { purpose: "assistant" } });
  assertBadRequest({ statusCode: res.status, body: res.body }, "property purpose should not exist");
  assert.deepEqual(await client.files.get({ id }), uploaded["prices.csv"]);
});

test("delete returns the file and removes its bytes; its URLs and id answer 404", async () => {
  const file = uploaded["hours.json"];
  assert.deepEqual(await client.files.delete({ id: file.id }), file);
  delete uploaded["hours.json"];
  assert.equal(filesOnDisk(server.dataDir).stored.includes(storedName(file)), false);
  assert.equal((await fetch(file.url)).status, 404);
  assert.equal((await fetch(file.parsedTextUrl)).status, 404);
  for (const call of [() => client.files.get({ id: file.id }), () => client.files.update({ id: file.id, name: "x" }), () => client.files.delete({ id: file.id })]) {
    const err = await expectError(call());
    assert.deepEqual([err.statusCode, err.body], [404, NOT_FOUND]);
  }
  assert.deepEqual(filesOnDisk(server.dataDir), { stored: Object.values(uploaded).map(storedName).sort(), temp: [] });
});

test("a non-uuid id → 400; the id matches case-insensitively", async () => {
  assertBadRequest(await expectError(client.files.get({ id: "file_123" })), "id must be a UUID");
  const { id } = uploaded["refund-policy.txt"];
  assert.equal((await client.files.get({ id: id.toUpperCase() })).id, id);
});

test("another org cannot see, change or delete the files (their URLs stay capabilities)", async () => {
  const other = await createOrg(server, "other store");
  assert.deepEqual(await other.client.files.list({ purpose: "knowledge-base-v2" }), []);
  const file = uploaded["refund-policy.txt"];
  for (const call of [() => other.client.files.get({ id: file.id }), () => other.client.files.update({ id: file.id, name: "mine" }), () => other.client.files.delete({ id: file.id })]) {
    const err = await expectError(call());
    assert.deepEqual([err.statusCode, err.body], [404, NOT_FOUND]);
  }
  assert.deepEqual(await client.files.get({ id: file.id }), file);
  assert.equal((await fetch(file.url)).status, 200);
});

test("files and their bytes survive a restart", async () => {
  await server.stop({ keepData: true });
  server = await startServer({ dataDir: server.dataDir, apiKey: server.apiKey });
  client = server.client;
  for (const [name, file] of Object.entries(uploaded)) {
    assert.deepEqual(await client.files.get({ id: file.id }), file);
    const res = await fetch(file.url.replace(/^http:\/\/[^/]+/, server.baseUrl));
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(DOCUMENTS[name].data));
  }
});
