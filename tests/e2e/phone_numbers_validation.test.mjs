// Request validation of POST /phone-number (and PATCH), uniqueness rules and the number pool.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, expectError, createRaw, assertBadRequest, api, createOrg, writeTempFile,
} from "./harness.mjs";
import { nextNumber, nextSipUri, orgRefs } from "./fixtures.mjs";

// Pool order matters: the 415 numbers are handed out in file order.
const POOL = ["+12125550100", "+14155550101", "+16505550100", "+14155550102"];
const PROVIDER_ENUM = "provider must be one of the following values: byo-phone-number, twilio, vonage, vapi, telnyx";

let server, client, orgB, pool, refs, refsB;
before(async () => {
  pool = writeTempFile(["# test pool", ...POOL]);
  server = await startServer({ args: ["--number-pool", pool.path] });
  client = server.client;
  orgB = await createOrg(server, "B");
  refs = await orgRefs(server);  // the credentials the bodies name, per org
  refsB = await orgRefs(server, orgB.apiKey);
});
after(async () => {
  await server?.stop();
  pool?.remove();
});

const byo = (extra = {}) => ({ provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: nextNumber(), ...extra });
const count = async (c = client) => (await c.phoneNumbers.list({ limit: 1000 })).length;

async function bad(body, expected, c = client) {
  const before = await count(c);
  const err = await expectError(c.phoneNumbers.create(body));
  const messages = assertBadRequest(err, expected);
  assert.equal(await count(c), before, "a rejected create must not store anything");
  return messages;
}

// ---------------------------------------------------------------------------------------------
// schema validation

test("name of 41 characters → 400; 40 characters is fine", async () => {
  await bad(byo({ name: "n".repeat(41) }), "name must be shorter than or equal to 40 characters");
  assert.equal((await createRaw(client, byo({ name: "n".repeat(40) }))).status, 201);
});

test("unknown provider → 400 with the enum message", async () => {
  await bad({ provider: "plivo", number: nextNumber(), credentialId: "c" }, PROVIDER_ENUM);
});

test("missing provider → 400 with the enum message", async () => {
  await bad({ number: nextNumber(), credentialId: "c" }, PROVIDER_ENUM);
});

test("a non-string provider → 400 with the enum message", async () => {
  await bad({ provider: 7, number: nextNumber(), credentialId: "c" }, PROVIDER_ENUM);
});

test("unknown top-level property → 400 'property foo should not exist'", async () => {
  await bad(byo({ foo: "bar" }), "property foo should not exist");
});

test("a property of another provider → 400 (twilioAccountSid on vonage)", async () => {
  await bad({ provider: "vonage", number: nextNumber(), credentialId: "c", twilioAccountSid: "AC1" },
    "property twilioAccountSid should not exist");
});

test("server-set properties are not writable → 400", async () => {
  await bad(byo({ id: "3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e" }), "property id should not exist");
  await bad(byo({ orgId: "someone-else" }), "property orgId should not exist");
  await bad(byo({ createdAt: "2024-01-15T09:30:00.000Z" }), "property createdAt should not exist");
  await bad(byo({ status: "blocked" }), "property status should not exist");
});

test("nested unknown property → 400 'server.property foo should not exist'", async () => {
  await bad(byo({ server: { url: "https://example.com/hook", foo: 1 } }), "server.property foo should not exist");
});

test("nested errors are prefixed with their path", async () => {
  await bad(byo({ hooks: [{ on: "call.ringing", foo: 1, do: [{ type: "say", exact: "x" }] }] }), "hooks.0.property foo should not exist");
  await bad(byo({ hooks: [{ on: "call.ringing", do: [{ type: "say", exact: "x", foo: 2 }] }] }), "hooks.0.do.0.property foo should not exist");
  await bad(byo({ fallbackDestination: { type: "number", number: "+14155550100", transferPlan: { mode: "blind-transfer", foo: 1 } } }),
    "fallbackDestination.transferPlan.property foo should not exist");
  await bad(byo({ fallbackDestination: { type: "number", number: "+14155550100", transferPlan: { mode: "blind-transfer", sipVerb: "shout" } } }),
    "fallbackDestination.transferPlan.sipVerb must be one of the following values: refer, bye, dial");
  await bad(byo({ server: { url: "https://example.com", backoffPlan: { type: "linear", maxRetries: 11, baseDelaySeconds: 1 } } }),
    ["server.backoffPlan.type must be one of the following values: fixed, exponential", "server.backoffPlan.maxRetries must not be greater than 10"]);
});

