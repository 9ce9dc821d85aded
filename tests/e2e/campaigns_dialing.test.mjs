// Campaigns that dial, through the official SDK: a campaign of 50 customers on a Twilio number
// (the Twilio stand-in answers each call and connects its media stream back; the test, as the
// customer, hangs up shortly after), maxConcurrency 5, the LLM, transcriber and voice
// stand-ins behind the assistant. What a customer would notice: every contact called once,
// never more than 5 at a time, each call carrying the campaignId, counters and contacts that
// add up, the campaign ended with its reason — across a kill -9 in the middle of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { nextNumber } from "./fixtures.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";
import { until } from "./voice_helpers.mjs";

const ACCOUNT = "AC99990000111122223333444455556666";
const TOKEN = "twilio-auth-token-campaigns";
const HOLD_MS = 250; // how long each customer stays on the line once the stream is up

let rig, number;

// An API read polled every 100 ms.
const eventually = (check, what, ms = 10000) => until(check, what, ms, 100);
const client = () => rig.env.server.client;

before(async () => {
  rig = await startOutboundRig({ carrier: "twilio" });
  number = await client().phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415888"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN });
});
after(() => rig.close());

// The customers' side: who was dialled, how many were on the line at once, hanging up each
// answered call after HOLD_MS. A call counts as on the line from the carrier's dial until the
// customer hangs up (or the call ends otherwise), so the count can only overstate the server's.
function customers(numbers) {
  const mine = new Set(numbers);
  const ours = () => rig.providers.twilioCalls.filter((c) => mine.has(c.form.To));
  const side = { peak: 0, onLine: () => ours().filter((c) => !c.hungUp && !c.ended && !c.stopped).length };
  rig.providers.twilioCallBehaviour((form) => {
    if (mine.has(form.To)) side.peak = Math.max(side.peak, side.onLine() + 1);
    return {};
  });
  const timer = setInterval(() => {
    for (const c of ours()) {
      if (c.stream && !c.hungUp && Date.now() - (c.streamAt ??= Date.now()) >= HOLD_MS) {
        c.hungUp = true;
        c.stream.stop();
      }
      // A stream that died with its server (the kill) is over for the customer too.
      if (c.stream && !c.stopped) c.stream.closed.then(() => (c.stopped = true));
    }
  }, 20);
  side.dialled = () => ours().map((c) => c.form.To);
  side.stop = () => clearInterval(timer);
  return side;
}

test("a campaign of 50 calls everyone once, 5 at a time, across a kill -9, and ends", { timeout: 60000 }, async () => {
  const numbers = Array.from({ length: 50 }, (_, i) => `+1650777${String(1000 + i)}`);
  const side = customers(numbers);
  try {
    const campaign = await client().campaigns.campaignControllerCreateV2({
      name: "Clinic reminders",
      assistantId: rig.assistant.id,
      phoneNumberId: number.id,
      customers: numbers.map((n, i) => ({ number: n, name: `Patient ${i}` })),
      maxConcurrency: 5,
    });
    assert.equal(campaign.status, "scheduled");

    // Under way: in progress, 5 calls in flight, the counters moving.
    await until(() => side.dialled().length >= 15, "15 customers dialled", 20000);
    const running = await client().campaigns.campaignControllerFindOneV2({ id: campaign.id, includeCounters: true });
    assert.equal(running.status, "in-progress");
    const c = running.contactCounters;
    assert.equal(c.pending + c.dispatched + c.completed + c.failed, 50, JSON.stringify(c));
    assert.ok(c.dispatched <= 5, JSON.stringify(c));
    assert.ok(c.completed > 0, JSON.stringify(c));

    // kill -9 in the middle; the restarted server takes the campaign up where it was.
    await rig.env.restart();
    const ended = await eventually(async () => {
      const now = await client().campaigns.campaignControllerFindOne({ id: campaign.id });
      return now.status === "ended" && now;
    }, "the campaign's end", 40000);
    assert.equal(ended.endedReason, "campaign.ended.success");
    assert.equal(ended.callsCounterEnded, 50);
    assert.equal(ended.callsCounterInProgress + ended.callsCounterQueued + ended.callsCounterScheduled, 0);

    // Everyone dialled exactly once, never more than 5 on the line at once.
    assert.deepEqual([...side.dialled()].sort(), [...numbers].sort());
    assert.ok(side.peak <= 5, `peak ${side.peak}`);
    assert.equal(side.peak, 5, "it used its concurrency");

    // Each contact: one call of the campaign, ended; completed when answered, else failed with
    // its call's reason (the calls the kill cut off).
    const contacts = (await client().campaigns.campaignControllerGetCampaignV2Contacts({ id: campaign.id, limit: 100 })).results;
    assert.equal(contacts.length, 50);
    const calls = (await client().calls.list({ limit: 1000 })).filter((call) => call.campaignId === campaign.id);
    assert.equal(calls.length, 50);
    const byId = new Map(calls.map((call) => [call.id, call]));
    for (const contact of contacts) {
      const call = byId.get(contact.callId);
      assert.ok(call, `the call of ${contact.number}`);
      assert.equal(call.customer.number, contact.number);
      assert.equal(call.status, "ended");
      assert.equal(contact.endedReason, call.endedReason);
      assert.ok(contact.dispatchedAt);
      assert.ok(["contact.completed", "contact.failed"].includes(contact.status), contact.status);
      if (contact.status === "contact.failed") assert.equal(call.endedReason, "call.in-progress.error-vapifault-worker-died");
    }
    const summary = await client().campaigns.campaignControllerFindOneV2({ id: campaign.id, includeCounters: true });
    const completed = contacts.filter((x) => x.status === "contact.completed").length;
    assert.deepEqual(summary.contactCounters, {
      pending: 0, dispatched: 0, completed, failed: 50 - completed, skipped: 0, predialFailed: 0,
    });
    assert.ok(completed >= 40, `completed ${completed}`);
    assert.equal(summary.callMetrics.connected, completed);
    assert.ok(summary.callMetrics.dialed >= completed && summary.callMetrics.dialed <= 50);
  } finally {
    side.stop();
  }
});

