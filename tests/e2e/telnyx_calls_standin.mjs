// The stand-in's Telnyx TeXML calls (POST /v2/texml/calls/{connection_id}) and Call Control
// hang-up (POST /v2/calls/{call_control_id}/actions/hangup), written from Telnyx's API
// reference ("Create a connection-scoped TeXML call", "Hangup call") and its TeXML callback
// pages: a call is answered with a flat {call_sid, from, to, status: "queued"}, then runs as
// TwilioCalls does (TeXML mirrors TwiML): form-encoded status callbacks with Twilio's field
// names to StatusCallback for the space-separated StatusCallbackEvent list and always the
// final one, each signed with Telnyx's Ed25519 headers; an answered call's inline TeXML
// <Connect><Stream> is connected back with telnyx_stream_emulator.mjs. Call Control's "Transfer
// call" (POST /v2/calls/{call_control_id}/actions/transfer, JSON: `to` a number or SIP URI,
// optional `from`, `custom_headers`/`sip_headers` as [{name, value}], `send_digits_on_answer`)
// is answered {data: {result: "ok"}} and bridges the caller elsewhere, so the TeXML's stream
// gets `stop` and closes. TeXML's async AMD (AsyncAmd true, AsyncAmdStatusCallback) answers
// with a signed form callback: AccountSid, AnsweredBy (human, machine_start, machine_end_beep,
// ...), CallSid, CallSidLegacy, ConnectionId. Guesses: that the
// connection-scoped call takes StatusCallback, StatusCallbackEvent and Timeout as the
// account-scoped one documents them, and the 422 bodies' wording.
import { randomUUID } from "node:crypto";
import { TwilioCalls } from "./twilio_calls_standin.mjs";
import { connectTelnyxStream } from "./telnyx_stream_emulator.mjs";
import { telnyxHeaders } from "./telephony_helpers.mjs";

export class TelnyxCalls extends TwilioCalls {
  /** `signingKey`: the account's Ed25519 private key (KeyObject) its webhooks are signed with. */
  constructor(signingKey) {
    super();
    this.signingKey = signingKey;
  }

  /** POST /v2/texml/calls/{connection_id} by `apiKey` with JSON `body`; returns [status, json]. */
  createTexml(apiKey, connectionId, body) {
    const b = { outcome: "answer", ringMs: 50, ...(this.behaviour(body) ?? {}) };
    if (b.outcome === "reject") {
      const r = { status: 422, code: "10016", detail: `Invalid destination number ${body.To}.`, ...(b.reject ?? {}) };
      return [r.status, { errors: [{ code: r.code, title: "Invalid parameter", detail: r.detail }] }];
    }
    if (!body.To || !body.From) return [422, { errors: [{ code: "10002", title: "Missing parameter", detail: "From and To are required" }] }];
    const call = {
      sid: `v3:${randomUUID()}`, apiKey, connectionId, form: body,
      events: String(body.StatusCallbackEvent ?? "").split(" ").filter(Boolean),
      statuses: [], callbacks: [], stream: null, ended: false,
    };
    this.calls.push(call);
    call.done = this.run(call, b).catch((e) => (call.error = e));
    return [200, { call_sid: call.sid, from: body.From, to: body.To, status: "queued" }];
  }

  /** POST /v2/calls/{call_control_id}/actions/hangup. */
  hangup(apiKey, callControlId) {
    const call = this.calls.find((c) => c.sid === callControlId && c.apiKey === apiKey);
    if (!call) return [404, { errors: [{ code: "10005", title: "Resource not found", detail: "Call not found" }] }];
    call.hangups = (call.hangups ?? 0) + 1;
    if (call.ended) return [422, { errors: [{ code: "90018", title: "Call has already ended", detail: "This call is no longer active and can't receive commands." }] }];
    if (call.stream) call.stream.close();
    this.finish(call, call.stream ? "completed" : "canceled");
    return [200, { data: { result: "ok" } }];
  }

  /** POST /v2/calls/{call_control_id}/actions/transfer: recorded in `transfers`. */
  transfer(apiKey, callControlId, body) {
    const call = this.calls.find((c) => c.sid === callControlId && c.apiKey === apiKey);
    if (!call) return [404, { errors: [{ code: "10005", title: "Resource not found", detail: "Call not found" }] }];
    if (call.ended) return [422, { errors: [{ code: "90018", title: "Call has already ended", detail: "This call is no longer active and can't receive commands." }] }];
    const headers = (list) => list === undefined || (Array.isArray(list) && list.every((h) => typeof h?.name === "string" && typeof h?.value === "string"));
    if (typeof body?.to !== "string" || !/^(\+\d{6,15}|sips?:.+)$/.test(body.to) || !headers(body.custom_headers) || !headers(body.sip_headers))
      return [422, { errors: [{ code: "10002", title: "Invalid parameter", detail: "to must be an E.164 number or a SIP URI; headers are [{name, value}]" }] }];
    call.transfers = [...(call.transfers ?? []), body];
    if (call.stream) {
      call.stream.stop();
      setTimeout(() => call.stream.close(), 20);
    }
    return [200, { data: { result: "ok" } }];
  }

  machineVerdicts(call, answeredBy) {
    if (call.form.AsyncAmd !== true || !call.form.AsyncAmdStatusCallback) return [];
    return [[call.form.AsyncAmdStatusCallback, {
      AccountSid: "f5586561-8ff0-4291-a51b-c7dfe4139ff9", AnsweredBy: answeredBy, CallSid: call.sid,
      CallSidLegacy: call.sid, ConnectionId: call.connectionId,
    }]];
  }

  markup(call) {
    return call.form.Texml ?? "";
  }
  connectStream(call, url, options) {
    return connectTelnyxStream(url, { callControlId: call.sid, ...options });
  }
  statusCallback(call) {
    return call.form.StatusCallback;
  }
  callbackParams(call, status, final) {
    return {
      AccountSid: "f5586561-8ff0-4291-a51b-c7dfe4139ff9", CallSid: call.sid, CallSidLegacy: call.sid,
      CallStatus: status, CallbackSource: "call-progress-events", ConnectionId: call.connectionId,
      From: call.form.From, To: call.form.To, SequenceNumber: String(call.callbacks.length),
      Timestamp: new Date().toISOString(), ...(final ? { CallDuration: "1" } : {}),
    };
  }
  signature(call, target, params, body) {
    return telnyxHeaders(body, this.signingKey);
  }
}