test("every error is reported at once", async () => {
  const messages = await bad(byo({ name: "n".repeat(41), server: { url: "https://example.com", timeoutSeconds: 0, foo: 1 }, bar: 1 }), [
    "name must be shorter than or equal to 40 characters",
    "server.timeoutSeconds must not be less than 1",
    "server.property foo should not exist",
    "property bar should not exist",
  ]);
  assert.equal(messages.length, 4, JSON.stringify(messages));
});

test("server.timeoutSeconds bounds: 0 and 301 → 400; 1 and 300 are fine", async () => {
  await bad(byo({ server: { url: "https://example.com", timeoutSeconds: 0 } }), "server.timeoutSeconds must not be less than 1");
  await bad(byo({ server: { url: "https://example.com", timeoutSeconds: 301 } }), "server.timeoutSeconds must not be greater than 300");
  for (const timeoutSeconds of [1, 300])
    assert.equal((await createRaw(client, byo({ server: { url: "https://example.com", timeoutSeconds } }))).status, 201);
});

test("wrong types → 400 naming the property", async () => {
  const messages = await bad(byo({ name: 42 }));
  assert.ok(messages.some((m) => m.startsWith("name ")), JSON.stringify(messages));
  const messages2 = await bad(byo({ server: { url: "https://example.com", timeoutSeconds: "20" } }));
  assert.ok(messages2.some((m) => m.startsWith("server.timeoutSeconds ")), JSON.stringify(messages2));
});

test("a hook action with an unknown type → 400", async () => {
  const messages = await bad(byo({ hooks: [{ on: "call.ringing", do: [{ type: "explode" }] }] }));
  assert.ok(messages.some((m) => m.startsWith("hooks.0.do.0")), JSON.stringify(messages));
});

test("a hook with an unknown event → 400", async () => {
  const messages = await bad(byo({ hooks: [{ on: "call.exploding", do: [{ type: "say", exact: "hi" }] }] }));
  assert.ok(messages.some((m) => m.includes("hooks")), JSON.stringify(messages));
});

test("a say action without `exact` → 400", async () => {
  const messages = await bad(byo({ hooks: [{ on: "call.ringing", do: [{ type: "say" }] }] }));
  assert.ok(messages.some((m) => m.includes("hooks")), JSON.stringify(messages));
});

test("a fallbackDestination with an unknown type → 400", async () => {
  const messages = await bad(byo({ fallbackDestination: { type: "carrier-pigeon", number: "+14155550100" } }));
  assert.ok(messages.some((m) => m.includes("fallbackDestination")), JSON.stringify(messages));
});

test("malformed JSON body (fetch) → 400 with a message", async () => {
  const before = await count();
  const res = await api(server, "/phone-number", { method: "POST", rawBody: '{"provider": "byo-phone-number",' });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "Bad Request");
  assert.equal(res.body.statusCode, 400);
  assert.ok(typeof res.body.message === "string" || Array.isArray(res.body.message), JSON.stringify(res.body));
  assert.equal(await count(), before);
});

