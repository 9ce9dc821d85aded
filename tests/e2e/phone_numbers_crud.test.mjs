// Create / get / update / delete of phone numbers, for every provider, through the official SDK.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, expectError, createRaw, assertBadRequest, api, writeTempFile, dataDirBytes,
  ISO_MS, UUID_V4, PHONE_NUMBER_NOT_FOUND, SKIP_ON_POSTGRES,
} from "./harness.mjs";
import { nextNumber, nextSipUri, orgRefs, realisticCommon } from "./fixtures.mjs";

const POOL = ["+16505550101", "+14155550901", "+16505550102"];

let server, client, pool, refs;
before(async () => {
  pool = writeTempFile(POOL);
  server = await startServer({ args: ["--number-pool", pool.path] });
  client = server.client;
  refs = await orgRefs(server);  // the credentials, assistant and squad the bodies name
});
after(async () => {
  await server?.stop();
  pool?.remove();
});

/** Asserts the server-set fields of a freshly created number and that `sent` is echoed. */
function assertCreated({ status, data }, sent, { omit = [], skip = [] } = {}) {
  assert.equal(status, 201);
  assert.match(data.id, UUID_V4);
  assert.equal(typeof data.orgId, "string");
  assert.ok(data.orgId.length > 0);
  assert.match(data.createdAt, ISO_MS);
  assert.equal(data.updatedAt, data.createdAt);
  assert.equal(data.status, "active");
  const expected = structuredClone(sent);
  for (const key of [...omit, ...skip]) delete expected[key];
  const echoed = Object.fromEntries(Object.keys(expected).map((k) => [k, data[k]]));
  assert.deepEqual(echoed, expected);
  for (const key of omit) assert.equal(key in data, false, `${key} must not be returned`);
}

// ---------------------------------------------------------------------------------------------
// create, one provider at a time

test("create byo-phone-number (minimal) → 201 with server-set fields", async () => {
  const body = { provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: nextNumber() };
  const res = await createRaw(client, body);
  assertCreated(res, body);
  // Nothing beyond what was sent plus the server-set fields.
  assert.deepEqual(
    Object.keys(res.data).sort(),
    [...Object.keys(body), "id", "orgId", "createdAt", "updatedAt", "status"].sort(),
  );
});

test("create byo-phone-number without number → 201 (number is optional for byo)", async () => {
  const body = { provider: "byo-phone-number", credentialId: refs.byoCredentialId, name: "no number" };
  assertCreated(await createRaw(client, body), body);
});

test("create byo-phone-number with numberE164CheckEnabled:false accepts letters/digits", async () => {
  for (const number of ["abc123", "+001234567890", "1234", "SIPTRUNK7"]) {
    const body = { provider: "byo-phone-number", credentialId: refs.byoCredentialId, numberE164CheckEnabled: false, number };
    assertCreated(await createRaw(client, body), body);
  }
});

test("create byo-phone-number with a full realistic body echoes every field", async () => {
  const body = {
    provider: "byo-phone-number",
    credentialId: refs.byoCredentialId,
    number: nextNumber(),
    numberE164CheckEnabled: true,
    ...realisticCommon(refs),
  };
  const res = await createRaw(client, body);
  assertCreated(res, body);
  assert.deepEqual(await client.phoneNumbers.get({ id: res.data.id }), res.data);
});

test("create twilio with every optional field; secrets are not returned", async () => {
  const body = {
    provider: "twilio",
    number: nextNumber(),
    twilioAccountSid: "AC0123456789abcdef0123456789abcdef",
    twilioAuthToken: "twilio-auth-token-crud-SECRET-1",
    twilioApiKey: "SK0123456789abcdef0123456789abcdef",
    twilioApiSecret: "twilio-api-secret-crud-SECRET-2",
    smsEnabled: false,
    ...realisticCommon(refs),
  };
  const res = await createRaw(client, body);
  assertCreated(res, body, { omit: ["twilioAuthToken", "twilioApiSecret"] });
  assert.equal(res.data.twilioApiKey, body.twilioApiKey);
  assert.equal(res.data.twilioAccountSid, body.twilioAccountSid);
});

// The contract requires only the account sid, but importing calls Twilio's API, which needs
// the auth token (or an API key and secret): see provider_import.test.mjs.
test("create twilio with the fewest fields an import works with (sid, auth token) → 201", async () => {
  const body = { provider: "twilio", number: nextNumber(), twilioAccountSid: "AC11111111111111111111111111111111", twilioAuthToken: "twilio-auth-token-minimal-SECRET-3" };
  assertCreated(await createRaw(client, body), body, { omit: ["twilioAuthToken"] });
});

