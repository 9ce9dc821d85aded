// Durability: a message accepted for delivery survives a kill -9 of the server. Killed in the
// middle of a backoff, the restarted server still delivers the message — the same message, with
// the same X-Message-Id — and waits out the rest of its stored backoff first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, tempDir, removeTempDir } from "./harness.mjs";
import { smallAssistant } from "./agents_fixtures.mjs";
import { startReceiver, metrics } from "./webhooks_receiver.mjs";

let receiver, dataDir;
before(async () => {
  receiver = await startReceiver();
  dataDir = tempDir();
});
after(async () => {
  await receiver?.close();
  removeTempDir(dataDir);
});

test("killed mid-backoff, the server delivers the message after restart", async () => {
  const path = "/restart";
  let failing = true;
  receiver.on(path, () => ({ status: failing ? 500 : 200 }));
  const first = await startServer({ dataDir });
  const assistant = await first.client.assistants.create(
    smallAssistant("Durable", { server: { url: receiver.url(path), backoffPlan: { type: "fixed", maxRetries: 3, baseDelaySeconds: 3 } } }),
  );
  const session = await first.client.sessions.create({ assistantId: assistant.id });
  const [attempt1] = await receiver.waitFor(path, 1);
  await new Promise((r) => setTimeout(r, 300)); // the failed attempt is recorded
  await first.kill("SIGKILL");

  failing = false;
  const second = await startServer({ dataDir, apiKey: first.apiKey });
  try {
    const hits = await receiver.waitFor(path, 2, 15000);
    const retry = hits[1];
    assert.equal(retry.headers["x-message-id"], attempt1.headers["x-message-id"]);
    assert.equal(retry.raw, attempt1.raw);
    assert.equal(retry.json.message.session.id, session.id);
    // The stored next-attempt time held: not sent before 3 s after the first attempt.
    assert.ok(retry.at - attempt1.at >= 2700, `retried after ${retry.at - attempt1.at} ms`);
    await new Promise((r) => setTimeout(r, 300));
    const m = await metrics(second);
    assert.equal(m.switchboard_webhook_messages_delivered_total, 1);
    assert.equal(m.switchboard_webhook_messages_pending, 0);
  } finally {
    await second.stop({ keepData: true });
  }
});

test("messages in flight at a kill -9 are all delivered after restart", async () => {
  const path = "/burst";
  let slow = true;
  receiver.on(path, () => (slow ? { status: 200, delayMs: 5000 } : { status: 200 }));
  const dir = tempDir();
  const first = await startServer({ dataDir: dir });
  const assistant = await first.client.assistants.create(smallAssistant("Burst", { server: { url: receiver.url(path) } }));
  const created = [];
  for (let i = 0; i < 20; i++) created.push((await first.client.sessions.create({ name: `s${i}`, assistantId: assistant.id })).id);
  await receiver.waitFor(path, 20); // all on the wire, none answered yet
  await first.kill("SIGKILL");
  slow = false;
  const restartedAt = Date.now();
  const second = await startServer({ dataDir: dir, apiKey: first.apiKey });
  try {
    await receiver.waitFor(path, 40, 15000);
    const after = receiver.hits(path).filter((h) => h.at >= restartedAt);
    assert.deepEqual([...new Set(after.map((h) => h.json.message.session.id))].sort(), [...created].sort());
    const before = new Map(receiver.hits(path).filter((h) => h.at < restartedAt).map((h) => [h.json.message.session.id, h.headers["x-message-id"]]));
    for (const h of after) assert.equal(h.headers["x-message-id"], before.get(h.json.message.session.id), "the same message id");
  } finally {
    await second.stop();
    removeTempDir(dir);
  }
});
