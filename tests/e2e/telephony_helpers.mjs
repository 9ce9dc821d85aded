// What the inbound-call tests share: provider-shaped webhook requests (signed as each provider
// signs them) and a customer server that answers server messages as a test tells it to.
import { createHash, createHmac, randomUUID, sign } from "node:crypto";
import { createServer } from "node:http";

/** Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted POST fields. */
export function twilioSignature(authToken, url, params) {
  const data = Object.keys(params).sort().reduce((acc, k) => acc + k + params[k], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/** Vonage's signed-webhook JWT: HS256 over the claims, payload_hash = sha256 of the body. */
export function vonageJwt(secret, body) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const claims = { iat: Math.floor(Date.now() / 1000), jti: randomUUID(), iss: "Vonage" };
  if (body) claims.payload_hash = createHash("sha256").update(body).digest("hex");
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

/** Telnyx's webhook signature headers: ed25519 over "timestamp|body" with `privateKey`. */
export function telnyxHeaders(body, privateKey) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString("base64");
  return { "telnyx-timestamp": timestamp, "telnyx-signature-ed25519": signature };
}

/** POSTs a Twilio-style form to `path`, signed with `authToken` (or `signature` as given). */
export async function twilioPost(server, path, params, { authToken, signature } = {}) {
  const url = server.baseUrl + path;
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  const sig = signature ?? (authToken ? twilioSignature(authToken, url, params) : undefined);
  if (sig !== undefined) headers["X-Twilio-Signature"] = sig;
  const res = await fetch(url, { method: "POST", headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

/** A Twilio inbound-call form: the fields Twilio posts when a call rings. */
export function twilioRing({ to, from, accountSid, callSid }) {
  return {
    AccountSid: accountSid, ApiVersion: "2010-04-01", CallSid: callSid, CallStatus: "ringing",
    Called: to, Caller: from, Direction: "inbound", From: from, To: to,
    FromCountry: "US", ToCountry: "US",
  };
}

let callCounter = 0;
/** A fresh provider call id. */
export function nextCallSid() {
  callCounter += 1;
  return `CA${Date.now().toString(16)}${String(callCounter).padStart(8, "0")}`.padEnd(34, "0");
}

/**
 * A customer server: records every request ({path, headers, body (parsed JSON), at}) and
 * answers with `respond(request)` → {status, body, delayMs} (default 200 {}).
 */
export async function startReceiver(respond = () => ({ status: 200, body: {} })) {
  const requests = [];
  let handler = respond;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", async () => {
      let body;
      try { body = JSON.parse(raw); } catch { body = raw; }
      const entry = { path: req.url, headers: req.headers, body, at: Date.now() };
      requests.push(entry);
      const answer = (await handler(entry)) ?? {};
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      if (answer.drop) return req.socket.destroy();
      res.writeHead(answer.status ?? 200, { "Content-Type": "application/json" });
      res.end(answer.body === undefined ? "{}" : JSON.stringify(answer.body));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    respond(fn) { handler = fn; },
    /** Resolves the first recorded request matching `pred` within `ms`. */
    async waitFor(pred, ms = 5000) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const hit = requests.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching request within ${ms} ms; got ${JSON.stringify(requests.map((r) => r.body?.message?.type))}`);
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