test("a body that is not declared as JSON → 415 naming the type; nothing is created", async () => {
  const before = await count();
  const res = await api(server, "/phone-number", {
    method: "POST",
    rawBody: JSON.stringify(byo()),
    headers: { "Content-Type": "text/plain" },
  });
  assert.equal(res.status, 415);
  assert.deepEqual(res.body, {
    message: "Content-Type must be application/json, not text/plain",
    error: "Unsupported Media Type",
    statusCode: 415,
  });
  assert.equal(await count(), before);
  const ok = await api(server, "/phone-number", {
    method: "POST",
    rawBody: JSON.stringify(byo()),
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
  assert.equal(ok.status, 201);
});

test("a JSON array body → 400", async () => {
  const res = await api(server, "/phone-number", { method: "POST", body: [byo()] });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "Bad Request");
  assert.equal(res.body.statusCode, 400);
});

test("a JSON scalar / null body → 400", async () => {
  for (const rawBody of ["null", "42", '"byo-phone-number"']) {
    const res = await api(server, "/phone-number", { method: "POST", rawBody });
    assert.equal(res.status, 400, `${rawBody} → ${res.status}`);
    assert.equal(res.body.error, "Bad Request");
  }
});

test("an empty body → 400 with the provider message", async () => {
  const res = await api(server, "/phone-number", { method: "POST", body: {} });
  assert.equal(res.status, 400);
  assert.ok(Array.isArray(res.body.message));
  assert.ok(res.body.message.includes(PROVIDER_ENUM), JSON.stringify(res.body));
});

// ---------------------------------------------------------------------------------------------
// per-provider rules

test("twilio without twilioAccountSid → 400 mentioning twilioAccountSid", async () => {
  const messages = await bad({ provider: "twilio", number: nextNumber() });
  assert.ok(messages.some((m) => m.includes("twilioAccountSid")), JSON.stringify(messages));
});

test("twilio without number → 400 mentioning number", async () => {
  const messages = await bad({ provider: "twilio", twilioAccountSid: "AC1" });
  assert.ok(messages.some((m) => m.includes("number")), JSON.stringify(messages));
});

test("vonage and telnyx need number and credentialId", async () => {
  for (const provider of ["vonage", "telnyx"]) {
    const m1 = await bad({ provider, number: nextNumber() });
    assert.ok(m1.some((m) => m.includes("credentialId")), JSON.stringify(m1));
    const m2 = await bad({ provider, credentialId: "c" });
    assert.ok(m2.some((m) => m.includes("number")), JSON.stringify(m2));
  }
});

test("byo without credentialId → 400 mentioning credentialId", async () => {
  const messages = await bad({ provider: "byo-phone-number", number: nextNumber() });
  assert.ok(messages.some((m) => m.includes("credentialId")), JSON.stringify(messages));
});

test("byo number '12345' with the E.164 check on → 400 mentioning E.164", async () => {
  for (const body of [byo({ number: "12345" }), byo({ number: "12345", numberE164CheckEnabled: true })]) {
    const messages = await bad(body);
    assert.ok(messages.some((m) => m.includes("E.164")), JSON.stringify(messages));
  }
});

test("byo with the E.164 check off still requires letters/digits with an optional leading +", async () => {
  for (const number of ["12-34", "+1 415 555", "abc@def", "++123"])
    await bad(byo({ number, numberE164CheckEnabled: false }));
});

test("byo number length: 2 chars → 400, 41 chars → 400 (check off)", async () => {
  await bad(byo({ number: "ab", numberE164CheckEnabled: false }));
  await bad(byo({ number: "a".repeat(41), numberE164CheckEnabled: false }));
});

test("vapi with neither sipUri nor numberDesiredAreaCode → 400", async () => {
  await bad({ provider: "vapi", name: "nothing" });
});

test("vapi with sipUri 'not-a-uri' → 400", async () => {
  await bad({ provider: "vapi", sipUri: "not-a-uri" });
  await bad({ provider: "vapi", sipUri: "sip:@host.example.com" });
  await bad({ provider: "vapi", sipUri: "http://alice@example.com" });
});

test("vapi authentication: username/password must be 20–40 chars, both required", async () => {
  const sip = () => nextSipUri();
  await bad({ provider: "vapi", sipUri: sip(), authentication: { username: "short", password: "p".repeat(25) } },
    "authentication.username must be longer than or equal to 20 characters");
  await bad({ provider: "vapi", sipUri: sip(), authentication: { username: "u".repeat(25), password: "p".repeat(41) } },
    "authentication.password must be shorter than or equal to 40 characters");
  await bad({ provider: "vapi", sipUri: sip(), authentication: { username: "u".repeat(25) } });
});

test("numberDesiredAreaCode must be 3 characters", async () => {
  await bad({ provider: "vapi", numberDesiredAreaCode: "41" });
  await bad({ provider: "vapi", numberDesiredAreaCode: "4155" });
});

// ---------------------------------------------------------------------------------------------
// uniqueness

test("same number twice in one org → 400 and the second create leaves nothing behind", async () => {
  const number = nextNumber();
  assert.equal((await createRaw(client, byo({ number }))).status, 201);
  const messages = await bad({ provider: "vonage", number, credentialId: refs.vonageCredentialId });
  assert.ok(messages.some((m) => m.includes(number)), JSON.stringify(messages));
  const matching = (await client.phoneNumbers.list({ limit: 1000 })).filter((p) => p.number === number);
  assert.equal(matching.length, 1);
});

test("same number in two different orgs → both 201", async () => {
  const number = nextNumber();
  const a = await createRaw(client, byo({ number }));
  const b = await createRaw(orgB.client, { provider: "telnyx", number, credentialId: refsB.telnyxCredentialId });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.data.orgId, b.data.orgId);
  assert.equal(b.data.orgId, orgB.orgId);
});