test("cancelling a running campaign: calls in flight finish, nobody else is dialled", { timeout: 30000 }, async () => {
  const numbers = Array.from({ length: 10 }, (_, i) => `+1650778${String(1000 + i)}`);
  const side = customers(numbers);
  try {
    const campaign = await client().campaigns.campaignControllerCreate({
      name: "Cancelled", assistantId: rig.assistant.id, phoneNumberId: number.id,
      customers: numbers.map((n) => ({ number: n })), maxConcurrency: 2,
    });
    await until(() => side.dialled().length >= 2, "the first two dialled");
    const cancelled = await client().campaigns.campaignControllerUpdate({ id: campaign.id, body: { status: "cancelled" } });
    assert.equal(cancelled.status, "cancelled");
    const dialled = side.dialled().length;
    await eventually(async () => {
      const now = await client().campaigns.campaignControllerFindOne({ id: campaign.id });
      return now.callsCounterInProgress + now.callsCounterQueued + now.callsCounterScheduled === 0;
    }, "the calls in flight ended", 10000);
    assert.ok(side.dialled().length <= dialled + 2, "at most the calls already claimed");
    const { contactCounters } = await client().campaigns.campaignControllerFindOneV2({ id: campaign.id, includeCounters: true });
    assert.equal(contactCounters.pending, 0);
    assert.equal(contactCounters.dispatched, 0);
    assert.equal(contactCounters.skipped, 10 - side.dialled().length);
    assert.equal(contactCounters.completed + contactCounters.failed, side.dialled().length);
  } finally {
    side.stop();
  }
});

test("a campaign waits for its schedulePlan's earliestAt, and one whose latestAt passed calls nobody", { timeout: 30000 }, async () => {
  const numbers = [`+16507790001`, `+16507790002`];
  const side = customers(numbers);
  try {
    const earliestAt = new Date(Date.now() + 1500).toISOString();
    const waiting = await client().campaigns.campaignControllerCreate({
      name: "Later", assistantId: rig.assistant.id, phoneNumberId: number.id,
      customers: [{ number: numbers[0] }], schedulePlan: { earliestAt },
    });
    const past = await client().campaigns.campaignControllerCreate({
      name: "Too late", assistantId: rig.assistant.id, phoneNumberId: number.id, customers: [{ number: numbers[1] }],
      schedulePlan: { earliestAt: "2020-01-01T00:00:00.000Z", latestAt: "2020-01-01T01:00:00.000Z" },
    });
    await eventually(async () => (await client().campaigns.campaignControllerFindOne({ id: past.id })).status === "ended", "the late campaign's end");
    assert.deepEqual(side.dialled(), []);
    assert.equal((await client().campaigns.campaignControllerFindOne({ id: waiting.id })).status, "scheduled");
    await until(() => side.dialled().length === 1, "the call at earliestAt", 10000);
    const call = rig.providers.twilioCalls.find((c) => c.form.To === numbers[0]);
    assert.ok(call.at >= Date.parse(earliestAt) - 50, "not before earliestAt");
    const [contact] = (await client().campaigns.campaignControllerGetCampaignV2Contacts({ id: past.id })).results;
    assert.equal(contact.status, "contact.skipped");
    // The customer hangs up; the campaign has called everyone.
    await eventually(async () => (await client().campaigns.campaignControllerFindOne({ id: waiting.id })).status === "ended", "the campaign's end");
  } finally {
    side.stop();
  }
});