test("create vonage → 201", async () => {
  const body = { provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId, name: "Vonage line" };
  assertCreated(await createRaw(client, body), body);
});

test("create telnyx → 201, also with a realistic body", async () => {
  const minimal = { provider: "telnyx", number: nextNumber(), credentialId: refs.telnyxCredentialId };
  assertCreated(await createRaw(client, minimal), minimal);
  const full = { provider: "telnyx", number: nextNumber(), credentialId: refs.telnyxCredentialId, ...realisticCommon(refs) };
  assertCreated(await createRaw(client, full), full);
});

test("create vapi with a sipUri and authentication → password not returned, username/realm are", async () => {
  const body = {
    ...realisticCommon(refs),
    provider: "vapi",
    sipUri: nextSipUri(),
    name: "SIP reception",
    authentication: {
      realm: "sip.example.com",
      username: "reception-user-0123456789",
      password: "reception-pass-SECRET-0123456789",
    },
  };
  const res = await createRaw(client, body);
  assertCreated(res, body, { skip: ["authentication"] });
  assert.deepEqual(res.data.authentication, { realm: "sip.example.com", username: "reception-user-0123456789" });
  assert.ok(!JSON.stringify(res.data).includes("reception-pass-SECRET"));
});

test("create vapi with numberDesiredAreaCode → gets the first free pool number with that area code", async () => {
  const body = { provider: "vapi", numberDesiredAreaCode: "415", name: "pool 415" };
  const res = await createRaw(client, body);
  assertCreated(res, body);
  assert.equal(res.data.number, "+14155550901");
});

test("create vapi with both sipUri and numberDesiredAreaCode → 201 with a pool number", async () => {
  const body = { provider: "vapi", numberDesiredAreaCode: "650", sipUri: nextSipUri() };
  const res = await createRaw(client, body);
  assertCreated(res, body);
  assert.equal(res.data.number, "+16505550101");
});

test("create with a SIP fallbackDestination echoes it", async () => {
  const body = {
    provider: "vonage",
    number: nextNumber(),
    credentialId: refs.vonageCredentialId,
    fallbackDestination: {
      type: "sip",
      sipUri: "sip:x@y",
      sipHeaders: { "X-Reason": "fallback" },
      callerId: "+14155550111",
      message: "Transferring you.",
      description: "the PBX",
      transferPlan: { mode: "blind-transfer", sipVerb: "bye" },
    },
  };
  assertCreated(await createRaw(client, body), body);
  const bare = { provider: "telnyx", number: nextNumber(), credentialId: refs.telnyxCredentialId, fallbackDestination: { type: "sip", sipUri: "sip:x@y" } };
  assertCreated(await createRaw(client, bare), bare);
});

// ---------------------------------------------------------------------------------------------
// get / update / delete

test("get returns the same object as create", async () => {
  const created = await client.phoneNumbers.create({ provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId, name: "get me" });
  const { data, rawResponse } = await client.phoneNumbers.get({ id: created.id }).withRawResponse();
  assert.equal(rawResponse.status, 200);
  assert.deepEqual(data, created);
});

test("update without provider changes only the name and advances updatedAt", async () => {
  const created = await client.phoneNumbers.create({
    provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: nextNumber(), name: "before",
    assistantId: refs.assistantId, server: { url: "https://hooks.example.com/a", timeoutSeconds: 20 },
  });
  const { data: updated, rawResponse } = await client.phoneNumbers
    .update({ id: created.id, body: { name: "x" } })
    .withRawResponse();
  assert.equal(rawResponse.status, 200);
  assert.equal(updated.provider, "byo-phone-number");
  assert.equal(updated.name, "x");
  assert.equal(updated.createdAt, created.createdAt);
  assert.match(updated.updatedAt, ISO_MS);
  assert.ok(updated.updatedAt > created.updatedAt, `${updated.updatedAt} should be after ${created.updatedAt}`);
  const { name: _n1, updatedAt: _u1, ...restBefore } = created;
  const { name: _n2, updatedAt: _u2, ...restAfter } = updated;
  assert.deepEqual(restAfter, restBefore);
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), updated);
});

test("update with the same provider stated explicitly works", async () => {
  const created = await client.phoneNumbers.create({ provider: "telnyx", number: nextNumber(), credentialId: refs.telnyxCredentialId });
  const updated = await client.phoneNumbers.update({ id: created.id, body: { provider: "telnyx", name: "telnyx renamed" } });
  assert.equal(updated.provider, "telnyx");
  assert.equal(updated.name, "telnyx renamed");
  assert.equal(updated.number, created.number);
});