test("updating a number to one the org already has → 400, unchanged", async () => {
  const taken = nextNumber();
  await client.phoneNumbers.create(byo({ number: taken }));
  const other = await client.phoneNumbers.create(byo());
  assertBadRequest(await expectError(client.phoneNumbers.update({ id: other.id, body: { number: taken } })));
  assert.deepEqual(await client.phoneNumbers.get({ id: other.id }), other);
});

test("moving a number to a new one frees the old one; deleting frees the new one", async () => {
  const [first, second] = [nextNumber(), nextNumber()];
  const moved = await client.phoneNumbers.create(byo({ number: first }));
  await client.phoneNumbers.update({ id: moved.id, body: { number: second } });
  assert.equal((await createRaw(client, byo({ number: first }))).status, 201);
  await bad(byo({ number: second }));
  await client.phoneNumbers.delete({ id: moved.id });
  assert.equal((await createRaw(client, byo({ number: second }))).status, 201);
});

test("sipUri user part is unique case-insensitively, even across orgs", async () => {
  const user = `Alice${Date.now()}`;
  assert.equal((await createRaw(client, { provider: "vapi", sipUri: `sip:${user}@a.com` })).status, 201);
  await bad({ provider: "vapi", sipUri: `sip:${user.toLowerCase()}@b.com` });
  await bad({ provider: "vapi", sipUri: `sip:${user.toUpperCase()}@a.com` }, undefined, orgB.client);
});

// ---------------------------------------------------------------------------------------------
// the number pool

test("numberDesiredAreaCode: pool numbers are handed out in pool order, then 400 when exhausted", async () => {
  const first = await createRaw(client, { provider: "vapi", numberDesiredAreaCode: "415", name: "pool 1" });
  assert.equal(first.status, 201);
  assert.equal(first.data.number, "+14155550101");
  assert.equal(first.data.numberDesiredAreaCode, "415");
  const second = await createRaw(client, { provider: "vapi", numberDesiredAreaCode: "415", name: "pool 2" });
  assert.equal(second.status, 201);
  assert.equal(second.data.number, "+14155550102");
  await bad({ provider: "vapi", numberDesiredAreaCode: "415", name: "pool 3" });
  // The pool is the server's: another org cannot get a held number either.
  await bad({ provider: "vapi", numberDesiredAreaCode: "415" }, undefined, orgB.client);
  // Deleting a holder frees its number again.
  await client.phoneNumbers.delete({ id: first.data.id });
  const again = await createRaw(orgB.client, { provider: "vapi", numberDesiredAreaCode: "415" });
  assert.equal(again.status, 201);
  assert.equal(again.data.number, "+14155550101");
});

test("numberDesiredAreaCode not in the pool → 400", async () => {
  await bad({ provider: "vapi", numberDesiredAreaCode: "999" });
  await bad({ provider: "vapi", numberDesiredAreaCode: "abc" });
});

test("another area code draws from its own part of the pool", async () => {
  const res = await createRaw(client, { provider: "vapi", numberDesiredAreaCode: "212" });
  assert.equal(res.status, 201);
  assert.equal(res.data.number, "+12125550100");
});

// ---------------------------------------------------------------------------------------------
// PATCH validation

test("PATCH with an unknown property, a 41-char name or a create-only field → 400, unchanged", async () => {
  const created = await client.phoneNumbers.create({ provider: "vapi", sipUri: nextSipUri(), name: "patch me" });
  const cases = [
    [{ foo: 1 }, "property foo should not exist"],
    [{ name: "n".repeat(41) }, "name must be shorter than or equal to 40 characters"],
    [{ numberDesiredAreaCode: "415" }, "property numberDesiredAreaCode should not exist"],
    [{ server: { url: "https://e.com", timeoutSeconds: 0 } }, "server.timeoutSeconds must not be less than 1"],
    [{ sipUri: "not-a-uri" }, undefined],
  ];
  for (const [body, message] of cases)
    assertBadRequest(await expectError(client.phoneNumbers.update({ id: created.id, body })), message);
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), created);
});

