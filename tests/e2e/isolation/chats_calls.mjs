// Isolation-audit fixtures of chats and calls (see audit_isolation.test.mjs). Neither is created
// by a POST on its own collection with a stored body, so each fixture's `make` produces org A's
// object the way a customer does: a chat through the chat engine (the audit's server answers
// from the LLM stand-in), a call by ringing one of the org's Twilio numbers.
import { api } from "../harness.mjs";
import { nextNumber } from "../fixtures.mjs";
import { assistantBody } from "../chats_helpers.mjs";
import { twilioPost, twilioRing, nextCallSid } from "../telephony_helpers.mjs";

const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-the-audit";

/** `res`, asserted to be `status`; resolves its body. */
function expectStatus(what, res, status) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A chat of org A: one turn with an assistant whose model is the stand-in. */
async function answeredChat(server) {
  const assistant = expectStatus("POST /assistant", await api(server, "/assistant", {
    method: "POST",
    body: assistantBody("Audit chat", "You are a helper."),
  }), 201);
  return expectStatus("POST /chat", await api(server, "/chat", {
    method: "POST",
    body: { assistantId: assistant.id, input: "hello" },
  }), 200);
}

/**
 * A call of org A: an inbound Twilio call on a number whose call.ringing hook says a line and
 * hangs up, so the call is ended at once and nothing changes it while the audit runs.
 */
async function endedInboundCall(server) {
  const number = expectStatus("POST /phone-number", await api(server, "/phone-number", {
    method: "POST",
    body: {
      provider: "twilio", number: nextNumber("+1415888"), twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN,
      hooks: [{ on: "call.ringing", do: [{ type: "say", exact: "We are closed." }] }],
    },
  }), 201);
  const callSid = nextCallSid();
  const ring = twilioRing({ to: number.number, from: "+14155550125", accountSid: ACCOUNT, callSid });
  const answered = await twilioPost(server, "/twilio/inbound_call", ring, { authToken: TOKEN });
  if (answered.status !== 200) throw new Error(`inbound call: ${answered.status} ${answered.body}`);
  const calls = expectStatus("GET /call", await api(server, "/call", { query: { limit: 1000 } }), 200);
  const call = calls.find((c) => c.phoneCallProviderId === callSid);
  if (call?.status !== "ended") throw new Error(`no ended call for ${callSid}: ${JSON.stringify(calls)}`);
  return call;
}

export const FIXTURES = {
  "/chat": { make: answeredChat, notFound: "Chat not found" },
  "/call": {
    make: endedInboundCall,
    // Another org's call is "Call not found" on its artifact routes too (its own org would
    // hear "This call has no mono recording": this call has no artifacts).
    notFound: "Call not found",
    patch: { name: "taken over" },
    // DELETE /call/{id} takes a DeleteCallDTO; naming the call in `ids` as well asks for it twice.
    bodies: { "DELETE /call/{id}": (id) => ({ ids: [id] }) },
  },
};
