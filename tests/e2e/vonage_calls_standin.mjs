// The stand-in's Vonage Voice API calls (POST /v1/calls, PUT /v1/calls/{uuid}), written from
// Vonage's Voice API reference ("Create an outbound call", "Modify an in progress call") and its
// "Call events" and signed-webhooks guides: a request must carry a JWT signed (RS256) with the
// private key of an application of the account, which the stand-in checks against the public key
// the application was given; a call is answered 201 with its uuid (status started), then runs
// as TwilioCalls does, its events (started, ringing, answered, then completed, busy, unanswered,
// failed, cancelled) POSTed as JSON to the first event_url with a signed-webhook JWT (HS256,
// the account's signature secret, here its API secret, with payload_hash); an answered call's
// NCCO connect websocket endpoint is connected back with vonage_stream_emulator.mjs, its NCCO
// headers sent in websocket:connected. A call with advanced_machine_detection (asynchronous mode
// "default") gets its verdicts as events: status human or machine, then, for a machine, another
// machine event with sub_state beep_start at the beep (beep_timeout when none came). Guesses:
// the 401 and 400 bodies' wording.
import { createPublicKey, randomUUID, verify } from "node:crypto";
import { TwilioCalls } from "./twilio_calls_standin.mjs";
import { connectVonageStream } from "./vonage_stream_emulator.mjs";
import { vonageJwt } from "./telephony_helpers.mjs";

const STATUS = { initiated: "started", ringing: "ringing", "in-progress": "answered", completed: "completed", busy: "busy", "no-answer": "unanswered", failed: "failed", canceled: "cancelled" };

/** The application a Voice API request's bearer token was signed for, or a refusal. */
export function vonageCaller(applications, authorization) {
  const unauthorized = [401, { type: "https://developer.nexmo.com/api-errors#unauthorized", title: "Unauthorized", detail: "Invalid Token" }];
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  const [header, claims, signature] = (token ?? "").split(".");
  if (!signature) return { refusal: unauthorized };
  let parsed;
  try {
    parsed = { header: JSON.parse(Buffer.from(header, "base64url")), claims: JSON.parse(Buffer.from(claims, "base64url")) };
  } catch {
    return { refusal: unauthorized };
  }
  const found = applications().find(({ app }) => app.id === parsed.claims.application_id && app.keys?.public_key);
  const now = Math.floor(Date.now() / 1000);
  if (!found || parsed.header.alg !== "RS256" || !(parsed.claims.exp > now) || !(parsed.claims.iat <= now + 5) || !parsed.claims.jti) return { refusal: unauthorized };
  const key = createPublicKey(found.app.keys.public_key);
  if (!verify("sha256", Buffer.from(`${header}.${claims}`), key, Buffer.from(signature, "base64url"))) return { refusal: unauthorized };
  return found;
}

export class VonageCalls extends TwilioCalls {
  /** POST /v1/calls for `app` of `account` with JSON `body`; returns [status, json]. */
  createCall(account, app, body) {
    const b = { outcome: "answer", ringMs: 50, ...(this.behaviour({ To: `+${body.to?.[0]?.number}` }) ?? {}) };
    if (b.outcome === "reject") return [400, { type: "https://developer.nexmo.com/api-errors/voice#bad-request", title: "Bad Request", detail: `Invalid number ${body.to?.[0]?.number}` }];
    if (!body.to?.[0]?.number || !body.from?.number || !(body.ncco || body.answer_url)) return [400, { title: "Bad Request", detail: "to, from and ncco are required" }];
    const call = {
      sid: randomUUID(), account, app, form: body, events: ["initiated", "ringing", "answered", "completed"],
      statuses: [], callbacks: [], stream: null, ended: false,
    };
    this.calls.push(call);
    call.done = this.run(call, b).catch((e) => (call.error = e));
    return [201, { uuid: call.sid, status: "started", direction: "outbound", conversation_uuid: `CON-${randomUUID()}` }];
  }

  /**
   * PUT /v1/calls/{uuid} by `app`: {action: "hangup"} ends it; {action: "transfer",
   * destination: {type: "ncco", ncco}} runs the new NCCO instead (recorded in `transfers`), so
   * the old one's websocket closes.
   */
  modify(app, uuid, body) {
    const call = this.calls.find((c) => c.sid === uuid && c.app.id === app.id);
    if (!call) return [404, { title: "Not Found", detail: `Call ${uuid} was not found` }];
    call.updates = [...(call.updates ?? []), body];
    if (body.action === "transfer") {
      if (call.ended) return [400, { title: "Bad Request", detail: "The call is not in progress" }];
      if (body.destination?.type !== "ncco" || !Array.isArray(body.destination.ncco)) return [400, { title: "Bad Request", detail: "destination must be an ncco" }];
      call.transfers = [...(call.transfers ?? []), body.destination.ncco];
      call.stream?.close();
      return [204, null];
    }
    if (body.action !== "hangup") return [400, { title: "Bad Request", detail: `Unsupported action ${body.action}` }];
    if (call.stream) call.stream.close();
    this.finish(call, call.stream ? "completed" : "canceled");
    return [204, null];
  }

  // Twilio's AnsweredBy words, which the stand-ins' behaviours use, as Vonage's events.
  machineVerdicts(call, answeredBy) {
    if (!call.form.advanced_machine_detection) return [];
    const event = (extra) => [this.statusCallback(call), { ...this.callbackParams(call, answeredBy === "human" ? "human" : "machine"), ...extra }];
    const beep = { machine_end_beep: "beep_start", machine_end_other: "beep_timeout" }[answeredBy];
    return beep ? [event({}), event({ sub_state: beep })] : [event({})];
  }

  streamUrl(call) {
    return this.endpoint(call)?.uri;
  }
  endpoint(call) {
    return call.form.ncco?.find((a) => a.action === "connect")?.endpoint?.find((e) => e.type === "websocket");
  }
  connectStream(call, url, options) {
    return connectVonageStream(url, { headers: this.endpoint(call).headers ?? {}, ...options });
  }
  statusCallback(call) {
    return call.form.event_url?.[0];
  }
  callbackParams(call, status) {
    return {
      status: STATUS[status] ?? status, uuid: call.sid, conversation_uuid: `CON-${call.sid}`, direction: "outbound",
      from: call.form.from.number, to: call.form.to[0].number, timestamp: new Date().toISOString(),
    };
  }
  encode(params) {
    return ["application/json", JSON.stringify(params)];
  }
  signature(call, target, params, body) {
    return { Authorization: `Bearer ${vonageJwt(call.account.apiSecret, body)}` };
  }
}
