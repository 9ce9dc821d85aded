// Numbers come back as JavaScript's JSON.stringify writes them (0.7, 43200, 1e-7), never as
// 7E-1 or 4.32E4: in every resource's create answer, its stored document read back, a
// list, and the server messages. Bodies are sent as raw text with every number written as a
// double ("20.0", "7e-1"), which is what made the server's JSON library pick exponent form.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api } from "./harness.mjs";
import { startReceiver } from "./webhooks_receiver.mjs";

let server, receiver;
before(async () => {
  receiver = await startReceiver();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await receiver?.close();
});

/** `value` as JSON text with every number spelled as a double: 20 → 20.0, 0.7 → 7e-1. */
function doubleSpelled(value) {
  return JSON.stringify(value).replace(/("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (whole, string, number) => {
      if (string) return string;
      const n = Number(number);
      return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : n.toExponential();
    });
}

/** Numbers in JSON text (outside strings) that JSON.stringify would spell otherwise. */
function unlikeJavaScript(text) {
  const found = [];
  text.replace(/("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (whole, string, number) => {
    if (number && JSON.stringify(Number(number)) !== number) found.push(number);
    return whole;
  });
  return found;
}

/** Every number of `value` with its path, to compare what was sent with what came back. */
function numbersOf(value, path = "", out = {}) {
  if (typeof value === "number") out[path] = value;
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) numbersOf(v, `${path}.${k}`, out);
  return out;
}

async function raw(path, { method = "GET", body } = {}) {
  const res = await fetch(new URL(path, server.baseUrl), {
    method,
    headers: { Authorization: `Bearer ${server.apiKey}`, "Content-Type": "application/json" },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function assertPlainNumbers(text, where) {
  assert.deepEqual(unlikeJavaScript(text), [], `${where} writes numbers unlike JSON.stringify: ${text.slice(0, 400)}`);
}

const backoffPlan = { type: "exponential", maxRetries: 3, baseDelaySeconds: 0.5, excludedStatusCodes: [400, 401] };
const hookServer = (path) => ({ url: receiver.url(path), timeoutSeconds: 20, backoffPlan });
const assistantBody = {
  name: "Numbers",
  model: { provider: "openai", model: "gpt-4o", temperature: 0.7, maxTokens: 250 },
  voice: { provider: "11labs", voiceId: "burt", stability: 0.35, similarityBoost: 0.75 },
  maxDurationSeconds: 43200,
};

// Collection → a create body holding fractional and whole numbers (the first creates need
// nothing; later ones name what earlier ones made).
const RESOURCES = [
  ["/assistant", () => assistantBody],
  ["/tool", () => ({ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { n: { type: "number", minimum: 0.5, maximum: 43200 } } } }, server: hookServer("/tool") })],
  ["/squad", (made) => ({ name: "Pair", members: [{ assistantId: made["/assistant"].id, assistantOverrides: { model: { provider: "openai", model: "gpt-4o", temperature: 0.25 } } }] })],
  ["/phone-number", () => ({ provider: "vapi", sipUri: "sip:numbers@example.com", server: hookServer("/number") })],
  ["/session", (made) => ({ assistantId: made["/assistant"].id, expirationSeconds: 3600 })],
  ["/structured-output", () => ({ name: "Score", schema: { type: "number" } })],
  ["/eval", () => ({ type: "chat.mockConversation", name: "Greets", messages: [{ role: "user", content: "Hi" }] })],
  ["/provider/11labs/pronunciation-dictionary", () => ({ rate: 0.7, seconds: 43200, nested: [0.35, 1e-7, 1e21] })],
  ["/campaign", (made) => ({ name: "Calls", phoneNumberId: made["/phone-number"].id, assistantId: made["/assistant"].id, customers: [{ number: "+14155550100" }], schedulePlan: { earliestAt: "2099-01-01T09:00:00.000Z" } })],
];

test("every resource's create, read and list answer numbers as JSON.stringify writes them", async () => {
  const made = {};
  for (const [collection, body] of RESOURCES) {
    const sent = body(made);
    const created = await raw(collection, { method: "POST", body: doubleSpelled(sent) });
    assert.equal(created.status, 201, `${collection}: ${created.text}`);
    assertPlainNumbers(created.text, `POST ${collection}`);
    const object = JSON.parse(created.text);
    made[collection] = object;
    // Every number sent comes back with the same value (in whatever place the resource keeps it).
    const back = new Set(Object.values(numbersOf(object)));
    for (const [path, n] of Object.entries(numbersOf(sent))) assert.ok(back.has(n), `${collection}${path} = ${n} is missing`);

    const read = await raw(`${collection}/${object.id}`);
    assert.equal(read.status, 200, read.text);
    assertPlainNumbers(read.text, `GET ${collection}/{id}`);
    assert.deepEqual(JSON.parse(read.text), object);
    const listed = await raw(collection);
    assert.equal(listed.status, 200, listed.text);
    assertPlainNumbers(listed.text, `GET ${collection}`);
  }
  const assistant = JSON.parse((await raw(`/assistant/${made["/assistant"].id}`)).text);
  assert.equal(assistant.model.temperature, 0.7);
  assert.equal(assistant.voice.stability, 0.35);
  assert.equal(assistant.maxDurationSeconds, 43200);
  assert.match((await raw(`/assistant/${assistant.id}`)).text, /"temperature":0\.7\b/);
  assert.match((await raw(`/assistant/${assistant.id}`)).text, /"maxDurationSeconds":43200\b/);
});

test("a PATCH keeps numbers plain too, and so does the org's backoffPlan", async () => {
  const created = JSON.parse((await raw("/assistant", { method: "POST", body: doubleSpelled(assistantBody) })).text);
  const patched = await raw(`/assistant/${created.id}`, { method: "PATCH", body: doubleSpelled({ model: { provider: "openai", model: "gpt-4o", temperature: 1.35 } }) });
  assert.equal(patched.status, 200, patched.text);
  assertPlainNumbers(patched.text, "PATCH /assistant/{id}");
  assert.match(patched.text, /"temperature":1\.35\b/);

  const org = await raw(`/org/${created.orgId}`, { method: "PATCH", body: doubleSpelled({ server: { url: receiver.url("/org"), backoffPlan } }) });
  assert.equal(org.status, 200, org.text);
  assertPlainNumbers(org.text, "PATCH /org/{id}");
  assert.match(org.text, /"baseDelaySeconds":0\.5\b/);
  const read = await raw(`/org/${created.orgId}`);
  assert.match(read.text, /"baseDelaySeconds":0\.5\b/);
});

test("server messages carry plain numbers", async () => {
  const session = await raw("/session", { method: "POST", body: doubleSpelled({ assistant: { ...assistantBody, server: hookServer("/messages") }, expirationSeconds: 3600 }) });
  assert.equal(session.status, 201, session.text);
  const [hit] = await receiver.waitFor("/messages", 1);
  assertPlainNumbers(hit.raw, "session.created");
  assert.match(hit.raw, /"temperature":0\.7\b/);
  assert.match(hit.raw, /"expirationSeconds":3600\b/);
});