test("update replaces nested objects and hooks", async () => {
  const created = await client.phoneNumbers.create({
    provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: nextNumber(), ...realisticCommon(refs),
  });
  const hooks = [{ on: "call.ringing", do: [{ type: "say", exact: "we are closed" }] }];
  const server2 = { url: "https://hooks.example.com/b", timeoutSeconds: 300 };
  const updated = await client.phoneNumbers.update({ id: created.id, body: { hooks, server: server2 } });
  assert.deepEqual(updated.hooks, hooks);
  assert.deepEqual(updated.server, server2);
  assert.deepEqual(updated.fallbackDestination, created.fallbackDestination);
});

test("update with null removes an optional field", async () => {
  const created = await client.phoneNumbers.create({
    provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId, assistantId: refs.assistantId, name: "keep",
  });
  const updated = await client.phoneNumbers.update({ id: created.id, body: { assistantId: null } });
  assert.equal("assistantId" in updated, false);
  assert.equal(updated.name, "keep");
  const fetched = await client.phoneNumbers.get({ id: created.id });
  assert.equal("assistantId" in fetched, false);
  assert.deepEqual(fetched, updated);
});

test("update with a different provider → 400 and nothing changes", async () => {
  const created = await client.phoneNumbers.create({ provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId });
  const err = await expectError(
    client.phoneNumbers.update({ id: created.id, body: { provider: "telnyx", name: "nope" } }),
  );
  assertBadRequest(err);
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), created);
});

test("update validates against the stored provider's schema", async () => {
  const created = await client.phoneNumbers.create({ provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId });
  // twilioAccountSid belongs to twilio only; sipUri to vapi only.
  const err1 = await expectError(client.phoneNumbers.update({ id: created.id, body: { twilioAccountSid: "AC1" } }));
  assertBadRequest(err1, "property twilioAccountSid should not exist");
  const err2 = await expectError(client.phoneNumbers.update({ id: created.id, body: { name: "n".repeat(41) } }));
  assertBadRequest(err2, "name must be shorter than or equal to 40 characters");
  const err3 = await expectError(client.phoneNumbers.update({ id: created.id, body: { foo: 1 } }));
  assertBadRequest(err3, "property foo should not exist");
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), created);
});

test("update is checked against the merged document (number vs numberE164CheckEnabled)", async () => {
  const created = await client.phoneNumbers.create({ provider: "byo-phone-number", credentialId: refs.byoCredentialId, number: nextNumber() });
  const err = await expectError(client.phoneNumbers.update({ id: created.id, body: { number: "trunk42" } }));
  assert.ok(assertBadRequest(err).some((m) => m.includes("E.164")));
  const relaxed = await client.phoneNumbers.update({ id: created.id, body: { number: "trunk42", numberE164CheckEnabled: false } });
  assert.equal(relaxed.number, "trunk42");
  assert.equal(relaxed.numberE164CheckEnabled, false);
  // Turning the check back on while the number is not E.164 → 400.
  assertBadRequest(await expectError(client.phoneNumbers.update({ id: created.id, body: { numberE164CheckEnabled: true } })));
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id }), relaxed);
});

test("update of a vapi number keeps its authentication (password still hidden)", async () => {
  const created = await client.phoneNumbers.create({
    provider: "vapi", sipUri: nextSipUri(),
    authentication: { username: "keep-user-0123456789ab", password: "keep-pass-SECRET-0123456789" },
  });
  assert.deepEqual(created.authentication, { username: "keep-user-0123456789ab" });
  const updated = await client.phoneNumbers.update({ id: created.id, body: { name: "renamed sip" } });
  assert.deepEqual(updated.authentication, { username: "keep-user-0123456789ab" });
  assert.equal(updated.sipUri, created.sipUri);
  const replaced = await client.phoneNumbers.update({
    id: created.id,
    body: { authentication: { username: "new-user-0123456789abc", password: "new-pass-SECRET-0123456789ab" } },
  });
  assert.deepEqual(replaced.authentication, { username: "new-user-0123456789abc" });
  assert.ok(!JSON.stringify(replaced).includes("SECRET"));
});

