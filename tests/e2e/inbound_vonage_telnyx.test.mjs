// Inbound calls on Vonage and Telnyx numbers: every branch of the routing order through each
// provider's own webhook — Vonage's answer webhook (signed JWT) answered with an NCCO, Telnyx's
// TeXML webhook (ed25519-signed) answered with TeXML — and each provider's status event ending
// the call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { startServer } from "./harness.mjs";
import { credential, nextNumber } from "./fixtures.mjs";
import { nextCallSid, startReceiver, telnyxHeaders as signedBy, vonageJwt } from "./telephony_helpers.mjs";

const CALLER = "+14155550123";
const VONAGE_SECRET = "vonage-signature-secret";
const telnyxKeys = generateKeyPairSync("ed25519");
const TELNYX_PUBLIC = telnyxKeys.publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("base64");
const telnyxHeaders = (body, key = telnyxKeys.privateKey) => signedBy(body, key);

let server, client, receiver, assistantId, vonageCredentialId, telnyxCredentialId;
before(async () => {
  receiver = await startReceiver();
  server = await startServer({ args: ["--telnyx-public-key", TELNYX_PUBLIC] });
  client = server.client;
  assistantId = (await client.assistants.create({ name: "Reception", server: { url: `${receiver.url}/assistant-hook` } })).id;
  vonageCredentialId = await credential(server, { provider: "vonage", apiKey: "vonage-key", apiSecret: VONAGE_SECRET });
  telnyxCredentialId = await credential(server, { provider: "telnyx", apiKey: "KEY0123456789" });
});
after(async () => {
  await server?.stop();
  await receiver?.close();
});

