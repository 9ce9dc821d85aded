// Failed deliveries, as a receiver sees them: retries timed by the server's backoffPlan
// (fixed and exponential, within 10 %), maxRetries, no retry on an excluded status,
// timeoutSeconds cutting a slow answer, a dropped connection, and a message that exhausts its
// plan counted as dead in /metrics.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./harness.mjs";
import { smallAssistant } from "./agents_fixtures.mjs";
import { startReceiver, gaps, withinTenPercent, sleep, metrics } from "./webhooks_receiver.mjs";

let server, receiver;
before(async () => {
  receiver = await startReceiver();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await receiver?.close();
});

/** Creates an assistant with `serverObject` and a session that uses it. */
async function sessionFor(serverObject) {
  const a = await server.client.assistants.create(smallAssistant("Retries", { server: serverObject }));
  return server.client.sessions.create({ assistantId: a.id });
}

const assertGaps = (hits, planned) => {
  const actual = gaps(hits);
  assert.equal(actual.length, planned.length);
  actual.forEach((g, i) => assert.ok(withinTenPercent(g, planned[i]), `gap ${i}: ${g} ms, planned ${planned[i]} ms (all: ${actual})`));
};

test("fixed: every retry waits baseDelaySeconds; after maxRetries the message is dead", async () => {
  const path = "/fixed";
  receiver.on(path, () => ({ status: 500 }));
  const deadBefore = (await metrics(server)).switchboard_webhook_messages_dead_total;
  await sessionFor({ url: receiver.url(path), backoffPlan: { type: "fixed", maxRetries: 2, baseDelaySeconds: 1 } });
  const hits = await receiver.waitFor(path, 3);
  assertGaps(hits, [1000, 1000]);
  const id = hits[0].headers["x-message-id"];
  assert.ok(hits.every((h) => h.headers["x-message-id"] === id && h.raw === hits[0].raw), "the same message each time");
  await sleep(1500);
  assert.equal(receiver.hits(path).length, 3, "no attempt beyond maxRetries");
  const m = await metrics(server);
  assert.equal(m.status, 200);
  assert.match(m.contentType, /^text\/plain; version=0\.0\.4/);
  assert.equal(m.switchboard_webhook_messages_dead_total, deadBefore + 1);
  assert.match(m.text, /# TYPE switchboard_webhook_messages_dead_total counter/);
});

test("exponential: the delays double from baseDelaySeconds; a 2xx ends the retries", async () => {
  const path = "/exponential";
  receiver.on(path, (hit, i) => ({ status: i < 3 ? 503 : 204 }));
  const before = await metrics(server);
  await sessionFor({ url: receiver.url(path), backoffPlan: { type: "exponential", maxRetries: 5, baseDelaySeconds: 0.5 } });
  const hits = await receiver.waitFor(path, 4);
  assertGaps(hits, [500, 1000, 2000]);
  await sleep(1200);
  assert.equal(receiver.hits(path).length, 4);
  const after = await metrics(server);
  assert.equal(after.switchboard_webhook_messages_delivered_total, before.switchboard_webhook_messages_delivered_total + 1);
  assert.equal(after.switchboard_webhook_attempts_failed_total, before.switchboard_webhook_attempts_failed_total + 3);
});

test("no backoffPlan: one attempt only", async () => {
  const path = "/once";
  receiver.on(path, () => ({ status: 502 }));
  await sessionFor({ url: receiver.url(path) });
  await receiver.waitFor(path, 1);
  await sleep(1000);
  assert.equal(receiver.hits(path).length, 1);
});

test("a status in excludedStatusCodes is not retried; another failure is", async () => {
  const path = "/excluded";
  receiver.on(path, () => ({ status: 404 }));
  await sessionFor({ url: receiver.url(path), backoffPlan: { type: "fixed", maxRetries: 3, baseDelaySeconds: 0.2, excludedStatusCodes: [400, 404] } });
  await receiver.waitFor(path, 1);
  await sleep(1000);
  assert.equal(receiver.hits(path).length, 1);

  const other = "/not-excluded";
  receiver.on(other, (hit, i) => ({ status: i === 0 ? 401 : 200 }));
  await sessionFor({ url: receiver.url(other), backoffPlan: { type: "fixed", maxRetries: 3, baseDelaySeconds: 0.2, excludedStatusCodes: [400, 404] } });
  await receiver.waitFor(other, 2);
});

test("timeoutSeconds: an answer slower than the timeout fails the attempt and it is retried", async () => {
  const path = "/slow";
  receiver.on(path, (hit, i) => (i === 0 ? { status: 200, delayMs: 4000 } : { status: 200 }));
  await sessionFor({ url: receiver.url(path), timeoutSeconds: 1, backoffPlan: { type: "fixed", maxRetries: 1, baseDelaySeconds: 0.5 } });
  const hits = await receiver.waitFor(path, 2);
  // The first attempt is cut at 1 s, then the retry waits 0.5 s.
  assertGaps(hits, [1500]);
  assert.equal(hits[1].headers["x-message-id"], hits[0].headers["x-message-id"]);
});

test("a dropped connection is a failure and is retried", async () => {
  const path = "/drop";
  // Two drops: the HTTP client resends once at once when a pooled keep-alive connection turns
  // out closed (then both drops are one attempt), else each drop is an attempt of its own.
  // Either way the answer that delivers comes one backoff delay after the last drop.
  receiver.on(path, (hit, i) => (i < 2 ? { drop: true } : { status: 200 }));
  await sessionFor({ url: receiver.url(path), backoffPlan: { type: "fixed", maxRetries: 3, baseDelaySeconds: 0.3 } });
  const hits = await receiver.waitFor(path, 3);
  assert.ok(withinTenPercent(hits[2].at - hits[1].at, 300), `last gap ${hits[2].at - hits[1].at} ms`);
  assert.ok(hits.every((h) => h.headers["x-message-id"] === hits[0].headers["x-message-id"]));
  await sleep(800);
  assert.equal(receiver.hits(path).length, 3);
});

test("/metrics answers without a key, with every webhook series", async () => {
  const m = await metrics(server);
  for (const name of [
    "switchboard_webhook_messages_enqueued_total",
    "switchboard_webhook_messages_delivered_total",
    "switchboard_webhook_attempts_failed_total",
    "switchboard_webhook_messages_dead_total",
    "switchboard_webhook_messages_pending",
    "switchboard_webhook_attempts_in_flight",
    "switchboard_webhook_delivery_seconds_count",
  ])
    assert.equal(typeof m[name], "number", name);
  assert.ok(m.switchboard_webhook_messages_enqueued_total >= 7);
  assert.equal(m.switchboard_webhook_messages_pending, 0);
  assert.equal(m.switchboard_webhook_attempts_in_flight, 0);
});
