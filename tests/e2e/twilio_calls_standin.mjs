// The stand-in's Twilio Calls resource (POST /2010-04-01/Accounts/{Sid}/Calls.json and
// /Calls/{CallSid}.json), written from Twilio's REST and status-callback documentation: a call
// is answered 201 with its CallSid (status queued), then, asynchronously, as Twilio would: its
// StatusCallback gets the events the request subscribed to (initiated, ringing, answered as
// CallStatus in-progress) and always the final one (completed, busy, no-answer, failed,
// canceled), each form-encoded and signed with X-Twilio-Signature (the account's auth token);
// an answered call's TwiML <Connect><Stream> is connected back to the server with
// twilio_stream_emulator.mjs, and when that stream closes the call completes.
import { randomBytes } from "node:crypto";
import { connectTwilioStream } from "./twilio_stream_emulator.mjs";
import { twilioSignature } from "./telephony_helpers.mjs";

/**
 * What each dialled call does: behaviour(form) → {outcome, ringMs, reject: {status, code,
 * message}, stream: options for connectTwilioStream, answeredBy: what async AMD decides (for a
 * call that asked for it; "human" by default, in Twilio's words, which the TeXML and Vonage
 * stand-ins translate), amdMs: how long after the stream it decides}. outcome: "answer" (default), "busy",
 * "no-answer", "failed", "reject" (the REST call itself is refused), "silent" (nothing after
 * the 201, as if Twilio never got through).
 */
export class TwilioCalls {
  constructor() {
    this.calls = [];
    this.behaviour = () => ({});
  }

