// Outbound calls asked for later (schedulePlan) through the Twilio stand-in: what a plan must
// hold, a batch scheduled per customer, a scheduled call (or its assistant) deleted before its
// time, and the schedule's durability: a server killed while a call waits dials it after its
// restart, and ends one whose latestAt passed while it was down. (A scheduled call that talks
// is in calls_outbound_twilio.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { api } from "./harness.mjs";
import { sleep, standinAssistant, until } from "./voice_helpers.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";

const ACCOUNT = "AC99998888777766665555444433332222";
const TOKEN = "twilio-auth-token-scheduled";
const TRANSIENT_ACCOUNT = "AC11112222333344445555666677778888";
const TRANSIENT_TOKEN = "transient-twilio-token-for-later";
const EXPIRED = "call.in-progress.error-vapifault-worker-not-available";

let rig, env, providers, number, assistant, customer, waitForStatus;

before(async () => {
  rig = await startOutboundRig({ carrier: "twilio" });
  ({ env, providers, assistant, customer, waitForStatus } = rig);
  number = await env.server.client.phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415778"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN });
});
after(() => rig.close());

const dialled = (callId) => providers.twilioCalls.filter((c) => c.form.Twiml?.includes(callId));
const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();
const schedule = (body) => api(env.server, "/call", { method: "POST", body: { phoneNumberId: number.id, assistantId: assistant.id, ...body } });

test("a plan that cannot be kept is refused (400, naming the field); nothing is stored or dialled", async () => {
  const storedBefore = (await api(env.server, "/call")).body.length;
  const dialsBefore = providers.twilioCalls.length;
  const to = { number: customer() };
  for (const [schedulePlan, field] of [
    [{ earliestAt: "next tuesday" }, /earliestAt/],
    [{ latestAt: inSeconds(60) }, /earliestAt/],
    [{ earliestAt: inSeconds(60), latestAt: inSeconds(30) }, /latestAt/],
    [{ earliestAt: inSeconds(-120), latestAt: inSeconds(-60) }, /latestAt/],
  ]) {
    const res = await schedule({ customer: to, schedulePlan });
    assert.equal(res.status, 400, `${JSON.stringify(schedulePlan)}: ${JSON.stringify(res.body)}`);
    assert.match(JSON.stringify(res.body.message), field);
  }
  assert.equal((await api(env.server, "/call")).body.length, storedBefore);
  assert.equal(providers.twilioCalls.length, dialsBefore);
});

