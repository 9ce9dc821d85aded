// Two instances on one PostgreSQL database deliver server messages as one server: under load
// from both, with one killed -9 mid-way, every message arrives, none twice except one the dead
// instance had on the wire, and each session's messages in the order they were written.
// PostgreSQL only (SB_E2E_POSTGRES_URL): SQLite serves one instance.
import { test, before, after } from "node:test";
import { randomBytes } from "node:crypto";
import assert from "node:assert/strict";
import { startServer } from "./harness.mjs";
import { smallAssistant } from "./agents_fixtures.mjs";
import { startReceiver, metrics, sleep } from "./webhooks_receiver.mjs";

const skip = process.env.SB_E2E_POSTGRES_URL ? false : "needs SB_E2E_POSTGRES_URL (several instances share a PostgreSQL database)";
const LEASE_SECONDS = 2; // how long the dead instance's messages wait before the other takes them
const SESSIONS = 24;
const UPDATES = 3; // per session, after its session.created

let receiver;
before(async () => {
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.close();
});

/** Which write of its session a hit reports: 0 for session.created, n for the update named un. */
function writeOf(hit) {
  const m = hit.json.message;
  return m.type === "session.created" ? 0 : Number(m.session.name.slice(1));
}

test("two instances, one killed -9 mid-way: every message once, each session in order", { skip }, async () => {
  const path = "/multi";
  // Answers are held until the kill, so the killed instance has messages on the wire (answered
  // never) and more waiting behind them in their streams.
  let release;
  const killed = new Promise((r) => (release = r));
  receiver.on(path, () => ({ status: 200, until: killed, delayMs: 15 }));
  const args = ["--webhook-lease-seconds", String(LEASE_SECONDS)];
  // Instances on one database share the key that seals provider secrets (docs/multi-instance.md).
  const env = { SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("hex") };
  const one = await startServer({ args, env });
  const two = await startServer({ args, env, database: one.database, apiKey: one.apiKey })
    .catch(async (error) => { await one.stop(); throw error; });
  const instances = [one, two];
  try {
    const assistant = await one.client.assistants.create(smallAssistant("Multi", { server: { url: receiver.url(path) } }));
    // Each session is created on one instance and updated on both in turn; every write is a
    // server message on the session's stream.
    const sessions = [];
    const write = async (s, n, on) => {
      if (n === 0) sessions[s] = (await on.client.sessions.create({ assistantId: assistant.id })).id;
      else await on.client.sessions.update({ id: sessions[s], name: `u${n}` });
    };
    const half = async (from, to, live) =>
      Promise.all(
        Array.from({ length: to - from }, async (_, k) => {
          const s = from + k;
          for (let n = 0; n <= UPDATES; n++) await write(s, n, live[(s + n) % live.length]);
        }),
      );
    await half(0, SESSIONS / 2, instances);
    // Either instance may have claimed every stream (a claim takes a batch), so the one killed
    // is one seen holding a message on the wire; the other survives.
    const until = Date.now() + 10000;
    let victim;
    while (!victim) {
      for (const candidate of instances) {
        if ((await metrics(candidate)).switchboard_webhook_attempts_in_flight >= 1) {
          victim = candidate;
          break;
        }
      }
      assert.ok(victim || Date.now() < until, "neither instance ever had a message on the wire");
      if (!victim) await sleep(20);
    }
    const survivor = victim === one ? two : one;
    const killedAt = Date.now();
    await victim.kill("SIGKILL");
    release();
    await half(SESSIONS / 2, SESSIONS, [survivor]);

    const expected = SESSIONS * (UPDATES + 1);
    await receiver.waitFor(path, expected, 20000);
    // Until the dead instance's leases have lapsed and what it had on the wire is sent again.
    const byId = new Map();
    const deadline = Date.now() + 15000;
    for (;;) {
      byId.clear();
      for (const h of receiver.hits(path)) byId.set(h.headers["x-message-id"], [...(byId.get(h.headers["x-message-id"]) ?? []), h]);
      if (byId.size === expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(byId.size, expected, "every message delivered");
    // Twice only for a message the killed instance had sent before it died; and there were
    // some, sent again once its leases lapsed.
    const twice = [...byId.values()].filter((hits) => hits.length > 1);
    assert.ok(twice.length > 0, "the killed instance had messages on the wire");
    for (const [id, hits] of byId) {
      if (hits.length === 1) continue;
      assert.equal(hits.length, 2, `${id} arrived ${hits.length} times`);
      assert.ok(hits[0].at <= killedAt + 50, `${id} sent twice though not on the wire at the kill`);
    }
    // Per session: each write's first arrival after the previous write's.
    const perSession = new Map();
    for (const h of receiver.hits(path)) {
      const sid = h.json.message.session.id;
      const first = perSession.get(sid) ?? new Map();
      if (!first.has(writeOf(h))) first.set(writeOf(h), h.at);
      perSession.set(sid, first);
    }
    assert.equal(perSession.size, SESSIONS);
    for (const [sid, first] of perSession) {
      const order = [...first.keys()];
      assert.deepEqual(order, Array.from({ length: UPDATES + 1 }, (_, n) => n), `session ${sid} in order`);
    }
    // The survivor's counters carry its instance label, as its log names it.
    const m = await metrics(survivor);
    const logged = survivor.stdout().match(/instance (\S+): delivers/) ?? survivor.stderr().match(/instance (\S+): delivers/);
    assert.ok(logged, "the instance id is logged at start");
    assert.equal(m.instance, logged[1]);
    assert.match(m.text, new RegExp(`switchboard_webhook_messages_delivered_total\\{instance="${logged[1]}"\\} \\d+`));
    assert.ok(m.switchboard_webhook_messages_delivered_total > 0);
  } finally {
    await two.stop();
    await one.stop();
  }
});
