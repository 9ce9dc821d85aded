// Importing a twilio, vonage or telnyx number points the provider's voice webhook at this
// server through the provider's API (a local stand-in here): exactly the documented calls,
// with the account's auth and this server's URLs. A provider that rejects the credentials,
// cannot be reached, or does not have the number makes the import a 400 that stores nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, api, expectError, assertBadRequest } from "./harness.mjs";
import { startProviderStandin, closedPortUrl } from "./provider_standin.mjs";
import { credentialBody } from "./credentials_fixtures.mjs";

const PUBLIC = "https://switchboard.example.com";
const TWILIO = { sid: "AC5f1e2d3c4b5a69788796a5b4c3d2e1f0", token: "twilio-import-token-SECRET-7", key: "SK0a1b2c3d4e5f60718293a4b5c6d7e8f9", keySecret: "twilio-import-key-SECRET-8" };
const VONAGE = { apiKey: "vonage-import-key-77", apiSecret: "VonageImportSecret9" };
const TELNYX = { apiKey: "KEY0192F3E4D5C6B7A8_TelnyxImportSecret" };
const N = {
  twilio: "+14155550111", twilioByKey: "+14155550112", twilioOther: "+14155550113",
  vonage: "+447700900111", vonageUs: "+14155550114",
  telnyx: "+14155550115", telnyx2: "+14155550116",
  missing: "+14155550199",
};

let standin, server, vonageCredentialId, telnyxCredentialId;
before(async () => {
  standin = await startProviderStandin({
    twilio: { [TWILIO.sid]: { authToken: TWILIO.token, apiKeys: { [TWILIO.key]: TWILIO.keySecret }, numbers: [N.twilio, N.twilioByKey, N.twilioOther] } },
    vonage: { [VONAGE.apiKey]: { apiSecret: VONAGE.apiSecret, numbers: [N.vonage, N.vonageUs] } },
    telnyx: { [TELNYX.apiKey]: { numbers: [N.telnyx, N.telnyx2] } },
  });
  server = await startServer({ env: standin.env, args: ["--public-url", `${PUBLIC}/`] });
  vonageCredentialId = await credential({ provider: "vonage", ...VONAGE, name: "vonage import" });
  telnyxCredentialId = await credential({ provider: "telnyx", apiKey: TELNYX.apiKey, name: "telnyx import" });
});
after(async () => {
  await server?.stop();
  await standin?.close();
});