test("delete returns the deleted object; then get, update and delete → 404", async () => {
  const created = await client.phoneNumbers.create({ provider: "telnyx", number: nextNumber(), credentialId: refs.telnyxCredentialId, name: "bye" });
  const { data, rawResponse } = await client.phoneNumbers.delete({ id: created.id }).withRawResponse();
  assert.equal(rawResponse.status, 200);
  assert.deepEqual(data, created);
  for (const call of [
    () => client.phoneNumbers.get({ id: created.id }),
    () => client.phoneNumbers.update({ id: created.id, body: { name: "ghost" } }),
    () => client.phoneNumbers.delete({ id: created.id }),
  ]) {
    const err = await expectError(call());
    assert.equal(err.statusCode, 404);
    assert.deepEqual(err.body, PHONE_NUMBER_NOT_FOUND);
  }
  const ids = (await client.phoneNumbers.list({ limit: 1000 })).map((p) => p.id);
  assert.equal(ids.includes(created.id), false);
});

test("a deleted number's value can be registered again", async () => {
  const number = nextNumber();
  const first = await client.phoneNumbers.create({ provider: "vonage", number, credentialId: refs.vonageCredentialId });
  await client.phoneNumbers.delete({ id: first.id });
  const again = await createRaw(client, { provider: "vonage", number, credentialId: refs.vonageCredentialId });
  assert.equal(again.status, 201);
  assert.notEqual(again.data.id, first.id);
});

test("get / update / delete of a missing (well-formed) id → 404 with the exact body", async () => {
  const id = "3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e";
  for (const call of [
    () => client.phoneNumbers.get({ id }),
    () => client.phoneNumbers.update({ id, body: { name: "x" } }),
    () => client.phoneNumbers.delete({ id }),
  ]) {
    const err = await expectError(call());
    assert.equal(err.statusCode, 404);
    assert.deepEqual(err.body, PHONE_NUMBER_NOT_FOUND);
  }
});

test("a non-uuid id in the path → 400 'id must be a UUID'", async () => {
  for (const call of [
    () => client.phoneNumbers.get({ id: "not-a-uuid" }),
    () => client.phoneNumbers.update({ id: "not-a-uuid", body: { name: "x" } }),
    () => client.phoneNumbers.delete({ id: "12345" }),
  ]) {
    assertBadRequest(await expectError(call()), "id must be a UUID");
  }
});

test("unique rule: the same number twice in one org → 400 and nothing is left behind", async () => {
  const number = nextNumber();
  await client.phoneNumbers.create({ provider: "byo-phone-number", credentialId: refs.byoCredentialId, number });
  const before = (await client.phoneNumbers.list({ limit: 1000 })).length;
  assertBadRequest(await expectError(client.phoneNumbers.create({ provider: "twilio", number, twilioAccountSid: "AC3", twilioAuthToken: "unique-auth-token-SECRET-4" })));
  assert.equal((await client.phoneNumbers.list({ limit: 1000 })).length, before);
});

test("the id in the path is matched case-insensitively (UUIDs are case-insensitive)", async () => {
  const created = await client.phoneNumbers.create({ provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId });
  assert.deepEqual(await client.phoneNumbers.get({ id: created.id.toUpperCase() }), created);
});

test("responses are JSON (application/json; charset=utf-8), errors included", async () => {
  const created = await client.phoneNumbers.create({ provider: "vonage", number: nextNumber(), credentialId: refs.vonageCredentialId });
  for (const [path, opts, status] of [
    [`/phone-number/${created.id}`, {}, 200],
    ["/phone-number", {}, 200],
    ["/v2/phone-number", {}, 200],
    ["/phone-number", { method: "POST", body: {} }, 400],
    ["/phone-number/3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e", {}, 404],
    ["/phone-number", { token: null }, 401],
  ]) {
    const res = await api(server, path, opts);
    assert.equal(res.status, status, path);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json; charset=utf-8$/i, path);
  }
});

test("an unsupported method on a phone-number path → 404 'Cannot PUT …'", async () => {
  const id = "3f2b8c1d-9e4a-4b6c-8d7e-1f0a2b3c4d5e";
  const res = await api(server, `/phone-number/${id}`, { method: "PUT", body: { name: "x" } });
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, { message: `Cannot PUT /phone-number/${id}`, error: "Not Found", statusCode: 404 });
});

// ---------------------------------------------------------------------------------------------
// write-only secrets (kept last: the final test stops the server)

const secrets = [
  "twilio-auth-token-SECRET-aa11bb22cc33",
  "twilio-api-secret-SECRET-dd44ee55ff66",
  "sip-password-SECRET-0123456789abcd",
  "twilio-auth-token-SECRET-rotated-9988",
  "sip-password-SECRET-rotated-0123456789",
];

