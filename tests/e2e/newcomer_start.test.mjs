// What a newcomer meets in the first hour, through the real binary: where the org id is, what
// start says about keys from the environment, `org create` in the wrong directory, the
// Authorization header without `Bearer `, capability URLs in the access log, the number pool's
// flag, and scripts/start.sh --help.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startServer, api, runCli, tempDir, removeTempDir, expectError, assertBadRequest } from "./harness.mjs";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

test("GET /org answers the key's org, and every start prints its id beside the API key", async () => {
  const server = await startServer();
  const dataDir = server.dataDir;
  try {
    const orgs = await api(server, "/org");
    assert.equal(orgs.status, 200, JSON.stringify(orgs.body));
    assert.equal(orgs.body.length, 1);
    const [org] = orgs.body;
    assert.deepEqual(org, (await api(server, `/org/${org.id}`)).body);
    assert.ok(server.stdout().includes(`Org id: ${org.id}\n`), server.stdout());
    assert.ok(server.stdout().includes(`API key: ${server.apiKey}\n`), server.stdout());

    await server.stop({ keepData: true });
    const again = await startServer({ dataDir, apiKey: server.apiKey });
    try {
      assert.ok(again.stdout().includes(`Org id: ${org.id}\n`), again.stdout());
      assert.ok(!again.stderr().includes("SWITCHBOARD_API_KEY"), "the same key is no news");
    } finally {
      await again.stop();
    }
  } finally {
    removeTempDir(dataDir);
  }
});

test("another SWITCHBOARD_API_KEY on an existing data dir is reported as ignored", async () => {
  const first = await startServer();
  const dataDir = first.dataDir;
  await first.stop({ keepData: true });
  const second = await startServer({ dataDir, apiKey: "a-different-key-1234" });
  try {
    assert.match(second.stderr(), /SWITCHBOARD_API_KEY is ignored/);
    assert.ok(second.stderr().includes(`${dataDir}/api-key`), second.stderr());
    assert.equal((await api(second, "/org", { token: "a-different-key-1234" })).status, 401);
    assert.equal((await api(second, "/org", { token: first.apiKey })).status, 200);
  } finally {
    await second.stop();
    removeTempDir(dataDir);
  }
});

test("a malformed SWITCHBOARD_SECRET_KEY stops the start with a message naming it", async () => {
  const dataDir = tempDir();
  try {
    const { code, stderr } = await runCli(["serve", "--port", "0", "--data-dir", dataDir], { SWITCHBOARD_SECRET_KEY: "abc" });
    assert.notEqual(code, 0);
    assert.match(stderr, /SWITCHBOARD_SECRET_KEY must be 64 hex characters/);
  } finally {
    removeTempDir(dataDir);
  }
});

test("org create refuses a directory without a database, and creates nothing there", async () => {
  const parent = tempDir();
  const missing = join(parent, "data");
  try {
    const { code, stdout, stderr } = await runCli(["org", "create", "acme", "--data-dir", missing]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.ok(stderr.includes(missing), stderr);
    assert.match(stderr, /--data-dir/);
    assert.equal(existsSync(missing), false, "no empty database was made");
  } finally {
    removeTempDir(parent);
  }
});

test("Authorization without `Bearer ` says the prefix is missing", async () => {
  const server = await startServer();
  try {
    const bare = await api(server, "/assistant", { headers: { Authorization: server.apiKey } });
    assert.equal(bare.status, 401);
    assert.match(bare.body.message, /missing the `Bearer ` prefix/);
    const none = await api(server, "/assistant", { token: null });
    assert.match(none.body.message, /^Missing Authorization header/);
    const empty = await api(server, "/assistant", { headers: { Authorization: "Bearer" } });
    assert.match(empty.body.message, /no API key after `Bearer`/);
  } finally {
    await server.stop();
  }
});

test("the access log shows capability URLs with their secret redacted", async () => {
  const logDir = tempDir();
  const log = join(logDir, "access.log");
  const server = await startServer({ accessLog: log });
  try {
    const form = new FormData();
    form.append("file", new Blob(["hello"], { type: "text/plain" }), "notes.txt");
    const file = await api(server, "/file", { method: "POST", rawBody: form });
    assert.equal(file.status, 201, JSON.stringify(file.body));
    const url = new URL(file.body.url);
    const secret = url.pathname.split("/").pop();
    assert.equal((await fetch(url)).status, 200);
    assert.equal((await fetch(new URL(`${url.pathname}/text`, server.baseUrl))).status, 200);
    await server.stop();
    const text = readFileSync(log, "utf8");
    assert.ok(!text.includes(secret), "the file's secret name is in the access log");
    const paths = text.trim().split("\n").map((l) => JSON.parse(l).path);
    assert.ok(paths.includes("/file-content/<redacted>"), paths.join(" "));
    assert.ok(paths.includes("/file-content/<redacted>/text"), paths.join(" "));
    assert.ok(paths.includes("/file"), "other paths are logged as they are");
  } finally {
    await server.stop();
    removeTempDir(logDir);
  }
});

test("a vapi number asking for an area code, with no number pool, names --number-pool", async () => {
  const server = await startServer();
  try {
    const err = await expectError(server.client.phoneNumbers.create({ provider: "vapi", numberDesiredAreaCode: "415" }));
    const [message] = assertBadRequest(err);
    assert.match(message, /--number-pool FILE/);
  } finally {
    await server.stop();
  }
});

test("scripts/start.sh --help shows help without installing or building", async () => {
  const started = Date.now();
  const out = await new Promise((resolve, reject) => {
    // Installing and building would take minutes; help must come back at once.
    const child = spawn("bash", [join(REPO, "scripts/start.sh"), "--help"], { env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent" } });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
  assert.equal(out.code, 0);
  assert.match(out.stdout, /usage: scripts\/start\.sh/);
  assert.ok(Date.now() - started < 10000);
});