test("PATCH that would leave a number without a required field → 400", async () => {
  const created = await client.phoneNumbers.create({ provider: "twilio", number: nextNumber(), twilioAccountSid: "AC9", twilioAuthToken: "validation-auth-token-SECRET-1" });
  assertBadRequest(await expectError(client.phoneNumbers.update({ id: created.id, body: { twilioAccountSid: null } })));
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), created);
});

test("PATCH with a malformed JSON body → 400", async () => {
  const created = await client.phoneNumbers.create(byo());
  const res = await api(server, `/phone-number/${created.id}`, { method: "PATCH", rawBody: "{name:" });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "Bad Request");
});

// ---------------------------------------------------------------------------------------------
// more rules

test("name length counts characters, not bytes: 40 × 'é' or 40 emoji are fine, 41 are not", async () => {
  assert.equal((await createRaw(client, byo({ name: "é".repeat(40) }))).status, 201);
  assert.equal((await createRaw(client, byo({ name: "😀".repeat(40) }))).status, 201);
  await bad(byo({ name: "é".repeat(41) }), "name must be shorter than or equal to 40 characters");
});

test("a vapi number cannot be given a `number` (it is assigned from the pool)", async () => {
  await bad({ provider: "vapi", sipUri: nextSipUri(), number: "+14155550102" }, "property number should not exist");
});

test("PATCH sipUri onto another number's SIP user (any case) → 400, unchanged", async () => {
  const user = `bob${Date.now()}`;
  await client.phoneNumbers.create({ provider: "vapi", sipUri: `sip:${user}@a.com` });
  const other = await client.phoneNumbers.create({ provider: "vapi", sipUri: nextSipUri() });
  assertBadRequest(await expectError(client.phoneNumbers.update({ id: other.id, body: { sipUri: `sip:${user.toUpperCase()}@c.com` } })));
  assert.deepEqual(await client.phoneNumbers.get({ id: other.id }), other);
  // Its own user with another case/host is fine.
  const own = other.sipUri.replace("sip:e2e-", "sip:E2E-").replace("@sip.example.com", "@other.example.com");
  const updated = await client.phoneNumbers.update({ id: other.id, body: { sipUri: own } });
  assert.equal(updated.sipUri, own);
});

test("PATCH sipUri: null on a SIP-only vapi number → 400 (it would have neither)", async () => {
  const created = await client.phoneNumbers.create({ provider: "vapi", sipUri: nextSipUri() });
  assertBadRequest(await expectError(client.phoneNumbers.update({ id: created.id, body: { sipUri: null } })));
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), created);
});

test("a deleted vapi number frees its SIP user", async () => {
  const sipUri = nextSipUri();
  const first = await client.phoneNumbers.create({ provider: "vapi", sipUri });
  await client.phoneNumbers.delete({ id: first.id });
  const again = await createRaw(orgB.client, { provider: "vapi", sipUri: sipUri.toUpperCase().replace("SIP:", "sip:") });
  assert.equal(again.status, 201);
});

// ---------------------------------------------------------------------------------------------
// races: the rules hold under concurrent requests

test("10 concurrent creates of the same number → exactly one 201, nine 400s", async () => {
  const number = nextNumber();
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      api(server, "/phone-number", { method: "POST", body: byo({ number, name: `race ${i}` }) })),
  );
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, ...Array(9).fill(400)]);
  const stored = (await client.phoneNumbers.list({ limit: 1000 })).filter((p) => p.number === number);
  assert.equal(stored.length, 1);
});

test("concurrent creates of the same SIP user → exactly one 201", async () => {
  const user = `carol${Date.now()}`;
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      api(server, "/phone-number", { method: "POST", body: { provider: "vapi", sipUri: `sip:${i % 2 ? user.toUpperCase() : user}@h${i}.com` } })),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [201, 400, 400, 400, 400, 400]);
});

test("concurrent pool allocations never hand out a number twice", async () => {
  // Pool 650 has one number; 212's was taken above. Five racers for 650.
  const results = await Promise.all(
    Array.from({ length: 5 }, () =>
      api(server, "/phone-number", { method: "POST", body: { provider: "vapi", numberDesiredAreaCode: "650" } })),
  );
  const ok = results.filter((r) => r.status === 201);
  assert.equal(ok.length, 1, JSON.stringify(results.map((r) => [r.status, r.body.number ?? r.body.message])));
  assert.equal(ok[0].body.number, "+16505550100");
  assert.ok(results.every((r) => r.status === 201 || r.status === 400));
});
