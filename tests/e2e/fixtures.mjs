// Request bodies shared by the phone-number tests, and the objects of an org that bodies name
// by id (credentials, an assistant, a squad, a phone number, a file): the server checks every
// such id, so a test's bodies name real objects of the org that sends them.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { api } from "./harness.mjs";
import { credentialBody } from "./credentials_fixtures.mjs";
import { DOCUMENTS, form } from "./files_fixtures.mjs";

let counter = 0;
/** A fresh E.164 number (+1 206 555 xxxx), unique within this process; never a pool number. */
export function nextNumber(prefix = "+1206555") {
  counter += 1;
  return `${prefix}${String(counter).padStart(4, "0")}`;
}

/** A fresh, globally unique SIP URI ("sip:user@host"). */
export function nextSipUri(host = "sip.example.com") {
  return `sip:e2e-${randomUUID().slice(0, 13)}@${host}`;
}

/** A realistic transfer plan (every TransferPlan field the reference page shows). */
export function transferPlan() {
  return {
    mode: "blind-transfer",
    message: "Connecting you to the front desk now.",
    timeout: 45,
    sipVerb: "refer",
    dialTimeout: 30,
    holdAudioUrl: "https://cdn.example.com/audio/hold.mp3",
    transferCompleteAudioUrl: "https://cdn.example.com/audio/beep.wav",
    contextEngineeringPlan: { type: "lastNMessages", maxMessages: 5 },
    twiml: '<Say voice="alice">Transferring a caller to you.</Say><Pause length="1"/>',
    summaryPlan: {
      messages: [
        { role: "system", content: "Summarize the call in 2 sentences." },
        { role: "user", content: "Here is the transcript:\n\n{{transcript}}" },
      ],
      enabled: true,
      timeoutSeconds: 5,
    },
    sipHeadersInReferToEnabled: true,
    fallbackPlan: { message: "Sorry, nobody is available right now.", endCallEnabled: true },
  };
}

// ---------------------------------------------------------------------------------------------
// objects that bodies name

/** POSTs `body` (JSON, or a FormData upload) to `path` in the org of `apiKey`; resolves the id. */
async function createIn(server, apiKey, path, body) {
  const sent = body instanceof FormData ? { rawBody: body } : { body };
  const res = await api(server, path, { method: "POST", token: apiKey, ...sent });
  if (res.status !== 201) throw new Error(`POST ${path} for a fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

// Per server and key, the promise of each kind of fixture, so each is created once.
const cache = new Map();
function once(kind, server, apiKey, make) {
  const key = `${kind} ${server.baseUrl} ${apiKey}`;
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

/**
 * A credential of type `provider` (realistic, from credentials_fixtures.mjs) in the org of
 * `apiKey` (default: the server's first org), created on first use and cached; resolves its id.
 */
export function orgCredentialId(server, provider, apiKey = server.apiKey) {
  return once(`credential ${provider}`, server, apiKey, () =>
    createIn(server, apiKey, "/credential", credentialBody(provider)),
  );
}

/**
 * The objects phone-number bodies name, created in the org of `apiKey` (default: the server's
 * first org) on first use and cached per server and key. Resolves their ids:
 * {byoCredentialId (a byo-sip-trunk credential), vonageCredentialId, telnyxCredentialId,
 * serverCredentialId (a custom-credential, as a webhook `server` takes), assistantId, squadId}.
 */
export function orgRefs(server, apiKey = server.apiKey) {
  return once("refs", server, apiKey, async () => {
    const create = (path, body) => createIn(server, apiKey, path, body);
    const credential = (provider) => orgCredentialId(server, provider, apiKey);
    const assistantId = await create("/assistant", {
      name: "Front desk",
      firstMessage: "Hi, you've reached the front desk.",
      model: { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "system", content: "You answer the front desk." }] },
    });
    return {
      byoCredentialId: await credential("byo-sip-trunk"),
      vonageCredentialId: await credential("vonage"),
      telnyxCredentialId: await credential("telnyx"),
      serverCredentialId: await credential("custom-credential"),
      assistantId,
      squadId: await create("/squad", { name: "Front office", members: [{ assistantId }] }),
    };
  });
}

/**
 * A byo phone number called `name` in the org of `apiKey`, created once (cached per name);
 * resolves its id.
 */
export function orgPhoneNumberId(server, apiKey = server.apiKey, name = "Outbound line") {
  return once(`phone-number ${name}`, server, apiKey, async () => {
    const credentialId = await orgCredentialId(server, "byo-sip-trunk", apiKey);
    const body = { provider: "byo-phone-number", credentialId, number: nextNumber("+1718555"), name };
    return createIn(server, apiKey, "/phone-number", body);
  });
}

/** A file of the org of `apiKey` (an FAQ uploaded for knowledge bases), created once; resolves its id. */
export function orgFileId(server, apiKey = server.apiKey) {
  return once("file", server, apiKey, () =>
    createIn(server, apiKey, "/file", form("faq.md", DOCUMENTS["faq.md"].data, { purpose: "knowledge-base-v2" })),
  );
}

// ---------------------------------------------------------------------------------------------
// phone-number bodies

/**
 * The fields every provider accepts, filled in realistically (as on the reference page); `refs`
 * (from orgRefs) gives the assistant, squad and server credential they name.
 */
export function realisticCommon(refs) {
  return {
    name: "Front desk (main line)",
    assistantId: refs.assistantId,
    squadId: refs.squadId,
    workflowId: "0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c",
    fallbackDestination: {
      type: "number",
      number: "+14155550100",
      extension: "1234",
      callerId: "+14155550199",
      message: "Please hold while I transfer your call.",
      description: "The front desk, used when no assistant answers",
      numberE164CheckEnabled: true,
      transferPlan: transferPlan(),
    },
    hooks: [
      {
        on: "call.ringing",
        filters: [{ type: "startsWith", key: "number", startsWith: ["91", "86"] }],
        do: [{ type: "transfer", destination: { type: "number", number: "+14155550100" } }],
      },
      { on: "call.ringing", do: [{ type: "say", exact: "inbound calling is disabled" }] },
      {
        on: "call.ending",
        filters: [
          {
            type: "oneOf",
            key: "call.endedReason",
            oneOf: ["assistant-request-failed", "assistant-request-returned-error"],
          },
        ],
        do: { type: "transfer", destination: { type: "sip", sipUri: "sip:overflow@pbx.example.com" } },
      },
    ],
    server: {
      url: "https://hooks.example.com/vapi",
      timeoutSeconds: 20,
      headers: { "X-Tenant": "acme", Authorization: "Bearer webhook-token" },
      credentialId: refs.serverCredentialId,
      staticIpAddressesEnabled: false,
      backoffPlan: { type: "fixed", maxRetries: 0, baseDelaySeconds: 1, excludedStatusCodes: [400, 401, 403, 404] },
    },
  };
}

/** Creates a credential (not in the SDK: /credential is this server's) and resolves its id. */
export async function credential(on, body) {
  const res = await api(on, "/credential", { method: "POST", body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}
