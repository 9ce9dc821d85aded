// Ids that name other objects are checked in the caller's org when written: a phone number's
// assistant, squad and credentials, the credentials and files of assistants, tools and the
// assistant configurations of squads, what sessions, campaigns, structured outputs and
// scorecards name. A missing id, another org's id and a credential of the wrong type are each
// a 400 naming the field. Deleting a referenced object is allowed and leaves the id in place;
// a later PATCH re-checks only what it writes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, createOrg, assertBadRequest } from "./harness.mjs";
import { nextNumber, orgCredentialId, orgFileId, orgPhoneNumberId, orgRefs } from "./fixtures.mjs";
import { credentialBody } from "./credentials_fixtures.mjs";
import { smallAssistant } from "./agents_fixtures.mjs";
import { DOCUMENTS, form } from "./files_fixtures.mjs";

/** A well-formed id no object has. */
const MISSING = "3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e";

let server, orgB;
/** Org A's objects (the caller's), and org B's (foreign to the caller). */
let mine, theirs;

/** Ids of one org's objects that bodies may name. */
async function objectsOf(apiKey) {
  const refs = await orgRefs(server, apiKey);
  return {
    ...refs,
    phoneNumberId: await orgPhoneNumberId(server, apiKey),
    fileId: await orgFileId(server, apiKey),
    webhookCredentialId: await orgCredentialId(server, "webhook", apiKey),
  };
}

before(async () => {
  server = await startServer();
  orgB = await createOrg(server, "B");  // `switchboard org create B --data-dir …`
  mine = await objectsOf(server.apiKey);
  theirs = await objectsOf(orgB.apiKey);
});
after(async () => {
  await server?.stop();
});

async function send(method, path, body) {
  return api(server, path, { method, body });
}

