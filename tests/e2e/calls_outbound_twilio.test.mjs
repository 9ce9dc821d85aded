// Outbound phone calls through Twilio: POST /call with a Twilio number and a customer stores
// the call (queued), answers 201, then dials through Twilio's Calls resource; the stand-in
// (twilio_calls_standin.mjs) answers as Twilio does — 201 with a CallSid, then signed status
// callbacks and, for an answered call, the media stream of the TwiML connected back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startReceiver } from "./webhooks_receiver.mjs";
import { nextNumber } from "./fixtures.mjs";
import { api } from "./harness.mjs";
import { twilioPost } from "./telephony_helpers.mjs";
import { until } from "./voice_helpers.mjs";
import { startOutboundRig } from "./outbound_helpers.mjs";

const ACCOUNT = "AC11112222333344445555666677778888";
const TOKEN = "twilio-auth-token-outbound";

let rig, env, providers, transcriber, number, assistant, customer, waitForStatus;

before(async () => {
  rig = await startOutboundRig({ carrier: "twilio" });
  ({ env, providers, transcriber, assistant, customer, waitForStatus } = rig);
  number = await env.server.client.phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415777"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN });
});
after(() => rig.close());

const dialled = (callId) => providers.twilioCalls.find((c) => c.form.Twiml?.includes(callId));