  /** The Calls.json POST of `account` (sid) with `authToken`; returns [status, json]. */
  create(accountSid, authToken, form, events) {
    const b = { outcome: "answer", ringMs: 50, ...(this.behaviour(form) ?? {}) };
    if (b.outcome === "reject") {
      const r = { status: 400, code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, ...(b.reject ?? {}) };
      return [r.status, { code: r.code, message: r.message, more_info: `https://www.twilio.com/docs/errors/${r.code}`, status: r.status }];
    }
    if (!form.To || !form.From || !(form.Twiml || form.Url))
      return [400, { code: 21201, message: "No 'To' number is specified", status: 400 }];
    const call = {
      sid: "CA" + randomBytes(16).toString("hex"), accountSid, authToken, form, events, at: Date.now(),
      statuses: [], callbacks: [], stream: null, ended: false,
    };
    this.calls.push(call);
    call.done = this.run(call, b).catch((e) => (call.error = e));
    return [201, {
      sid: call.sid, account_sid: accountSid, to: form.To, from: form.From, status: "queued",
      direction: "outbound-api", api_version: "2010-04-01",
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`,
    }];
  }

  /**
   * POST /Calls/{CallSid}.json: Status=completed|canceled ends it; Twiml=... replaces what the
   * call runs, so its media stream stops (Twilio sends `stop`, then closes it) and the new TwiML
   * (e.g. a transfer's <Dial>) is recorded in `twimlUpdates`.
   */
  update(accountSid, callSid, form) {
    const call = this.calls.find((c) => c.sid === callSid && c.accountSid === accountSid);
    if (!call) return [404, { code: 20404, message: `The requested resource /2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json was not found`, status: 404 }];
    call.updates = [...(call.updates ?? []), form];
    if (form.Twiml) {
      if (call.ended) return [400, { code: 21220, message: "Call is not in-progress. Cannot redirect.", status: 400 }];
      call.twimlUpdates = [...(call.twimlUpdates ?? []), form.Twiml];
      const whisper = /<(?:Number|Sip)\b[^>]*\burl="([^"]+)"/.exec(form.Twiml)?.[1];
      if (whisper) call.whisper = this.answerDestination(call, unescapeXml(whisper));
      if (call.stream) {
        call.stream.stop();
        setTimeout(() => call.stream.close(), 20);
      }
    }
    if (form.Status === "completed" || form.Status === "canceled") this.finish(call, call.stream ? "completed" : "canceled");
    return [200, { sid: call.sid, status: call.ended ? call.statuses.at(-1) : "in-progress" }];
  }

  /**
   * A warm transfer's destination answers: as Twilio does for <Number url> / <Sip url>, the
   * url's TwiML (fetched with a signed POST, the child leg's parameters) runs on the
   * destination's leg before the caller is connected. Followed here: <Play> (the audio is
   * fetched), and <Gather input="speech" action> (after `operatorSpeaksMs` — default 100 — of
   * ringing, the operator "speaks" and the action gets SpeechResult). Anything else is the
   * user's TwiML and is only recorded. Returns the leg: {requests: [{url, status, twiml}],
   * gather, audio (Buffer), audioType, done (a promise)}.
   */
  answerDestination(call, url) {
    const leg = { requests: [] };
    const b = this.behaviour(call.form) ?? {};
    leg.done = (async () => {
      const params = {
        AccountSid: call.accountSid, CallSid: "CA" + randomBytes(16).toString("hex"), ParentCallSid: call.sid,
        CallStatus: "in-progress", Direction: "outbound-dial", From: call.form.From, To: call.form.To, ApiVersion: "2010-04-01",
      };
      let target = url;
      for (let step = 0; step < 3; step++) {
        const body = new URLSearchParams(params).toString();
        const res = await fetch(target, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilioSignature(call.authToken, target, params) },
          body,
        });
        const twiml = await res.text();
        leg.requests.push({ url: target, status: res.status, twiml });
        if (res.status !== 200) return;
        const play = /<Play>([^<]+)<\/Play>/.exec(twiml);
        if (play) {
          const audio = await fetch(unescapeXml(play[1]));
          leg.audioType = audio.headers.get("content-type");
          leg.audio = Buffer.from(await audio.arrayBuffer());
          return;
        }
        const gather = /<Gather\b([^>]*)>/.exec(twiml);
        if (!gather) return;
        leg.gather = Object.fromEntries([...gather[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], unescapeXml(m[2])]));
        await new Promise((r) => setTimeout(r, b.operatorSpeaksMs ?? 100));
        target = leg.gather.action;
        Object.assign(params, { SpeechResult: "Front desk, this is Dana.", Confidence: "0.92" });
      }
    })().catch((e) => (leg.error = e));
    return leg;
  }

  // The call's life as the carrier runs it; the hooks below are what differs per carrier.
  async run(call, b) {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    await sleep(10);
    await this.post(call, "initiated");
    if (b.outcome === "silent") return;
    if (b.outcome === "failed") return this.finish(call, "failed");
    await sleep(b.ringMs);
    await this.post(call, "ringing");
    await sleep(b.ringMs);
    if (b.outcome === "busy" || b.outcome === "no-answer") return this.finish(call, b.outcome);
    if (call.ended) return;
    await this.post(call, "in-progress");
    const url = this.streamUrl(call);
    if (!url) return this.finish(call, "completed");
    try {
      call.stream = await this.connectStream(call, url, b.stream ?? {});
    } catch (e) {
      call.streamError = e;
      return this.finish(call, "completed");
    }
    let wait = b.amdMs ?? 300;
    for (const [target, params] of this.machineVerdicts(call, b.answeredBy ?? "human")) {
      await sleep(wait);
      wait = 200;  // a beep after the machine's greeting
      await this.postTo(call, target, params, "amd");
    }
    await call.stream.closed;
    this.finish(call, "completed");
  }

  finish(call, status) {
    if (call.ended) return;
    call.ended = true;
    return this.post(call, status, true);
  }

  // Posts the events the call subscribed to, and its final status whatever it asked.
  async post(call, status, final = false) {
    call.statuses.push(status);
    const event = status === "in-progress" ? "answered" : status;
    if (!final && !call.events.includes(event)) return;
    const target = this.statusCallback(call);
    if (!target) return;
    await this.postTo(call, target, this.callbackParams(call, status, final), status);
  }

  // One signed callback to `target`, recorded in call.callbacks as `what`.
  async postTo(call, target, params, what) {
    const [contentType, body] = this.encode(params);
    const headers = { "Content-Type": contentType, ...this.signature(call, target, params, body) };
    try {
      const res = await fetch(target, { method: "POST", headers, body });
      call.callbacks.push({ status: what, answer: res.status });
    } catch (e) {
      call.callbacks.push({ status: what, error: e.message });
    }
  }

  // --- Twilio's side of the hooks.
  /** The [target, params] callbacks that tell a call which asked for async AMD who answered. */
  machineVerdicts(call, answeredBy) {
    if (call.form.AsyncAmd !== "true" || !call.form.AsyncAmdStatusCallback) return [];
    return [[call.form.AsyncAmdStatusCallback, { AccountSid: call.accountSid, CallSid: call.sid, AnsweredBy: answeredBy, MachineDetectionDuration: "2100" }]];
  }
  markup(call) {
    return call.form.Twiml ?? "";
  }
  /** The URL the call's markup streams to (TwiML's and TeXML's <Stream url>). */
  streamUrl(call) {
    return /<Stream url="([^"]+)"/.exec(this.markup(call))?.[1]?.replaceAll("&amp;", "&");
  }
  connectStream(call, url, options) {
    const customParameters = {};
    for (const m of this.markup(call).matchAll(/<Parameter name="([^"]+)" value="([^"]*)"\/>/g)) customParameters[m[1]] = m[2];
    call.customParameters = customParameters;
    return connectTwilioStream(url, { authToken: call.authToken, accountSid: call.accountSid, callSid: call.sid, customParameters, ...options });
  }
  statusCallback(call) {
    return call.form.StatusCallback;
  }
  callbackParams(call, status, final) {
    return {
      AccountSid: call.accountSid, ApiVersion: "2010-04-01", CallSid: call.sid, CallStatus: status,
      Called: call.form.To, Caller: call.form.From, Direction: "outbound-api", From: call.form.From, To: call.form.To,
      SequenceNumber: String(call.callbacks.length), Timestamp: new Date().toUTCString(),
      CallbackSource: "call-progress-events", ...(final ? { CallDuration: "1" } : {}),
    };
  }
  /** [Content-Type, body] of a callback. */
  encode(params) {
    return ["application/x-www-form-urlencoded", new URLSearchParams(params).toString()];
  }
  signature(call, target, params) {
    return { "X-Twilio-Signature": twilioSignature(call.authToken, target, params) };
  }
}

function unescapeXml(text) {
  return text.replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}