/** Expects a 201 from POST `path`; resolves the created object. */
async function created(path, body) {
  const res = await send("POST", path, body);
  assert.equal(res.status, 201, `POST ${path}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Expects a 400 from `method path` whose messages are exactly `messages`. */
async function refused(method, path, body, messages) {
  const res = await send(method, path, body);
  assertBadRequest({ statusCode: res.status, body: res.body });
  assert.deepEqual(res.body.message, [messages].flat(), `${method} ${path}`);
}

const missing = (field, kind, id) => `${field} must be the id of an existing ${kind} of this org (${id} is not)`;
const wrongType = (field, types, id, type) => `${field} must be the id of a ${types} credential (${id} is a credential of type ${type})`;
const WEBHOOK_TYPES = "custom-credential or webhook";

/**
 * For a field whose value `body(id)` puts at `field`: a missing id and another org's id are
 * each refused with the same message (another org's objects do not exist for the caller), so
 * nothing is created; the caller's own id is accepted.
 */
async function checksReference(path, field, kind, body, { own, foreign }) {
  const before = await count(path);
  await refused("POST", path, body(MISSING), missing(field, kind, MISSING));
  await refused("POST", path, body(foreign), missing(field, kind, foreign));
  assert.equal(await count(path), before, `a refused POST ${path} must not store anything`);
  await created(path, body(own));
}

/** How many objects `path` lists for the caller (an array, or a page's totalItems). */
async function count(path) {
  const res = await api(server, path);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return Array.isArray(res.body) ? res.body.length : res.body.metadata.totalItems;
}

const byo = (extra) => ({ provider: "byo-phone-number", credentialId: mine.byoCredentialId, number: nextNumber(), ...extra });
const hook = (credentialId) => ({ url: "https://hooks.example.com/vapi", timeoutSeconds: 20, credentialId });

// ---------------------------------------------------------------------------------------------
// phone numbers

test("phone number: assistantId and squadId must name the org's assistant and squad", async () => {
  await checksReference("/phone-number", "assistantId", "assistant", (assistantId) => byo({ assistantId }),
    { own: mine.assistantId, foreign: theirs.assistantId });
  await checksReference("/phone-number", "squadId", "squad", (squadId) => byo({ squadId }),
    { own: mine.squadId, foreign: theirs.squadId });
});

test("phone number: credentialId must name a credential of the provider's type", async () => {
  const cases = [
    ["byo-phone-number", "byo-sip-trunk", "byoCredentialId", "vonageCredentialId", "vonage"],
    ["vonage", "vonage", "vonageCredentialId", "telnyxCredentialId", "telnyx"],
    ["telnyx", "telnyx", "telnyxCredentialId", "byoCredentialId", "byo-sip-trunk"],
  ];
  for (const [provider, type, own, other, otherType] of cases) {
    const body = (credentialId) => ({ provider, number: nextNumber(), credentialId });
    await checksReference("/phone-number", "credentialId", "credential", body, { own: mine[own], foreign: theirs[own] });
    await refused("POST", "/phone-number", body(mine[other]), wrongType("credentialId", type, mine[other], otherType));
  }
});

test("phone number: server.credentialId must name a webhook credential (custom-credential or webhook)", async () => {
  const body = (credentialId) => byo({ server: hook(credentialId) });
  await checksReference("/phone-number", "server.credentialId", "credential", body,
    { own: mine.serverCredentialId, foreign: theirs.serverCredentialId });
  await created("/phone-number", body(mine.webhookCredentialId));
  await refused("POST", "/phone-number", body(mine.byoCredentialId),
    wrongType("server.credentialId", WEBHOOK_TYPES, mine.byoCredentialId, "byo-sip-trunk"));
});

test("phone number: every bad reference of a body is reported, each naming its field", async () => {
  await refused("POST", "/phone-number",
    byo({ credentialId: mine.telnyxCredentialId, assistantId: MISSING, squadId: theirs.squadId, server: hook(mine.vonageCredentialId) }), [
      missing("assistantId", "assistant", MISSING),
      missing("squadId", "squad", theirs.squadId),
      wrongType("credentialId", "byo-sip-trunk", mine.telnyxCredentialId, "telnyx"),
      wrongType("server.credentialId", WEBHOOK_TYPES, mine.vonageCredentialId, "vonage"),
    ]);
});

test("phone number: a PATCH checks the references it writes", async () => {
  const number = await created("/phone-number", byo({ name: "patched" }));
  const path = `/phone-number/${number.id}`;
  await refused("PATCH", path, { assistantId: theirs.assistantId }, missing("assistantId", "assistant", theirs.assistantId));
  await refused("PATCH", path, { credentialId: mine.vonageCredentialId },
    wrongType("credentialId", "byo-sip-trunk", mine.vonageCredentialId, "vonage"));
  await refused("PATCH", path, { server: hook(MISSING) }, missing("server.credentialId", "credential", MISSING));
  assert.deepEqual((await api(server, path)).body, number, "a refused PATCH changes nothing");
  const patched = await send("PATCH", path, { assistantId: mine.assistantId, squadId: mine.squadId, server: hook(mine.serverCredentialId) });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.assistantId, mine.assistantId);
});

// ---------------------------------------------------------------------------------------------
// assistants

test("assistant: credentialIds[] names the org's credentials, of any type", async () => {
  const body = (id) => smallAssistant("Keys", { credentialIds: [mine.vonageCredentialId, id] });
  await checksReference("/assistant", "credentialIds.1", "credential", body, { own: mine.byoCredentialId, foreign: theirs.byoCredentialId });
});

test("assistant: every server's credentialId must name a webhook credential", async () => {
  const servers = {
    "server.credentialId": (id) => smallAssistant("Hooks", { server: hook(id) }),
    "transcriber.server.credentialId": (id) =>
      smallAssistant("Own STT", { transcriber: { provider: "custom-transcriber", server: { url: "wss://stt.example.com/ws", credentialId: id } } }),
    "voice.server.credentialId": (id) =>
      smallAssistant("Own TTS", { voice: { provider: "custom-voice", server: { url: "https://tts.example.com/synthesize", credentialId: id } } }),
    "model.knowledgeBase.server.credentialId": (id) =>
      smallAssistant("Own KB", {
        model: { provider: "openai", model: "gpt-4o-mini", knowledgeBase: { provider: "custom-knowledge-base", server: hook(id) } },
      }),
  };
  for (const [field, body] of Object.entries(servers)) {
    await checksReference("/assistant", field, "credential", body, { own: mine.serverCredentialId, foreign: theirs.serverCredentialId });
    await refused("POST", "/assistant", body(mine.byoCredentialId), wrongType(field, WEBHOOK_TYPES, mine.byoCredentialId, "byo-sip-trunk"));
  }
});

test("assistant: inline tools follow the rules of saved tools", async () => {
  const withTools = (tools) => smallAssistant("Inline tools", { model: { provider: "openai", model: "gpt-4o-mini", tools } });
  await checksReference("/assistant", "model.tools.1.credentialId", "credential",
    (id) => withTools([{ type: "endCall" }, { type: "apiRequest", method: "GET", url: "https://api.example.com/orders", credentialId: id }]),
    { own: mine.vonageCredentialId, foreign: theirs.vonageCredentialId });
  await checksReference("/assistant", "model.tools.0.server.credentialId", "credential",
    (id) => withTools([{ type: "function", function: { name: "book" }, server: hook(id) }]),
    { own: mine.webhookCredentialId, foreign: theirs.webhookCredentialId });
  await refused("POST", "/assistant", withTools([{ type: "function", function: { name: "book" }, server: hook(mine.telnyxCredentialId) }]),
    wrongType("model.tools.0.server.credentialId", WEBHOOK_TYPES, mine.telnyxCredentialId, "telnyx"));
  const faq = (fileIds) => ({ type: "query", knowledgeBases: [{ name: "faq", provider: "google", description: "Opening hours and prices", fileIds }] });
  await checksReference("/assistant", "model.tools.0.knowledgeBases.0.fileIds.1", "file",
    (id) => withTools([faq([mine.fileId, id])]), { own: mine.fileId, foreign: theirs.fileId });
});

test("assistant: a PATCH checks the references it writes", async () => {
  const assistant = await created("/assistant", smallAssistant("Patched"));
  const path = `/assistant/${assistant.id}`;
  await refused("PATCH", path, { credentialIds: [theirs.telnyxCredentialId] }, missing("credentialIds.0", "credential", theirs.telnyxCredentialId));
  await refused("PATCH", path, { server: hook(mine.vonageCredentialId) },
    wrongType("server.credentialId", WEBHOOK_TYPES, mine.vonageCredentialId, "vonage"));
  assert.equal((await send("PATCH", path, { server: hook(mine.serverCredentialId) })).status, 200);
});

// ---------------------------------------------------------------------------------------------
// tools

test("tool: credentialId (apiRequest, code) names any credential of the org", async () => {
  await checksReference("/tool", "credentialId", "credential",
    (credentialId) => ({ type: "apiRequest", method: "POST", url: "https://api.example.com/orders/lookup", credentialId }),
    { own: mine.serverCredentialId, foreign: theirs.serverCredentialId });
  await checksReference("/tool", "credentialId", "credential",
    (credentialId) => ({ type: "code", code: "return { ok: true };", credentialId }),
    { own: mine.vonageCredentialId, foreign: theirs.vonageCredentialId });
});

test("tool: server.credentialId and a handoff's destinations[].server.credentialId name webhook credentials", async () => {
  const fn = (id) => ({ type: "function", function: { name: "book_appointment" }, server: hook(id) });
  await checksReference("/tool", "server.credentialId", "credential", fn, { own: mine.serverCredentialId, foreign: theirs.serverCredentialId });
  await refused("POST", "/tool", fn(mine.byoCredentialId), wrongType("server.credentialId", WEBHOOK_TYPES, mine.byoCredentialId, "byo-sip-trunk"));
  const handoff = (id) => ({
    type: "handoff",
    destinations: [
      { type: "assistant", assistantName: "Billing", description: "invoices" },
      { type: "dynamic", server: hook(id), description: "anything else" },
    ],
  });
  await checksReference("/tool", "destinations.1.server.credentialId", "credential", handoff,
    { own: mine.webhookCredentialId, foreign: theirs.webhookCredentialId });
});

test("tool: a query tool's knowledgeBases[].fileIds[] name the org's files", async () => {
  const query = (id) => ({
    type: "query",
    knowledgeBases: [{ name: "product-faq", provider: "google", description: "Products and prices", fileIds: [id] }],
  });
  await checksReference("/tool", "knowledgeBases.0.fileIds.0", "file", query, { own: mine.fileId, foreign: theirs.fileId });
  const tool = await created("/tool", query(mine.fileId));
  await refused("PATCH", `/tool/${tool.id}`, { knowledgeBases: query(MISSING).knowledgeBases },
    missing("knowledgeBases.0.fileIds.0", "file", MISSING));
});

// ---------------------------------------------------------------------------------------------
// squads

test("squad: the assistant configurations it holds are checked as assistants are", async () => {
  const squad = (configuration) => ({ name: "Front office", members: [{ assistantId: mine.assistantId, ...configuration }] });
  await checksReference("/squad", "members.0.assistantOverrides.credentialIds.0", "credential",
    (id) => squad({ assistantOverrides: { credentialIds: [id] } }), { own: mine.vonageCredentialId, foreign: theirs.vonageCredentialId });
  await refused("POST", "/squad", { name: "Transient", members: [{ assistant: smallAssistant("Temp", { server: hook(mine.byoCredentialId) }) }] },
    wrongType("members.0.assistant.server.credentialId", WEBHOOK_TYPES, mine.byoCredentialId, "byo-sip-trunk"));
  await refused("POST", "/squad", { ...squad({}), membersOverrides: { server: hook(theirs.serverCredentialId) } },
    missing("membersOverrides.server.credentialId", "credential", theirs.serverCredentialId));
});

// ---------------------------------------------------------------------------------------------
// sessions, campaigns, structured outputs, scorecards

test("session: assistantId, squadId and phoneNumberId name the org's objects", async () => {
  const session = (extra) => ({ name: "Booking", customer: { number: "+14155550100" }, ...extra });
  await checksReference("/session", "assistantId", "assistant", (assistantId) => session({ assistantId }),
    { own: mine.assistantId, foreign: theirs.assistantId });
  await checksReference("/session", "squadId", "squad", (squadId) => session({ squadId }), { own: mine.squadId, foreign: theirs.squadId });
  await checksReference("/session", "phoneNumberId", "phone number", (phoneNumberId) => session({ assistantId: mine.assistantId, phoneNumberId }),
    { own: mine.phoneNumberId, foreign: theirs.phoneNumberId });
});

test("campaign: assistantId, squadId, phoneNumberId, dialPlan[].phoneNumberId and server.credentialId", async () => {
  // A number unless the case is about the dial plan's; a window far ahead, so nobody is dialled.
  const campaign = (extra) => ({
    name: "Renewals", customers: [{ number: "+14155550100" }], ...(extra.dialPlan ? {} : { phoneNumberId: mine.phoneNumberId }),
    schedulePlan: { earliestAt: "2099-01-01T09:00:00.000Z" }, ...extra,
  });
  await checksReference("/campaign", "assistantId", "assistant", (assistantId) => campaign({ assistantId }),
    { own: mine.assistantId, foreign: theirs.assistantId });
  await checksReference("/campaign", "squadId", "squad", (squadId) => campaign({ squadId }), { own: mine.squadId, foreign: theirs.squadId });
  await checksReference("/campaign", "phoneNumberId", "phone number", (phoneNumberId) => campaign({ phoneNumberId }),
    { own: mine.phoneNumberId, foreign: theirs.phoneNumberId });
  await checksReference("/campaign", "dialPlan.0.phoneNumberId", "phone number",
    (phoneNumberId) => campaign({ dialPlan: [{ phoneNumberId, customers: [{ number: "+442071838750" }] }] }),
    { own: mine.phoneNumberId, foreign: theirs.phoneNumberId });
  await checksReference("/campaign", "server.credentialId", "credential", (id) => campaign({ server: hook(id) }),
    { own: mine.serverCredentialId, foreign: theirs.serverCredentialId });
  await refused("POST", "/campaign", campaign({ server: hook(mine.telnyxCredentialId) }),
    wrongType("server.credentialId", WEBHOOK_TYPES, mine.telnyxCredentialId, "telnyx"));
  const made = await created("/campaign", campaign({ assistantId: mine.assistantId }));
  await refused("PATCH", `/campaign/${made.id}`, { phoneNumberId: MISSING }, missing("phoneNumberId", "phone number", MISSING));
});

test("structured output and scorecard: assistantIds[] name the org's assistants", async () => {
  await checksReference("/structured-output", "assistantIds.0", "assistant",
    (id) => ({ name: "Appointment booked", schema: { type: "boolean" }, assistantIds: [id] }),
    { own: mine.assistantId, foreign: theirs.assistantId });
  const output = await created("/structured-output", { name: "Satisfaction", schema: { type: "number" } });
  await checksReference("/observability/scorecard", "assistantIds.1", "assistant",
    (id) => ({
      name: "Booking quality",
      metrics: [{ structuredOutputId: output.id, conditions: [{ type: "comparator", comparator: ">=", value: 4, points: 100 }] }],
      assistantIds: [mine.assistantId, id],
    }),
    { own: mine.assistantId, foreign: theirs.assistantId });
});

// ---------------------------------------------------------------------------------------------
// deleting what is referenced

test("deleting a referenced object is allowed; the reference stays and unrelated PATCHes still work", async () => {
  // An assistant, a trunk credential and a webhook credential only this number names.
  const assistant = await created("/assistant", smallAssistant("Night shift"));
  const trunk = await created("/credential", credentialBody("byo-sip-trunk", [], "Night trunk"));
  const webhook = await created("/credential", credentialBody("webhook", [], "Night webhook"));
  const number = await created("/phone-number", byo({
    name: "Night line", assistantId: assistant.id, credentialId: trunk.id, server: hook(webhook.id),
  }));
  for (const path of [`/assistant/${assistant.id}`, `/credential/${trunk.id}`, `/credential/${webhook.id}`]) {
    const res = await send("DELETE", path);
    assert.equal(res.status, 200, `DELETE ${path}: ${JSON.stringify(res.body)}`);
  }
  const path = `/phone-number/${number.id}`;
  assert.deepEqual((await api(server, path)).body, number, "the references stay where they were");
  const renamed = await send("PATCH", path, { name: "Night line (renamed)" });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal(renamed.body.assistantId, assistant.id);
  assert.equal(renamed.body.credentialId, trunk.id);
  assert.equal(renamed.body.server.credentialId, webhook.id);
  // Writing a dangling id again is checked like any other.
  await refused("PATCH", path, { assistantId: assistant.id }, missing("assistantId", "assistant", assistant.id));
});

test("the same holds for a tool's file, a session's assistant and a campaign's phone number", async () => {
  const upload = await api(server, "/file", { method: "POST", rawBody: form("hours.json", DOCUMENTS["hours.json"].data) });
  assert.equal(upload.status, 201, JSON.stringify(upload.body));
  const fileId = upload.body.id;
  const tool = await created("/tool", {
    type: "query",
    knowledgeBases: [{ name: "faq", provider: "google", description: "Opening hours", fileIds: [fileId] }],
  });
  const assistant = await created("/assistant", smallAssistant("Day shift"));
  const session = await created("/session", { name: "Day booking", assistantId: assistant.id });
  const line = await created("/phone-number", byo({ name: "Day line" }));
  const campaign = await created("/campaign", {
    name: "Day calls", phoneNumberId: line.id, customers: [{ number: "+14155550100" }], schedulePlan: { earliestAt: "2099-01-01T09:00:00.000Z" },
  });
  for (const path of [`/assistant/${assistant.id}`, `/phone-number/${line.id}`, `/file/${fileId}`])
    assert.equal((await send("DELETE", path)).status, 200, `DELETE ${path}`);
  for (const [path, patch, field, id] of [
    [`/tool/${tool.id}`, { messages: [{ type: "request-start", content: "Let me look that up." }] }, (o) => o.knowledgeBases[0].fileIds[0], fileId],
    [`/session/${session.id}`, { name: "Day booking (done)" }, (o) => o.assistantId, assistant.id],
    [`/campaign/${campaign.id}`, { name: "Day calls (paused)" }, (o) => o.phoneNumberId, line.id],
  ]) {
    const res = await send("PATCH", path, patch);
    assert.equal(res.status, 200, `PATCH ${path}: ${JSON.stringify(res.body)}`);
    assert.equal(field(res.body), id, path);
  }
});
