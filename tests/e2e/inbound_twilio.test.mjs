// Inbound calls on a Twilio number, one test per branch of the routing order, driven by signed
// Twilio form posts to /twilio/inbound_call; asserts the TwiML answered, the Call object stored
// and the server messages sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, createOrg } from "./harness.mjs";
import { nextNumber } from "./fixtures.mjs";
import { twilioPost, twilioRing, nextCallSid, startReceiver } from "./telephony_helpers.mjs";

const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-tests";
const CALLER = "+14155550123";

let server, client, receiver, assistantId, squadId;
before(async () => {
  receiver = await startReceiver();
  server = await startServer();
  client = server.client;
  const assistant = await client.assistants.create({
    name: "Reception", firstMessage: "Hello",
    model: { provider: "openai", model: "gpt-4o-mini" },
    server: { url: `${receiver.url}/assistant-hook` },
  });
  assistantId = assistant.id;
  squadId = (await client.squads.create({ name: "Desk", members: [{ assistantId }] })).id;
});
after(async () => {
  await server?.stop();
  await receiver?.close();
});

/** A Twilio number of the org with `extra` fields; resolves the stored number. */
async function twilioNumber(extra = {}) {
  return client.phoneNumbers.create({
    provider: "twilio", number: nextNumber("+1415777"), twilioAccountSid: ACCOUNT,
    twilioAuthToken: TOKEN, ...extra,
  });
}

/** Rings `number` from `from`; resolves {status, type, body, callSid}. */
async function ring(number, { from = CALLER, token = TOKEN, signature } = {}) {
  const callSid = nextCallSid();
  const params = twilioRing({ to: number.number, from, accountSid: ACCOUNT, callSid });
  const res = await twilioPost(server, "/twilio/inbound_call", params, { authToken: token, signature });
  return { ...res, callSid };
}

/** The Call stored for a Twilio CallSid. */
async function callFor(callSid) {
  const calls = await client.calls.list({ limit: 1000 });
  const found = calls.filter((c) => c.phoneCallProviderId === callSid);
  assert.equal(found.length, 1, `one call for ${callSid}`);
  return found[0];
}

const transferHook = (number, startsWith) => ({
  on: "call.ringing",
  ...(startsWith ? { filters: [{ type: "startsWith", key: "number", startsWith }] } : {}),
  do: [{ type: "transfer", destination: { type: "number", number } }, { type: "say", exact: "never said" }],
});

test("a wrong or missing signature → 403 and no call", async () => {
  const number = await twilioNumber({ assistantId });
  const before = (await client.calls.list({ limit: 1000 })).length;
  assert.equal((await ring(number, { token: "not-the-token" })).status, 403);
  assert.equal((await ring(number, { signature: "" })).status, 403);
  assert.equal((await client.calls.list({ limit: 1000 })).length, before);
});

test("an unknown number → 404 Phone number not found", async () => {
  const res = await ring({ number: "+19995550000" });
  assert.equal(res.status, 404);
  assert.equal(JSON.parse(res.body).message, "Phone number not found");
});

test("call.ringing hook without filters: its first action (transfer) runs", async () => {
  const number = await twilioNumber({ assistantId, hooks: [transferHook("+16505550100")] });
  const res = await ring(number);
  assert.equal(res.status, 200);
  assert.match(res.type, /xml/);
  assert.match(res.body, /<Dial[^>]*callerId="\+14155550123"[^>]*>\s*<Number>\+16505550100<\/Number>\s*<\/Dial>/);
  assert.doesNotMatch(res.body, /never said/);
  const call = await callFor(res.callSid);
  assert.equal(call.type, "inboundPhoneCall");
  assert.equal(call.phoneNumberId, number.id);
  assert.equal(call.customer.number, CALLER);
  assert.equal(call.status, "ended");
  assert.equal(call.endedReason, "call.ringing.hook-executed-transfer");
});

test("call.ringing hook filters: startsWith matches the caller without '+'", async () => {
  const number = await twilioNumber({
    assistantId,
    hooks: [
      transferHook("+16505550101", ["1212"]),  // does not match the caller
      { on: "call.ringing", filters: [{ type: "startsWith", key: "number", startsWith: ["1415"] }],
        do: [{ type: "say", exact: "We are closed <today> & tomorrow." }] },
    ],
  });
  const res = await ring(number);
  assert.match(res.body, /<Say>We are closed &lt;today&gt; &amp; tomorrow\.<\/Say>\s*<Hangup\/>/);
  assert.doesNotMatch(res.body, /Dial/);
  assert.equal((await callFor(res.callSid)).endedReason, "call.ringing.hook-executed-say");
  // A caller no filter matches skips the hooks and reaches the assistant.
  const other = await ring(number, { from: "+13125550100" });
  assert.match(other.body, /<Connect>\s*<Stream url="ws:\/\/[^"]+\/twilio\/stream\/[0-9a-f-]{36}"/);
});