async function post(path, body, headers) {
  const res = await fetch(server.baseUrl + path, { method: "POST", headers, body });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

const providers = {
  vonage: {
    create: (extra) => client.phoneNumbers.create({ provider: "vonage", number: nextNumber("+1415888"), credentialId: vonageCredentialId, ...extra }),
    async ring(number, { from = CALLER, badSignature = false } = {}) {
      const uuid = randomUUID();
      const body = JSON.stringify({ from: from.slice(1), to: number.number.slice(1), uuid, conversation_uuid: `CON-${uuid}` });
      const jwt = vonageJwt(badSignature ? "wrong-secret" : VONAGE_SECRET, body);
      const res = await post("/vonage/inbound_call", body, { "Content-Type": "application/json", Authorization: `Bearer ${jwt}` });
      return { ...res, callId: uuid };
    },
    async end(number, callId, status) {
      const body = JSON.stringify({ from: CALLER.slice(1), to: number.number.slice(1), uuid: callId, status });
      return post("/vonage/event", body, { "Content-Type": "application/json", Authorization: `Bearer ${vonageJwt(VONAGE_SECRET, body)}` });
    },
    expect: {
      transfer: (n, from) => [{ action: "connect", from, endpoint: [{ type: "phone", number: n.slice(1) }] }],
      say: (text) => [{ action: "talk", text }],
      stream: (callId, url) => [{ action: "connect", endpoint: [{ type: "websocket", uri: url, "content-type": "audio/l16;rate=16000", headers: { callId } }] }],
      hangup: () => [],
    },
    parse: (body) => JSON.parse(body),
  },
  telnyx: {
    create: (extra) => client.phoneNumbers.create({ provider: "telnyx", number: nextNumber("+1415999"), credentialId: telnyxCredentialId, ...extra }),
    async ring(number, { from = CALLER, badSignature = false } = {}) {
      const callSid = `v3:${nextCallSid()}`;
      const body = new URLSearchParams({ CallSid: callSid, From: from, To: number.number, CallStatus: "ringing", Direction: "inbound", AccountSid: "telnyx-account" }).toString();
      const key = badSignature ? generateKeyPairSync("ed25519").privateKey : undefined;
      const res = await post("/telnyx/inbound_call", body, { "Content-Type": "application/x-www-form-urlencoded", ...telnyxHeaders(body, key) });
      return { ...res, callId: callSid };
    },
    async end(number, callId, status) {
      const body = JSON.stringify({ data: { event_type: "call.hangup", payload: { call_control_id: callId, to: number.number, from: CALLER, hangup_cause: status === "completed" ? "normal_clearing" : "user_busy" } } });
      return post("/telnyx/status", body, { "Content-Type": "application/json", ...telnyxHeaders(body) });
    },
    expect: {
      transfer: (n, from) => `<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="${from}"><Number>${n}</Number></Dial></Response>`,
      say: (text) => `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${text}</Say><Hangup/></Response>`,
      // TeXML's <Stream> takes no <Parameter>: the call id rides in the URL.
      stream: (callId, url) => `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${url}?callId=${callId}" bidirectionalMode="rtp"/></Connect></Response>`,
      hangup: () => `<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>`,
    },
    parse: (body) => body,
  },
};

async function callFor(providerCallId) {
  const found = (await client.calls.list({ limit: 1000 })).filter((c) => c.phoneCallProviderId === providerCallId);
  assert.equal(found.length, 1, `one call for ${providerCallId}`);
  return found[0];
}

const streamUrl = (provider, callId) => `${server.baseUrl.replace(/^http/, "ws")}/${provider}/stream/${callId}`;

for (const [name, p] of Object.entries(providers)) {
  test(`${name}: a wrong signature → 403, no call`, async () => {
    const number = await p.create({ assistantId });
    const res = await p.ring(number, { badSignature: true });
    assert.equal(res.status, 403);
    assert.equal((await client.calls.list({ limit: 1000 })).some((c) => c.phoneCallProviderId === res.callId), false);
  });

  test(`${name}: call.ringing hook transfer (first action only)`, async () => {
    const number = await p.create({ assistantId, hooks: [{ on: "call.ringing", filters: [{ type: "startsWith", key: "number", startsWith: ["1415"] }],
      do: [{ type: "transfer", destination: { type: "number", number: "+16505550100" } }, { type: "say", exact: "unused" }] }] });
    const res = await p.ring(number);
    assert.equal(res.status, 200);
    assert.deepEqual(p.parse(res.body), p.expect.transfer("+16505550100", name === "vonage" ? CALLER.slice(1) : CALLER));
    assert.equal((await callFor(res.callId)).endedReason, "call.ringing.hook-executed-transfer");
  });

  test(`${name}: call.ringing hook say, skipped for callers its filter does not match`, async () => {
    const number = await p.create({ assistantId, hooks: [{ on: "call.ringing", filters: [{ type: "startsWith", key: "number", startsWith: ["44"] }],
      do: [{ type: "say", exact: "Hello UK" }] }] });
    const uk = await p.ring(number, { from: "+447700900123" });
    assert.deepEqual(p.parse(uk.body), p.expect.say("Hello UK"));
    assert.equal((await callFor(uk.callId)).endedReason, "call.ringing.hook-executed-say");
    const us = await p.ring(number);
    const call = await callFor(us.callId);
    assert.deepEqual(p.parse(us.body), p.expect.stream(call.id, streamUrl(name, call.id)));
  });

  test(`${name}: assistantId takes the call; the provider's event ends it`, async () => {
    const number = await p.create({ assistantId });
    const res = await p.ring(number);
    const call = await callFor(res.callId);
    assert.deepEqual(p.parse(res.body), p.expect.stream(call.id, streamUrl(name, call.id)));
    assert.equal(call.status, "in-progress");
    assert.equal(call.phoneCallProvider, name);
    assert.equal((await p.end(number, res.callId, "completed")).status, 204);
    const ended = await client.calls.get({ id: call.id });
    assert.equal(ended.status, "ended");
    assert.equal(ended.endedReason, "customer-ended-call");
    await receiver.waitFor((r) => r.body?.message?.type === "end-of-call-report" && r.body.message.call?.id === call.id);
  });

  test(`${name}: assistant-request answers with the assistant`, async () => {
    receiver.respond((r) => (r.body?.message?.type === "assistant-request" ? { body: { assistantId } } : { body: {} }));
    const number = await p.create({ server: { url: `${receiver.url}/number-hook` } });
    const res = await p.ring(number);
    const call = await callFor(res.callId);
    assert.deepEqual(p.parse(res.body), p.expect.stream(call.id, streamUrl(name, call.id)));
    assert.equal(call.assistantId, assistantId);
  });

  test(`${name}: squadId takes the call; a deleted assistant counts as unset`, async () => {
    const squadId = (await client.squads.create({ name: `${name} desk`, members: [{ assistantId }] })).id;
    const bySquad = await p.ring(await p.create({ squadId }));
    const call = await callFor(bySquad.callId);
    assert.deepEqual(p.parse(bySquad.body), p.expect.stream(call.id, streamUrl(name, call.id)));
    assert.equal(call.squadId, squadId);
    const gone = (await client.assistants.create({ name: "Temp" })).id;
    const dangling = await p.create({ assistantId: gone, fallbackDestination: { type: "number", number: "+16505550111" } });
    await client.assistants.delete({ id: gone });
    const res = await p.ring(dangling);
    assert.deepEqual(p.parse(res.body), p.expect.transfer("+16505550111", name === "vonage" ? CALLER.slice(1) : CALLER));
    assert.equal((await callFor(res.callId)).endedReason, "call-start-error-neither-assistant-nor-server-set");
  });

  test(`${name}: assistant-request returns a transfer destination`, async () => {
    receiver.respond(() => ({ body: { destination: { type: "number", number: "+16505550122" } } }));
    const number = await p.create({ server: { url: `${receiver.url}/number-hook` } });
    const res = await p.ring(number);
    assert.deepEqual(p.parse(res.body), p.expect.transfer("+16505550122", name === "vonage" ? CALLER.slice(1) : CALLER));
    assert.equal((await callFor(res.callId)).endedReason, "assistant-request-returned-forwarding-phone-number");
    receiver.respond(() => ({ body: {} }));
  });

  test(`${name}: a call.ending hook on the failure's reason says its text instead`, async () => {
    receiver.respond(() => ({ status: 502 }));
    const number = await p.create({ server: { url: `${receiver.url}/number-hook` },
      hooks: [{ on: "call.ending", filters: [{ type: "oneOf", key: "call.endedReason", oneOf: ["assistant-request-failed"] }],
        do: { type: "say", exact: "Please call back later." } }] });
    const res = await p.ring(number);
    assert.deepEqual(p.parse(res.body), p.expect.say("Please call back later."));
    assert.equal((await callFor(res.callId)).endedReason, "call.ending.hook-executed-say");
    receiver.respond(() => ({ body: {} }));
  });

  test(`${name}: assistant-request error is spoken`, async () => {
    receiver.respond(() => ({ body: { error: "Closed for the holidays." } }));
    const number = await p.create({ server: { url: `${receiver.url}/number-hook` } });
    const res = await p.ring(number);
    assert.deepEqual(p.parse(res.body), p.expect.say("Closed for the holidays."));
    assert.equal((await callFor(res.callId)).endedReason, "assistant-request-returned-error");
  });

  test(`${name}: assistant-request fails → fallbackDestination, else hang up`, async () => {
    receiver.respond(() => ({ status: 500 }));
    const withFallback = await p.create({ server: { url: `${receiver.url}/number-hook` },
      fallbackDestination: { type: "number", number: "+16505550199", callerId: "+14155550000" } });
    const a = await p.ring(withFallback);
    assert.deepEqual(p.parse(a.body), p.expect.transfer("+16505550199", name === "vonage" ? "14155550000" : "+14155550000"));
    assert.equal((await callFor(a.callId)).endedReason, "assistant-request-failed");
    const bare = await p.create({ server: { url: `${receiver.url}/number-hook` } });
    const b = await p.ring(bare);
    assert.deepEqual(p.parse(b.body), p.expect.hangup());
    assert.equal((await callFor(b.callId)).endedReason, "assistant-request-failed");
    receiver.respond(() => ({ body: {} }));
  });

  test(`${name}: nothing configured → hang up, call-start-error-neither-assistant-nor-server-set`, async () => {
    const number = await p.create({});
    const res = await p.ring(number);
    assert.deepEqual(p.parse(res.body), p.expect.hangup());
    assert.equal((await callFor(res.callId)).endedReason, "call-start-error-neither-assistant-nor-server-set");
  });
}

test("telnyx: without --telnyx-public-key every Telnyx webhook is refused", async () => {
  const bare = await startServer();
  try {
    const credentialId = await credential(bare, { provider: "telnyx", apiKey: "KEY0123456789" });
    const number = await bare.client.phoneNumbers.create({ provider: "telnyx", number: nextNumber("+1415999"), credentialId });
    const body = new URLSearchParams({ CallSid: "v3:x", From: CALLER, To: number.number }).toString();
    const res = await fetch(`${bare.baseUrl}/telnyx/inbound_call`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...telnyxHeaders(body) }, body });
    assert.equal(res.status, 403);
    assert.equal((await bare.client.calls.list({ limit: 10 })).length, 0);
  } finally {
    await bare.stop();
  }
});