/** The secret as stored in the clear or merely encoded: itself, hex, and base64 (any alignment). */
function encodings(secret) {
  const bytes = Buffer.from(secret);
  const forms = [secret, bytes.toString("hex"), bytes.toString("hex").toUpperCase()];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64");
    forms.push(b64.slice(4, -4)); // only the groups made of secret bytes alone
  }
  return forms;
}

function assertNoSecretsIn(dir) {
  const files = dataDirBytes(dir);
  for (const { name, text } of files)
    for (const s of secrets)
      for (const form of encodings(s)) assert.ok(!text.includes(form), `${name} holds ${s} (as ${form})`);
}

test("secrets never appear in any response, nor in plaintext in the data dir while running", async () => {
  const check = (label, value) => {
    const text = JSON.stringify(value);
    for (const s of secrets) assert.ok(!text.includes(s), `${label} leaked ${s}`);
  };

  const twilio = await client.phoneNumbers.create({
    provider: "twilio", number: nextNumber(), twilioAccountSid: "AC2222", twilioApiKey: "SK2222",
    twilioAuthToken: secrets[0], twilioApiSecret: secrets[1], name: "secret twilio",
  });
  check("twilio create", twilio);
  assert.equal("twilioAuthToken" in twilio, false);
  assert.equal("twilioApiSecret" in twilio, false);
  assert.equal(twilio.twilioApiKey, "SK2222");

  const vapi = await client.phoneNumbers.create({
    provider: "vapi", sipUri: nextSipUri(), name: "secret sip",
    authentication: { realm: "example.com", username: "secret-sip-user-0123456", password: secrets[2] },
  });
  check("vapi create", vapi);
  assert.deepEqual(vapi.authentication, { realm: "example.com", username: "secret-sip-user-0123456" });

  check("twilio get", await client.phoneNumbers.get({ id: twilio.id }));
  check("vapi get", await client.phoneNumbers.get({ id: vapi.id }));
  check("list", await client.phoneNumbers.list({ limit: 1000 }));
  check("v2 list", await client.phoneNumbers.phoneNumberControllerFindAllPaginated({ limit: 1000 }));
  check("v2 search", await client.phoneNumbers.phoneNumberControllerFindAllPaginated({ search: "secret" }));
  const rotated = await client.phoneNumbers.update({ id: twilio.id, body: { twilioAuthToken: secrets[3], name: "rotated" } });
  check("twilio update", rotated);
  assert.equal("twilioAuthToken" in rotated, false);
  assert.equal(rotated.name, "rotated");
  const vapiRotated = await client.phoneNumbers.update({
    id: vapi.id,
    body: { authentication: { realm: "example.org", username: "secret-sip-user-6543210", password: secrets[4] } },
  });
  check("vapi update", vapiRotated);
  assert.deepEqual(vapiRotated.authentication, { realm: "example.org", username: "secret-sip-user-6543210" });
  check("raw get", (await api(server, `/phone-number/${twilio.id}`)).body);

  // A rejected request does not echo a secret either.
  const rejected = await expectError(client.phoneNumbers.create({
    provider: "twilio", number: nextNumber(), twilioAccountSid: "AC", twilioAuthToken: secrets[0], name: "n".repeat(41),
  }));
  assert.equal(rejected.statusCode, 400);
  check("400", rejected.body);
  // Nor does the server log one.
  for (const s of secrets) {
    assert.ok(!server.stderr().includes(s), `stderr holds ${s}`);
    assert.ok(!server.stdout().includes(s), `stdout holds ${s}`);
  }

  // Encrypted at rest, while running (WAL) ...
  assertNoSecretsIn(server.dataDir);
  // ... but the non-secret fields are stored (sanity check that the grep can find things).
  const all = dataDirBytes(server.dataDir).map((f) => f.text).join("");
  assert.ok(all.includes("secret-sip-user-6543210"), "the username should be in the database");

  check("twilio delete", await client.phoneNumbers.delete({ id: twilio.id }));
  // The vapi number stays, so the shutdown check below greps a database that holds its secret.
});

test("after a clean shutdown the data dir holds no plaintext secret", { skip: SKIP_ON_POSTGRES }, async () => {
  const status = await server.stop({ keepData: true });
  assert.deepEqual(status, { code: 0, signal: null });
  assert.ok(dataDirBytes(server.dataDir).some((f) => f.name === "switchboard.db"), "switchboard.db should exist");
  assertNoSecretsIn(server.dataDir);
});