test("assistantId: the assistant takes the call over a media stream", async () => {
  const number = await twilioNumber({ assistantId });
  const res = await ring(number);
  const call = await callFor(res.callSid);
  assert.match(res.body, new RegExp(`<Connect>\\s*<Stream url="ws://[^"]+/twilio/stream/${call.id}"`));
  assert.equal(call.status, "in-progress");
  assert.equal(call.assistantId, assistantId);
  // status-update goes to the assistant's server.
  const update = await receiver.waitFor((r) => r.body?.message?.type === "status-update" && r.body.message.call?.id === call.id);
  assert.equal(update.path, "/assistant-hook");
  assert.equal(update.body.message.status, "in-progress");
});

test("squadId: the squad takes the call", async () => {
  const number = await twilioNumber({ squadId });
  const res = await ring(number);
  assert.match(res.body, /<Stream /);
  const call = await callFor(res.callSid);
  assert.equal(call.squadId, squadId);
  assert.equal(call.status, "in-progress");
});

test("assistant-request: the server's reply picks the assistant", async () => {
  receiver.respond((r) => r.path === "/number-hook" && r.body?.message?.type === "assistant-request"
    ? { body: { assistantId } } : { body: {} });
  const number = await twilioNumber({ server: { url: `${receiver.url}/number-hook` } });
  const res = await ring(number);
  assert.match(res.body, /<Stream /);
  const request = await receiver.waitFor((r) => r.path === "/number-hook" && r.body?.message?.type === "assistant-request");
  assert.equal(request.body.message.phoneNumber.id, number.id);
  assert.equal(request.body.message.customer.number, CALLER);
  const call = await callFor(res.callSid);
  assert.equal(call.assistantId, assistantId);
  assert.equal(request.body.message.call.id, call.id);
});

test("assistant-request: a transfer destination in the reply is dialled", async () => {
  receiver.respond(() => ({ body: { destination: { type: "sip", sipUri: "sip:desk@example.com" } } }));
  const number = await twilioNumber({ server: { url: `${receiver.url}/number-hook` } });
  const res = await ring(number);
  assert.match(res.body, /<Dial[^>]*>\s*<Sip>sip:desk@example\.com<\/Sip>\s*<\/Dial>/);
  assert.equal((await callFor(res.callSid)).endedReason, "assistant-request-returned-forwarding-phone-number");
});

test("assistant-request: an error in the reply is spoken, then the call hangs up", async () => {
  receiver.respond(() => ({ body: { error: "Sorry, we are closed." } }));
  const number = await twilioNumber({ server: { url: `${receiver.url}/number-hook` } });
  const res = await ring(number);
  assert.match(res.body, /<Say>Sorry, we are closed\.<\/Say>\s*<Hangup\/>/);
  assert.equal((await callFor(res.callSid)).endedReason, "assistant-request-returned-error");
});

test("assistant-request fails → fallbackDestination", async () => {
  receiver.respond(() => ({ status: 500 }));
  const number = await twilioNumber({
    server: { url: `${receiver.url}/number-hook` },
    fallbackDestination: { type: "number", number: "+16505550199", callerId: "+14155550000" },
  });
  const res = await ring(number);
  assert.match(res.body, /<Dial[^>]*callerId="\+14155550000"[^>]*>\s*<Number>\+16505550199<\/Number>/);
  assert.equal((await callFor(res.callSid)).endedReason, "assistant-request-failed");
});

test("assistant-request times out at 7.5 s end-to-end → fallback", { timeout: 20000 }, async () => {
  receiver.respond(() => ({ delayMs: 9000 }));
  const number = await twilioNumber({
    server: { url: `${receiver.url}/number-hook`, timeoutSeconds: 20 },
    fallbackDestination: { type: "number", number: "+16505550198" },
  });
  const started = Date.now();
  const res = await ring(number);
  const took = Date.now() - started;
  assert.ok(took >= 7000 && took < 8500, `answered after ${took} ms`);
  assert.match(res.body, /<Number>\+16505550198<\/Number>/);
  receiver.respond(() => ({ body: {} }));
});

