// Request bodies shared by the phone-number tests.
import { randomUUID } from "node:crypto";

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

/** The fields every provider accepts, filled in realistically (as on the reference page). */
export function realisticCommon() {
  return {
    name: "Front desk (main line)",
    assistantId: "8f3c2a1e-5b4d-4c6e-9f7a-1b2c3d4e5f60",
    squadId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
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
      credentialId: "550e8400-e29b-41d4-a716-446655440000",
      staticIpAddressesEnabled: false,
      backoffPlan: { type: "fixed", maxRetries: 0, baseDelaySeconds: 1, excludedStatusCodes: [400, 401, 403, 404] },
    },
  };
}