test("an earliestAt already reached dials at once", async () => {
  const res = await schedule({ customer: { number: customer({ outcome: "busy" }) }, schedulePlan: { earliestAt: inSeconds(-5), latestAt: inSeconds(60) } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status, "queued");
  assert.equal((await waitForStatus(res.body.id, "ended")).endedReason, "customer-busy");
  assert.equal(dialled(res.body.id).length, 1);
});

test("customers[] with a schedulePlan: one scheduled call each, each dialled at its time", async () => {
  const earliestAt = inSeconds(1.5);
  const numbers = [customer({ outcome: "busy" }), customer({ outcome: "no-answer" })];
  const res = await schedule({ customers: numbers.map((n) => ({ number: n })), schedulePlan: { earliestAt } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body.errors, []);
  assert.deepEqual(res.body.results.map((c) => [c.customer.number, c.status]).sort(), numbers.map((n) => [n, "scheduled"]).sort());
  const ended = await Promise.all(res.body.results.map((c) => waitForStatus(c.id, "ended", 10000)));
  assert.deepEqual(ended.map((c) => c.endedReason).sort(), ["customer-busy", "customer-did-not-answer"]);
  for (const c of res.body.results) {
    assert.equal(dialled(c.id).length, 1);
    assert.ok(dialled(c.id)[0].at >= Date.parse(earliestAt));
  }
});

test("a call scheduled on a transient phoneNumber is dialled at its time with that number's account, across a restart; no response shows its token", async () => {
  const from = nextNumber("+1415778");
  const earliestAt = inSeconds(2.5);
  const res = await api(env.server, "/call", { method: "POST", body: {
    phoneNumber: { twilioPhoneNumber: from, twilioAccountSid: TRANSIENT_ACCOUNT, twilioAuthToken: TRANSIENT_TOKEN },
    assistantId: assistant.id, customer: { number: customer({ outcome: "busy" }) }, schedulePlan: { earliestAt },
  } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status, "scheduled");
  assert.deepEqual(res.body.phoneNumber, { provider: "twilio", number: from, twilioAccountSid: TRANSIENT_ACCOUNT });
  await env.restart();
  const stored = await api(env.server, `/call/${res.body.id}`);
  assert.equal(stored.body.status, "scheduled");
  assert.deepEqual(stored.body.phoneNumber, res.body.phoneNumber);
  const [twilio] = await until(() => dialled(res.body.id).length && dialled(res.body.id), "the scheduled dial", 10000);
  assert.ok(twilio.at >= Date.parse(earliestAt), `dialled ${Date.parse(earliestAt) - twilio.at} ms early`);
  assert.deepEqual([twilio.accountSid, twilio.authToken, twilio.form.From], [TRANSIENT_ACCOUNT, TRANSIENT_TOKEN, from]);
  assert.equal((await waitForStatus(res.body.id, "ended")).endedReason, "customer-busy");
  assert.equal(dialled(res.body.id).length, 1);
  for (const shown of [res.body, stored.body, (await api(env.server, `/call/${res.body.id}`)).body, (await api(env.server, "/call")).body])
    assert.doesNotMatch(JSON.stringify(shown), new RegExp(TRANSIENT_TOKEN));
});

test("a scheduled call deleted before its time is never dialled", async () => {
  const res = await schedule({ customer: { number: customer() }, schedulePlan: { earliestAt: inSeconds(1) } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal((await api(env.server, `/call/${res.body.id}`, { method: "DELETE" })).status, 200);
  await sleep(2500);
  assert.equal(dialled(res.body.id).length, 0);
  assert.equal((await api(env.server, `/call/${res.body.id}`)).status, 404);
});

test("an assistant deleted before the call's time ends it (call.start.error-get-assistant), undialled", async () => {
  const doomed = await env.server.client.assistants.create(standinAssistant(rig.transcriber, rig.voice));
  const res = await schedule({ assistantId: doomed.id, customer: { number: customer() }, schedulePlan: { earliestAt: inSeconds(1) } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal((await api(env.server, `/assistant/${doomed.id}`, { method: "DELETE" })).status, 200);
  assert.equal((await waitForStatus(res.body.id, "ended")).endedReason, "call.start.error-get-assistant");
  assert.equal(dialled(res.body.id).length, 0);
});

test("a server killed while a call waits dials it after its restart, under the same id, once", async () => {
  const earliestAt = inSeconds(2.5);
  const res = await schedule({ customer: { number: customer({ outcome: "busy" }) }, schedulePlan: { earliestAt } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await env.restart();
  assert.equal((await api(env.server, `/call/${res.body.id}`)).body.status, "scheduled");
  const [twilio] = await until(() => dialled(res.body.id).length && dialled(res.body.id), "the dial after the restart", 10000);
  assert.ok(twilio.at >= Date.parse(earliestAt), `dialled ${Date.parse(earliestAt) - twilio.at} ms early`);
  assert.equal((await waitForStatus(res.body.id, "ended")).endedReason, "customer-busy");
  assert.equal(dialled(res.body.id).length, 1);
});

test("a call whose latestAt passed while the server was down ends, reported, never dialled", async () => {
  const receiver = await startReceiver();
  try {
    const latestAt = inSeconds(2);
    const res = await schedule({
      assistantId: undefined,
      assistant: standinAssistant(rig.transcriber, rig.voice, {
        server: { url: receiver.url("/events") }, serverMessages: ["status-update", "end-of-call-report"],
      }),
      customer: { number: customer() }, schedulePlan: { earliestAt: inSeconds(1), latestAt },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await env.restart(() => sleep(Date.parse(latestAt) - Date.now() + 300));
    const ended = (await api(env.server, `/call/${(await waitForStatus(res.body.id, "ended")).id}`)).body;
    assert.equal(ended.endedReason, EXPIRED);
    const [report] = await receiver.waitFor("/events", 2, 5000).then((hits) => hits.filter((h) => h.json.message.type === "end-of-call-report"));
    assert.equal(report.json.message.endedReason, EXPIRED);
    assert.equal(report.json.message.call.id, res.body.id);
    assert.equal(dialled(res.body.id).length, 0);
  } finally {
    await receiver.close();
  }
});