test("assistant-request fails and no fallback → hang up, endedReason assistant-request-failed", async () => {
  receiver.respond(() => ({ drop: true }));
  const number = await twilioNumber({ server: { url: `${receiver.url}/number-hook` } });
  const res = await ring(number);
  assert.match(res.body, /<Response><Reject\/><\/Response>/);  // refused before answering: no charge
  assert.doesNotMatch(res.body, /<Dial|<Stream/);
  const call = await callFor(res.callSid);
  assert.equal(call.status, "ended");
  assert.equal(call.endedReason, "assistant-request-failed");
  receiver.respond(() => ({ body: {} }));
});

test("a deleted assistant counts as unset; nothing else set → hang up with the documented reason", async () => {
  const gone = await client.assistants.create({ name: "Temp" });
  const number = await twilioNumber({ assistantId: gone.id });
  await client.assistants.delete({ id: gone.id });
  const res = await ring(number);
  assert.match(res.body, /<Reject\/>/);
  assert.equal((await callFor(res.callSid)).endedReason, "call-start-error-neither-assistant-nor-server-set");
});

test("call.ending hook on assistant-request-failed transfers instead of hanging up", async () => {
  receiver.respond(() => ({ status: 503 }));
  const number = await twilioNumber({
    server: { url: `${receiver.url}/number-hook` },
    hooks: [{ on: "call.ending", filters: [{ type: "oneOf", key: "call.endedReason", oneOf: ["assistant-request-failed"] }],
      do: { type: "transfer", destination: { type: "number", number: "+16505550177" } } }],
  });
  const res = await ring(number);
  assert.match(res.body, /<Number>\+16505550177<\/Number>/);
  assert.equal((await callFor(res.callSid)).endedReason, "call.ending.hook-executed-transfer");
  receiver.respond(() => ({ body: {} }));
});

test("Twilio's status callback ends the call and sends status-update + end-of-call-report", async () => {
  const number = await twilioNumber({ assistantId });
  const res = await ring(number);
  const call = await callFor(res.callSid);
  const params = { AccountSid: ACCOUNT, CallSid: res.callSid, CallStatus: "completed", To: number.number, From: CALLER };
  const bad = await twilioPost(server, "/twilio/status", params, { authToken: "wrong" });
  assert.equal(bad.status, 403);
  assert.equal((await client.calls.get({ id: call.id })).status, "in-progress");
  const ok = await twilioPost(server, "/twilio/status", params, { authToken: TOKEN });
  assert.equal(ok.status, 204);
  // The call is live (waiting for its media stream): it ends itself, and the callback is
  // answered once that end is stored.
  const ended = await client.calls.get({ id: call.id });
  assert.equal(ended.status, "ended");
  assert.equal(ended.endedReason, "customer-ended-call");
  const report = await receiver.waitFor((r) => r.body?.message?.type === "end-of-call-report" && r.body.message.call?.id === call.id);
  assert.equal(report.body.message.endedReason, "customer-ended-call");
  const updates = receiver.requests.filter((r) => r.body?.message?.type === "status-update" && r.body.message.call?.id === call.id);
  assert.deepEqual(updates.map((u) => u.body.message.status), ["in-progress", "ended"]);
  // A late duplicate callback changes nothing.
  assert.equal((await twilioPost(server, "/twilio/status", { ...params, CallStatus: "busy" }, { authToken: TOKEN })).status, 204);
  assert.equal((await client.calls.get({ id: call.id })).endedReason, "customer-ended-call");
});

test("the same number in two orgs: the signature picks the org", async () => {
  const mine = await twilioNumber({ assistantId });
  const orgB = await createOrg(server, "second org");
  const theirs = await orgB.client.phoneNumbers.create({
    provider: "twilio", number: mine.number, twilioAccountSid: ACCOUNT, twilioAuthToken: "org-b-token",
  });
  const res = await ring(mine, { token: "org-b-token" });
  assert.match(res.body, /<Reject\/>/);  // org B's number has nothing set
  const inB = (await orgB.client.calls.list({ limit: 100 })).filter((c) => c.phoneCallProviderId === res.callSid);
  assert.equal(inB.length, 1);
  assert.equal(inB[0].phoneNumberId, theirs.id);
  assert.equal((await client.calls.list({ limit: 1000 })).some((c) => c.phoneCallProviderId === res.callSid), false);
});