test("an answered call: in progress, the greeting reaches the callee, speech gets an answer, the end is stored", async () => {
  const receiver = await startReceiver();
  try {
    const to = customer();
    const client = env.server.client;
    const call = await client.calls.create({
      phoneNumberId: number.id, customer: { number: to },
      assistant: rig.reportingAssistant(receiver),
    });
    assert.equal(call.type, "outboundPhoneCall");
    assert.equal(call.status, "queued");
    assert.equal(call.phoneNumberId, number.id);
    assert.equal(call.customer.number, to);

    const twilio = await until(() => dialled(call.id), "the Calls.json request");
    assert.equal(twilio.accountSid, ACCOUNT);
    assert.equal(twilio.form.To, to);
    assert.equal(twilio.form.From, number.number);
    assert.deepEqual(twilio.events, ["initiated", "ringing", "answered", "completed"]);
    assert.equal(twilio.form.Timeout, "4", "rings for 5/6 of --call-connect-timeout 5");
    assert.equal(twilio.form.StatusCallback, `${env.server.baseUrl}/twilio/outbound_status/${call.id}`);
    assert.match(twilio.form.Twiml, new RegExp(`<Connect><Stream url="ws://[^"]+/twilio/stream/${call.id}"><Parameter name="callId" value="${call.id}"/>`));
    const request = providers.requests.find((r) => r.path === `/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    assert.equal(request.headers.authorization, `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString("base64")}`);

    const stream = await until(() => twilio.stream, "the media stream connected back", 5000);
    const live = await waitForStatus(call.id, "in-progress");
    assert.equal(live.phoneCallProviderId, twilio.sid);
    // 34 characters × 40 ms = 1.36 s of the voice stand-in's tone = about 10900 bytes of μ-law.
    await until(() => stream.received >= 10000, "the greeting's audio at the callee", 5000);
    const greeting = stream.received;
    const session = await until(() => transcriber.sessions.find((s) => s.start && s.bytes > 0 && !s.used) , "the transcriber");
    session.used = true;
    session.say("when do you open tomorrow", "final");
    await until(() => env.standin.requests.some((r) => JSON.stringify(r.body ?? "").includes("when do you open tomorrow")), "the model asked");
    await until(() => stream.received > greeting + 4000, "the answer's audio at the callee", 8000);

    stream.stop();
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, "customer-ended-call");
    assert.equal(ended.phoneCallProviderId, twilio.sid);
    assert.equal(ended.type, "outboundPhoneCall");
    await until(() => twilio.callbacks.some((c) => c.status === "completed"), "Twilio's completed callback");
    for (const c of twilio.callbacks.filter((c) => c.status !== "completed")) assert.equal(c.answer, 204, JSON.stringify(c));

    const { statuses, report } = await rig.messagesAt(receiver);
    assert.deepEqual(statuses, ["queued", "ringing", "in-progress", "ended"]);
    assert.equal(report.endedReason, "customer-ended-call");
    assert.match(report.artifact.transcript, /when do you open tomorrow/);
  } finally {
    await receiver.close();
  }
});

for (const [outcome, reason] of [["busy", "customer-busy"], ["no-answer", "customer-did-not-answer"], ["failed", "twilio-failed-to-connect-call"]]) {
  test(`a call Twilio reports ${outcome} ends with ${reason}`, async () => {
    const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome }) } });
    const ended = await waitForStatus(call.id, "ended");
    assert.equal(ended.endedReason, reason);
    assert.equal(ended.phoneCallProviderId, dialled(call.id).sid);
    assert.equal(dialled(call.id).stream, null);
  });
}

test("a call Twilio's REST API refuses ends at once, its endedMessage saying why", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "reject" }) } });
  assert.equal(call.status, "queued");
  const ended = await waitForStatus(call.id, "ended");
  assert.equal(ended.endedReason, "twilio-failed-to-connect-call");
  assert.match(ended.endedMessage, /HTTP 400.*is not a valid phone number/);
  assert.equal(ended.phoneCallProviderId, undefined);
});

test("a call whose stream never connects ends at the connect timeout, and Twilio hangs up", async () => {
  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "silent" }) } });
  const ended = await waitForStatus(call.id, "ended", 10000);
  assert.equal(ended.endedReason, "call.in-progress.error-providerfault-transport-never-connected");
  // Twilio is told to hang up, so the customer is not left ringing.
  const twilio = dialled(call.id);
  await until(() => twilio.updates?.some((u) => u.Status === "completed"), "Status=completed on the Twilio call");
  await until(() => twilio.callbacks.some((c) => c.status === "canceled" && c.answer === 204), "Twilio's final callback");
});

test("customers[]: one call per customer, a CallBatchResponse of results and errors", async () => {
  const a = customer(), b = customer({ outcome: "busy" });
  const res = await api(env.server, "/call", { method: "POST", body: {
    phoneNumberId: number.id, assistantId: assistant.id, customers: [{ number: a }, { name: "no number" }, { number: b }],
  } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.results.length, 2);
  assert.deepEqual(res.body.results.map((c) => c.customer.number).sort(), [a, b].sort());
  for (const c of res.body.results) assert.equal(c.type, "outboundPhoneCall");
  assert.equal(res.body.errors.length, 1);
  assert.deepEqual(res.body.errors[0].customer, { name: "no number" });
  assert.match(res.body.errors[0].error, /customer.number/);
  const answered = res.body.results.find((c) => c.customer.number === a);
  const stream = await until(() => dialled(answered.id)?.stream, "the first customer's stream");
  await waitForStatus(answered.id, "in-progress");
  stream.stop();
  await waitForStatus(answered.id, "ended");
  const busy = await waitForStatus(res.body.results.find((c) => c.customer.number === b).id, "ended");
  assert.equal(busy.endedReason, "customer-busy");
});

test("refusals: no customer number 400, a number of another provider 501, no auth token 400, a wrong callback signature 403", async () => {
  const noCustomer = await api(env.server, "/call", { method: "POST", body: { phoneNumberId: number.id, assistantId: assistant.id } });
  assert.equal(noCustomer.status, 400, JSON.stringify(noCustomer.body));
  assert.match(JSON.stringify(noCustomer.body.message), /customer.number/);
  const sip = await env.server.client.phoneNumbers.create({ provider: "vapi", sipUri: `sip:outbound${Date.now()}@example.com` });
  const other = await api(env.server, "/call", { method: "POST", body: { phoneNumberId: sip.id, assistantId: assistant.id, customer: { number: customer() } } });
  assert.equal(other.status, 501, JSON.stringify(other.body));
  assert.match(other.body.message, /vapi/);

  const keyOnly = await env.server.client.phoneNumbers.create({ provider: "twilio", number: nextNumber("+1415778"), twilioAccountSid: ACCOUNT, twilioApiKey: "SK0123", twilioApiSecret: "key-secret" });
  const noToken = await api(env.server, "/call", { method: "POST", body: { phoneNumberId: keyOnly.id, assistantId: assistant.id, customer: { number: customer() } } });
  assert.equal(noToken.status, 400, JSON.stringify(noToken.body));
  assert.match(JSON.stringify(noToken.body.message), /twilioAuthToken/);

  const call = await env.server.client.calls.create({ phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer({ outcome: "silent" }) } });
  const path = `/twilio/outbound_status/${call.id}`;
  const params = { AccountSid: ACCOUNT, CallSid: "CA0", CallStatus: "busy" };
  assert.equal((await twilioPost(env.server, path, params, { authToken: "not-the-token" })).status, 403);
  assert.equal((await twilioPost(env.server, path, params)).status, 403);
  assert.equal((await env.server.client.calls.get({ id: call.id })).status, "queued");
  assert.equal((await twilioPost(env.server, path, params, { authToken: TOKEN })).status, 204);
  assert.equal((await waitForStatus(call.id, "ended")).endedReason, "customer-busy");
});

test("a call scheduled 2 s ahead is stored scheduled, dialled only at its time under its id, and talks", async () => {
  const earliestAt = new Date(Date.now() + 2000).toISOString();
  const res = await api(env.server, "/call", { method: "POST", body: {
    phoneNumberId: number.id, assistantId: assistant.id, customer: { number: customer() }, schedulePlan: { earliestAt },
  } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const call = res.body;
  assert.equal(call.status, "scheduled");
  assert.deepEqual(call.schedulePlan, { earliestAt });
  assert.equal(call.type, "outboundPhoneCall");
  assert.equal((await api(env.server, `/call/${call.id}`)).body.status, "scheduled");
  const listed = (await api(env.server, "/call")).body.find((c) => c.id === call.id);
  assert.equal(listed?.status, "scheduled");
  assert.equal(dialled(call.id), undefined);

  const twilio = await until(() => dialled(call.id), "the Calls.json request at its time", 8000);
  assert.ok(twilio.at >= Date.parse(earliestAt), `dialled ${Date.parse(earliestAt) - twilio.at} ms early`);
  const stream = await until(() => twilio.stream, "the media stream connected back", 5000);
  assert.equal((await waitForStatus(call.id, "in-progress")).phoneCallProviderId, twilio.sid);
  await until(() => stream.received >= 10000, "the greeting's audio at the callee", 5000);
  stream.stop();
  await waitForStatus(call.id, "ended");
  const ended = (await api(env.server, `/call/${call.id}`)).body;
  assert.equal(ended.endedReason, "customer-ended-call");
  assert.deepEqual(ended.schedulePlan, { earliestAt });
  assert.equal(ended.createdAt, call.createdAt);
  assert.equal(providers.twilioCalls.filter((c) => c.form.Twiml?.includes(call.id)).length, 1, "dialled once");
});

test("a transient phoneNumber dials with its own account; the Call shows it without its secrets", async () => {
  const from = nextNumber("+1415779");
  const call = await env.server.client.calls.create({
    phoneNumber: { twilioPhoneNumber: from, twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN },
    assistantId: assistant.id, customer: { number: customer({ outcome: "no-answer" }) },
  });
  assert.equal(call.phoneNumberId, undefined);
  assert.deepEqual(call.phoneNumber, { provider: "twilio", number: from, twilioAccountSid: ACCOUNT });
  assert.equal(await until(() => dialledFrom(call.id), "the Calls.json request"), from);
  const ended = await waitForStatus(call.id, "ended");
  assert.equal(ended.endedReason, "customer-did-not-answer");
  assert.doesNotMatch(JSON.stringify(ended), new RegExp(TOKEN));
});

function dialledFrom(callId) {
  return dialled(callId)?.form.From;
}