async function credential(body) {
  const res = await api(server, "/credential", { method: "POST", body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const numbers = async (s = server) => (await api(s, "/phone-number", { query: { limit: 1000 } })).body;
/** The requests the stand-in received while `fn` ran, as "METHOD /path". */
async function requestsDuring(fn) {
  standin.clear();
  const result = await fn();
  return { result, requests: [...standin.requests] };
}
const lines = (requests) => requests.map((r) => `${r.method} ${r.path}`);

// ---------------------------------------------------------------------------------------------
// Twilio

test("twilio: finds the number under the account, then sets its voice and status URLs", async () => {
  const { result, requests } = await requestsDuring(() =>
    server.client.phoneNumbers.create({ provider: "twilio", number: N.twilio, twilioAccountSid: TWILIO.sid, twilioAuthToken: TWILIO.token }),
  );
  const pn = standin.twilioNumber(TWILIO.sid, N.twilio);
  assert.deepEqual(lines(requests), [
    `GET /2010-04-01/Accounts/${TWILIO.sid}/IncomingPhoneNumbers.json`,
    `POST /2010-04-01/Accounts/${TWILIO.sid}/IncomingPhoneNumbers/${pn.sid}.json`,
  ]);
  assert.deepEqual(requests[0].query, { PhoneNumber: N.twilio });
  for (const r of requests) assert.equal(r.headers.authorization, basic(TWILIO.sid, TWILIO.token));
  assert.equal(requests[1].headers["content-type"], "application/x-www-form-urlencoded");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(requests[1].body)), {
    VoiceUrl: `${PUBLIC}/twilio/inbound_call`,
    VoiceMethod: "POST",
    StatusCallback: `${PUBLIC}/twilio/status`,
    StatusCallbackMethod: "POST",
  });
  assert.equal(pn.voice_url, `${PUBLIC}/twilio/inbound_call`);
  assert.equal(result.number, N.twilio);
  assert.equal("twilioAuthToken" in result, false);
});

test("twilio: an API key and secret authenticate instead of the auth token", async () => {
  const { requests } = await requestsDuring(() =>
    server.client.phoneNumbers.create({ provider: "twilio", number: N.twilioByKey, twilioAccountSid: TWILIO.sid, twilioApiKey: TWILIO.key, twilioApiSecret: TWILIO.keySecret }),
  );
  assert.equal(requests.length, 2);
  for (const r of requests) assert.equal(r.headers.authorization, basic(TWILIO.key, TWILIO.keySecret));
  assert.equal(standin.twilioNumber(TWILIO.sid, N.twilioByKey).status_callback, `${PUBLIC}/twilio/status`);
});

test("twilio: a wrong auth token → 400 naming the credentials, nothing stored", async () => {
  const stored = await numbers();
  const { result: err, requests } = await requestsDuring(() =>
    expectError(server.client.phoneNumbers.create({ provider: "twilio", number: N.twilioOther, twilioAccountSid: TWILIO.sid, twilioAuthToken: "wrong-token" })),
  );
  const [message] = assertBadRequest(err);
  assert.match(message, /^Twilio rejected the credentials/);
  assert.match(message, /twilioAuthToken/);
  assert.equal(requests.length, 1, "nothing is updated after the lookup fails");
  assert.equal(standin.twilioNumber(TWILIO.sid, N.twilioOther).voice_url, "");
  assert.deepEqual(await numbers(), stored);
});

test("twilio: a number the account does not have → 400 naming it, nothing stored", async () => {
  const stored = await numbers();
  const err = await expectError(server.client.phoneNumbers.create({ provider: "twilio", number: N.missing, twilioAccountSid: TWILIO.sid, twilioAuthToken: TWILIO.token }));
  const [message] = assertBadRequest(err);
  assert.match(message, new RegExp(`number \\${N.missing} is not a phone number of Twilio account ${TWILIO.sid}`));
  assert.deepEqual(await numbers(), stored);
});

test("twilio: without an auth token or API key and secret → 400 and Twilio is not called", async () => {
  const stored = await numbers();
  const { result: err, requests } = await requestsDuring(() =>
    expectError(server.client.phoneNumbers.create({ provider: "twilio", number: N.twilioOther, twilioAccountSid: TWILIO.sid, twilioApiKey: TWILIO.key })),
  );
  assert.match(assertBadRequest(err)[0], /twilioAuthToken \(or twilioApiKey and twilioApiSecret\) is needed/);
  assert.deepEqual(requests, []);
  assert.deepEqual(await numbers(), stored);
});

// ---------------------------------------------------------------------------------------------
// Vonage

test("vonage: finds the number, creates this server's voice application once, links the number", async () => {
  const { result, requests } = await requestsDuring(() =>
    server.client.phoneNumbers.create({ provider: "vonage", number: N.vonage, credentialId: vonageCredentialId }),
  );
  assert.equal(result.number, N.vonage);
  assert.deepEqual(lines(requests), ["GET /account/numbers", "GET /v2/applications", "POST /v2/applications", "POST /number/update"]);
  for (const r of requests) assert.equal(r.headers.authorization, basic(VONAGE.apiKey, VONAGE.apiSecret));
  assert.deepEqual(requests[0].query, { pattern: "447700900111", search_pattern: "0" });
  const [app] = standin.applications("vonage", VONAGE.apiKey);
  const written = JSON.parse(requests[2].body);
  // The application holds the public half of a key pair made for it: the Voice API takes
  // tokens signed with the private half, which the credential keeps, sealed.
  assert.match(written.keys.public_key, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  delete written.keys;
  assert.deepEqual(written, {
    name: `Switchboard ${PUBLIC}`,
    capabilities: {
      voice: {
        webhooks: {
          answer_url: { address: `${PUBLIC}/vonage/inbound_call`, http_method: "POST" },
          event_url: { address: `${PUBLIC}/vonage/event`, http_method: "POST" },
        },
      },
    },
  });
  assert.deepEqual(Object.fromEntries(new URLSearchParams(requests[3].body)), { country: "GB", msisdn: "447700900111", app_id: app.id });
  assert.equal(standin.vonageNumber(VONAGE.apiKey, N.vonage).app_id, app.id);
  const kept = await api(server, `/credential/${vonageCredentialId}`);
  assert.equal(kept.body.vonageApplicationId, app.id);
  assert.equal(kept.body.vonageApplicationPrivateKey, undefined);
  assert.doesNotMatch(JSON.stringify(kept.body), /PRIVATE KEY/);

  // A second import reuses the application and its keys.
  const again = await requestsDuring(() =>
    server.client.phoneNumbers.create({ provider: "vonage", number: N.vonageUs, credentialId: vonageCredentialId }),
  );
  assert.deepEqual(lines(again.requests), ["GET /account/numbers", "GET /v2/applications", "POST /number/update"]);
  assert.equal(standin.applications("vonage", VONAGE.apiKey).length, 1);
  assert.equal(standin.vonageNumber(VONAGE.apiKey, N.vonageUs).app_id, app.id);
});

test("vonage: a wrong API secret → 400 naming the credential, nothing stored", async () => {
  const bad = await credential({ provider: "vonage", apiKey: VONAGE.apiKey, apiSecret: "NotTheSecret1", name: "vonage wrong" });
  const stored = await numbers();
  const err = await expectError(server.client.phoneNumbers.create({ provider: "vonage", number: N.vonage, credentialId: bad }));
  const [message] = assertBadRequest(err);
  assert.match(message, /^Vonage rejected the credentials/);
  assert.match(message, new RegExp(`vonage credential ${bad}`));
  assert.deepEqual(await numbers(), stored);
});

test("vonage: a number the account does not have → 400 naming it, nothing stored", async () => {
  const stored = await numbers();
  const { result: err, requests } = await requestsDuring(() =>
    expectError(server.client.phoneNumbers.create({ provider: "vonage", number: N.missing, credentialId: vonageCredentialId })),
  );
  assert.match(assertBadRequest(err)[0], new RegExp(`number \\${N.missing} is not a number of the Vonage account`));
  assert.deepEqual(lines(requests), ["GET /account/numbers"]);
  assert.deepEqual(await numbers(), stored);
});

// ---------------------------------------------------------------------------------------------
// Telnyx

test("telnyx: finds the number, creates this server's TeXML application once, assigns the number", async () => {
  const { result, requests } = await requestsDuring(() =>
    server.client.phoneNumbers.create({ provider: "telnyx", number: N.telnyx, credentialId: telnyxCredentialId }),
  );
  assert.equal(result.number, N.telnyx);
  const number = standin.telnyxNumber(TELNYX.apiKey, N.telnyx);
  assert.deepEqual(lines(requests), ["GET /v2/phone_numbers", "GET /v2/texml_applications", "POST /v2/texml_applications", `PATCH /v2/phone_numbers/${number.id}`]);
  for (const r of requests) assert.equal(r.headers.authorization, `Bearer ${TELNYX.apiKey}`);
  assert.equal(requests[0].query["filter[phone_number]"], N.telnyx);
  assert.equal(requests[1].query["filter[friendly_name]"], `Switchboard ${PUBLIC}`);
  assert.deepEqual(JSON.parse(requests[2].body), {
    friendly_name: `Switchboard ${PUBLIC}`,
    voice_url: `${PUBLIC}/telnyx/inbound_call`,
    voice_method: "post",
    status_callback: `${PUBLIC}/telnyx/status`,
    status_callback_method: "post",
  });
  const [app] = standin.applications("telnyx", TELNYX.apiKey);
  assert.deepEqual(JSON.parse(requests[3].body), { connection_id: app.id });
  assert.equal(number.connection_id, app.id);

  const again = await requestsDuring(() =>
    server.client.phoneNumbers.create({ provider: "telnyx", number: N.telnyx2, credentialId: telnyxCredentialId }),
  );
  assert.deepEqual(lines(again.requests).map((l) => l.replace(/\/\d+$/, "/{id}")), ["GET /v2/phone_numbers", "GET /v2/texml_applications", "PATCH /v2/phone_numbers/{id}"]);
  assert.equal(standin.applications("telnyx", TELNYX.apiKey).length, 1);
  assert.equal(standin.telnyxNumber(TELNYX.apiKey, N.telnyx2).connection_id, app.id);
});

test("telnyx: a wrong API key → 400 naming the credential; a number the account lacks → 400; nothing stored", async () => {
  const bad = await credential({ provider: "telnyx", apiKey: "KEY_not_a_real_key_0000", name: "telnyx wrong" });
  const stored = await numbers();
  const err = await expectError(server.client.phoneNumbers.create({ provider: "telnyx", number: N.telnyx, credentialId: bad }));
  const [message] = assertBadRequest(err);
  assert.match(message, /^Telnyx rejected the credentials/);
  assert.match(message, new RegExp(`telnyx credential ${bad}`));
  const missing = await expectError(server.client.phoneNumbers.create({ provider: "telnyx", number: N.missing, credentialId: telnyxCredentialId }));
  assert.match(assertBadRequest(missing)[0], new RegExp(`number \\${N.missing} is not a number of the Telnyx account`));
  assert.deepEqual(await numbers(), stored);
});

// ---------------------------------------------------------------------------------------------
// All providers

test("a provider that cannot be reached → 400 saying so, for each provider; nothing stored", async () => {
  const closed = await closedPortUrl();
  const own = await startServer({ env: { TWILIO_API_BASE_URL: closed, VONAGE_API_BASE_URL: closed, TELNYX_API_BASE_URL: closed } });
  const cred = async (body) => (await api(own, "/credential", { method: "POST", body })).body.id;
  const bodies = [
    ["Twilio", { provider: "twilio", number: N.twilio, twilioAccountSid: TWILIO.sid, twilioAuthToken: TWILIO.token }],
    ["Vonage", { provider: "vonage", number: N.vonage, credentialId: await cred({ provider: "vonage", ...VONAGE }) }],
    ["Telnyx", { provider: "telnyx", number: N.telnyx, credentialId: await cred({ provider: "telnyx", apiKey: TELNYX.apiKey }) }],
  ];
  try {
    for (const [name, body] of bodies) {
      const err = await expectError(own.client.phoneNumbers.create(body));
      assert.match(assertBadRequest(err)[0], new RegExp(`^${name} could not be reached \\(.+\\) while looking up \\${body.number}; nothing was stored`));
    }
    assert.deepEqual(await numbers(own), []);
  } finally {
    await own.stop();
  }
});

test("byo numbers and PATCH make no provider call (an update does not re-point the number)", async () => {
  const byoCredential = await credential(credentialBody("byo-sip-trunk"));
  const { requests } = await requestsDuring(async () => {
    await server.client.phoneNumbers.create({ provider: "byo-phone-number", number: "+14155550120", credentialId: byoCredential });
    const twilio = (await numbers()).find((n) => n.number === N.twilio);
    await server.client.phoneNumbers.update({ id: twilio.id, body: { name: "renamed", twilioAuthToken: "rotated-token-SECRET-9" } });
  });
  assert.deepEqual(requests, []);
});