test("a campaign's serverMessages: started, each contact dispatched then completed, ended — in order", { timeout: 30000 }, async () => {
  const receiver = await startReceiver();
  const numbers = ["+16507900001", "+16507900002"];
  const side = customers(numbers);
  try {
    const campaign = await client().campaigns.campaignControllerCreate({
      name: "Told", assistantId: rig.assistant.id, phoneNumberId: number.id, maxConcurrency: 1,
      customers: numbers.map((n) => ({ number: n })), server: { url: receiver.url("/progress") },
      serverMessages: ["campaign.started", "contact.dispatched", "contact.completed", "contact.failed", "campaign.ended"],
    });
    const hits = await receiver.waitFor("/progress", 6, 20000);
    const seen = hits.map((h) => [h.json.message.type, h.json.message.contact?.number].filter(Boolean).join(" "));
    assert.deepEqual(seen, [
      "campaign.started", `contact.dispatched ${numbers[0]}`, `contact.completed ${numbers[0]}`,
      `contact.dispatched ${numbers[1]}`, `contact.completed ${numbers[1]}`, "campaign.ended",
    ]);
    for (const h of hits) assert.equal(h.json.message.campaign.id, campaign.id);
    const ended = hits[5].json.message;
    assert.equal(ended.campaign.status, "ended");
    assert.equal(ended.campaign.endedReason, "campaign.ended.success");
    assert.match(hits[2].json.message.contact.callId, /^[0-9a-f-]{36}$/);
    assert.equal(typeof hits[0].json.message.timestamp, "number");
  } finally {
    side.stop();
    await receiver.close();
  }
});

test("predialPlan: each contact is offered to the campaign's server first; its answer decides", { timeout: 30000 }, async () => {
  const receiver = await startReceiver();
  const numbers = ["+16507800001", "+16507800002", "+16507800003"];
  const side = customers(numbers);
  try {
    // The first is eligible, the second is not, the third's answer is not a boolean.
    const answers = { [numbers[0]]: { eligible: true }, [numbers[1]]: { eligible: false }, [numbers[2]]: { eligible: "maybe" } };
    receiver.on("/predial", (hit) => ({ body: JSON.stringify(answers[hit.json.message.contact.number]) }));
    const campaign = await client().campaigns.campaignControllerCreate({
      name: "Predial", assistantId: rig.assistant.id, phoneNumberId: number.id,
      customers: numbers.map((n, i) => ({ number: n, name: `P${i}` })),
      server: { url: receiver.url("/predial") }, predialPlan: { enabled: true },
    });
    const hits = await receiver.waitFor("/predial", 3);
    const message = hits[0].json.message;
    assert.equal(message.type, "campaign.predial");
    assert.equal(message.campaignId, campaign.id);
    assert.equal(message.contact.campaignId, campaign.id);
    assert.equal(message.customer.number, message.contact.number);
    await eventually(async () => (await client().campaigns.campaignControllerFindOne({ id: campaign.id })).status === "ended", "the campaign's end", 15000);
    assert.deepEqual(side.dialled(), [numbers[0]]);
    const contacts = (await client().campaigns.campaignControllerGetCampaignV2Contacts({ id: campaign.id })).results;
    assert.deepEqual(contacts.map((c) => c.status), ["contact.completed", "contact.skipped", "contact.predial-failed"]);
    assert.equal(contacts[2].endedReason, "campaign.predial.invalid-response");
    const { contactCounters } = await client().campaigns.campaignControllerFindOneV2({ id: campaign.id, includeCounters: true });
    assert.deepEqual(contactCounters, { pending: 0, dispatched: 0, completed: 1, failed: 0, skipped: 1, predialFailed: 1 });
  } finally {
    side.stop();
    await receiver.close();
  }
});
