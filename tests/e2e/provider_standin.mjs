// A local stand-in for the REST APIs of Twilio, Vonage and Telnyx: the calls Switchboard makes
// when a number is imported (find the number, point its voice webhook at the server). One
// node http server answers all three, checks each provider's auth, keeps the numbers and
// applications it was given or that were created, and records every request, so tests can
// assert exactly what the server sent. Servers reach it through TWILIO_API_BASE_URL,
// VONAGE_API_BASE_URL and TELNYX_API_BASE_URL (`standin.env`).
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { TwilioCalls } from "./twilio_calls_standin.mjs";
import { TelnyxCalls } from "./telnyx_calls_standin.mjs";
import { VonageCalls, vonageCaller } from "./vonage_calls_standin.mjs";

/**
 * Starts a stand-in on 127.0.0.1. Options:
 * - twilio: { [accountSid]: { authToken, apiKeys: { [SK...]: secret }, numbers: [E.164...] } }
 * - vonage: { [apiKey]: { apiSecret, numbers: [E.164...] } }
 * - telnyx: { [apiKey]: { numbers: [E.164...] } }
 * - acceptAny: any non-empty credentials are valid and every number belongs to the account
 *   that asks for it (what the whole e2e suite runs against, so any test may import numbers).
 * - telnyxSigningKey: the Ed25519 private key (KeyObject) Telnyx's call callbacks are signed
 *   with.
 * Resolves { url, env, requests, clear(), twilioNumber(sid, number), vonageNumber(key,
 * number), telnyxNumber(key, number), applications, twilioCalls (the calls dialled through
 * Twilio's Calls resource, twilio_calls_standin.mjs), twilioCallBehaviour(fn), telnyxCalls
 * (telnyx_calls_standin.mjs), telnyxCallBehaviour(fn), vonageCalls
 * (vonage_calls_standin.mjs), vonageCallBehaviour(fn), close() }.
 */
export async function startProviderStandin(options = {}) {
  const state = new StandinState(options);
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const url = new URL(req.url, "http://standin");
      const record = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      state.requests.push(record);
      let answer;
      try {
        answer = route(state, record);
      } catch (e) {
        answer = [500, { message: `stand-in failed: ${e.message}` }];
      }
      const [status, json] = answer;
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(json === null ? undefined : JSON.stringify(json));
    });
  });
  // The stand-in never keeps a test process alive: only the server under test waits on it.
  server.on("connection", (socket) => socket.unref());
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    env: { TWILIO_API_BASE_URL: url, VONAGE_API_BASE_URL: url, TELNYX_API_BASE_URL: url },
    requests: state.requests,
    clear: () => state.requests.splice(0),
    twilioNumber: (sid, number) => state.twilio.get(sid)?.numbers.get(number),
    vonageNumber: (key, number) => state.vonage.get(key)?.numbers.get(number.replace(/^\+/, "")),
    telnyxNumber: (key, number) => [...(state.telnyx.get(key)?.numbers.values() ?? [])].find((n) => n.phone_number === number),
    twilioCalls: state.twilioCalls.calls,
    twilioCallBehaviour: (fn) => (state.twilioCalls.behaviour = fn),
    telnyxCalls: state.telnyxCalls.calls,
    vonageCalls: state.vonageCalls.calls,
    vonageCallBehaviour: (fn) => (state.vonageCalls.behaviour = fn),
    telnyxCallBehaviour: (fn) => (state.telnyxCalls.behaviour = fn),
    applications: (provider, key) => [...(state[provider].get(key)?.applications.values() ?? [])],
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** An address where nothing listens (a port that was free a moment ago). */
export async function closedPortUrl() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

class StandinState {
  constructor({ twilio = {}, vonage = {}, telnyx = {}, acceptAny = false, telnyxSigningKey = null }) {
    this.acceptAny = acceptAny;
    this.requests = [];
    this.twilioCalls = new TwilioCalls();
    this.telnyxCalls = new TelnyxCalls(telnyxSigningKey);
    this.vonageCalls = new VonageCalls();
    let n = 0;
    this.nextId = (prefix) => `${prefix}${String(++n).padStart(32, "0")}`;
    this.twilio = new Map();
    for (const [sid, a] of Object.entries(twilio)) this.twilioAccount(sid, a);
    this.vonage = new Map();
    for (const [key, a] of Object.entries(vonage)) this.vonageAccount(key, a);
    this.telnyx = new Map();
    for (const [key, a] of Object.entries(telnyx)) this.telnyxAccount(key, a);
  }

  twilioAccount(sid, { authToken, apiKeys = {}, numbers = [] } = {}) {
    const account = { authToken, apiKeys, numbers: new Map() };
    this.twilio.set(sid, account);
    for (const number of numbers) this.twilioAddNumber(sid, account, number);
    return account;
  }
  twilioAddNumber(sid, account, number) {
    const entry = { sid: this.nextId("PN").slice(0, 34), account_sid: sid, phone_number: number, voice_url: "", voice_method: "POST", status_callback: "", status_callback_method: "POST" };
    account.numbers.set(number, entry);
    return entry;
  }
  vonageAccount(key, { apiSecret, numbers = [] } = {}) {
    const account = { apiSecret, numbers: new Map(), applications: new Map() };
    this.vonage.set(key, account);
    for (const number of numbers) vonageAddNumber(account, number);
    return account;
  }
  telnyxAccount(key, { numbers = [] } = {}) {
    const account = { numbers: new Map(), applications: new Map() };
    this.telnyx.set(key, account);
    for (const number of numbers) this.telnyxAddNumber(account, number);
    return account;
  }
  telnyxAddNumber(account, number) {
    const entry = { id: String(1293384261075731000n + BigInt(account.numbers.size + 1)), record_type: "phone_number", phone_number: number, connection_id: null, status: "active" };
    account.numbers.set(entry.id, entry);
    return entry;
  }
}

function vonageAddNumber(account, number) {
  const msisdn = number.replace(/^\+/, "");
  const entry = { country: msisdn.startsWith("44") ? "GB" : "US", msisdn, type: "mobile-lvn", features: ["VOICE", "SMS"] };
  account.numbers.set(msisdn, entry);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// routing

function route(state, r) {
  if (r.path.startsWith("/2010-04-01/")) return twilio(state, r);
  if (r.path.startsWith("/v1/calls")) return vonageVoice(state, r);
  if (r.path.startsWith("/account/") || r.path.startsWith("/number/") || r.path.startsWith("/v2/applications")) return vonage(state, r);
  if (r.path.startsWith("/v2/")) return telnyx(state, r);
  return [404, { message: `no such path on the stand-in: ${r.method} ${r.path}` }];
}

function basicCredentials(headers) {
  const m = /^Basic (.+)$/.exec(headers.authorization ?? "");
  if (!m) return null;
  const plain = Buffer.from(m[1], "base64").toString("utf8");
  const colon = plain.indexOf(":");
  return colon < 0 ? null : { user: plain.slice(0, colon), password: plain.slice(colon + 1) };
}

function form(body) {
  return Object.fromEntries(new URLSearchParams(body));
}

function json(body) {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

// --- Twilio: HTTP Basic with the account sid and auth token, or an API key and its secret.

function twilio(state, r) {
  const m = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers(?:\/([^/]+))?\.json$/.exec(r.path);
  const calls = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls(?:\/([^/]+))?\.json$/.exec(r.path);
  if (!m && !calls) return [404, { code: 20404, message: "The requested resource was not found", status: 404 }];
  const sid = decodeURIComponent((m ?? calls)[1]);
  const creds = basicCredentials(r.headers);
  let account = state.twilio.get(sid);
  const valid = state.acceptAny
    ? creds && creds.user && creds.password
    : account && creds && ((creds.user === sid && creds.password === account.authToken) || (creds.user in account.apiKeys && account.apiKeys[creds.user] === creds.password));
  if (!valid) return [401, { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 }];
  account ??= state.twilioAccount(sid, {});
  if (calls) return twilioCall(state, r, sid, account, creds, calls[2] && decodeURIComponent(calls[2]));
  if (r.method === "GET" && !m[2]) {
    const wanted = r.query.PhoneNumber;
    if (wanted && state.acceptAny && !account.numbers.has(wanted)) state.twilioAddNumber(sid, account, wanted);
    const list = [...account.numbers.values()].filter((n) => !wanted || n.phone_number === wanted);
    return [200, { incoming_phone_numbers: list, page: 0, page_size: 50 }];
  }
  if (r.method === "POST" && m[2]) {
    const entry = [...account.numbers.values()].find((n) => n.sid === decodeURIComponent(m[2]));
    if (!entry) return [404, { code: 20404, message: `The requested resource /2010-04-01/Accounts/${sid}/IncomingPhoneNumbers/${m[2]}.json was not found`, status: 404 }];
    const f = form(r.body);
    if (f.VoiceUrl !== undefined) entry.voice_url = f.VoiceUrl;
    if (f.VoiceMethod !== undefined) entry.voice_method = f.VoiceMethod;
    if (f.StatusCallback !== undefined) entry.status_callback = f.StatusCallback;
    if (f.StatusCallbackMethod !== undefined) entry.status_callback_method = f.StatusCallbackMethod;
    return [200, entry];
  }
  return [405, { code: 20004, message: "Method not allowed", status: 405 }];
}

// Calls.json: Twilio signs an account's callbacks with its auth token (the password when the
// account sid authenticated, else the token the account was set up with).
function twilioCall(state, r, sid, account, creds, callSid) {
  if (r.method !== "POST") return [405, { code: 20004, message: "Method not allowed", status: 405 }];
  const params = new URLSearchParams(r.body);
  const f = Object.fromEntries(params);
  if (callSid) return state.twilioCalls.update(sid, callSid, f);
  const token = creds.user === sid ? creds.password : account.authToken;
  return state.twilioCalls.create(sid, token, f, params.getAll("StatusCallbackEvent"));
}

// --- Vonage: HTTP Basic with the API key and secret (numbers on rest.nexmo.com, applications
// on api.nexmo.com; one host here).

function vonage(state, r) {
  const creds = basicCredentials(r.headers);
  let account = creds && state.vonage.get(creds.user);
  const valid = state.acceptAny ? creds && creds.user && creds.password : account && account.apiSecret === creds.password;
  if (!valid) return [401, { type: "https://developer.nexmo.com/api-errors#unauthorized", title: "Unauthorized", detail: "You did not provide correct credentials." }];
  account ??= state.vonageAccount(creds.user, { apiSecret: creds.password });
  if (r.method === "GET" && r.path === "/account/numbers") {
    const pattern = r.query.pattern ?? "";
    if (state.acceptAny && pattern && r.query.search_pattern === "0" && !account.numbers.has(pattern)) vonageAddNumber(account, pattern);
    const list = [...account.numbers.values()].filter((n) => n.msisdn.startsWith(pattern));
    return [200, list.length ? { count: list.length, numbers: list } : { count: 0 }];
  }
  if (r.method === "POST" && r.path === "/number/update") {
    const f = form(r.body);
    const entry = account.numbers.get(f.msisdn);
    if (!entry || entry.country !== f.country) return [200, { "error-code": "420", "error-code-label": "Numbers from this country can be requested from the Dashboard" }];
    if (f.app_id !== undefined) entry.app_id = f.app_id;
    return [200, { "error-code": "200", "error-code-label": "success" }];
  }
  if (r.method === "GET" && r.path === "/v2/applications") {
    const apps = [...account.applications.values()];
    return [200, { page_size: Number(r.query.page_size ?? 10), page: 1, total_items: apps.length, total_pages: 1, _embedded: { applications: apps } }];
  }
  if (r.method === "POST" && r.path === "/v2/applications") {
    const body = json(r.body);
    if (!body?.name) return [422, { title: "Invalid parameters", detail: "name is required" }];
    const app = { id: randomUUID(), name: body.name, capabilities: body.capabilities ?? {}, keys: vonageKeys(body) };
    account.applications.set(app.id, app);
    return [201, app];
  }
  const appPath = /^\/v2\/applications\/([^/]+)$/.exec(r.path);
  if (r.method === "PUT" && appPath && account.applications.has(appPath[1])) {
    const body = json(r.body) ?? {};
    const kept = account.applications.get(appPath[1]).keys;
    const app = { id: appPath[1], name: body.name, capabilities: body.capabilities ?? {}, keys: vonageKeys(body) ?? kept };
    account.applications.set(app.id, app);
    return [200, app];
  }
  return [404, { title: "Not found", detail: `${r.method} ${r.path}` }];
}

// An application keeps the public key it is given (Vonage answers with it, never a private one).
function vonageKeys(body) {
  return body.keys?.public_key ? { public_key: body.keys.public_key } : undefined;
}

// The Voice API: a JWT of one of the account's applications instead of Basic auth.
function vonageVoice(state, r) {
  const applications = () => [...state.vonage.values()].flatMap((account) => [...account.applications.values()].map((app) => ({ account, app })));
  const { refusal, account, app } = vonageCaller(applications, r.headers.authorization);
  if (refusal) return refusal;
  if (r.method === "POST" && r.path === "/v1/calls") return state.vonageCalls.createCall(account, app, json(r.body) ?? {});
  const callPath = /^\/v1\/calls\/([^/]+)$/.exec(r.path);
  if (r.method === "PUT" && callPath) return state.vonageCalls.modify(app, callPath[1], json(r.body) ?? {});
  return [404, { title: "Not found", detail: `${r.method} ${r.path}` }];
}

// --- Telnyx: Bearer API key; v2 bodies are {"data": ...}.

function telnyx(state, r) {
  const m = /^Bearer (.+)$/.exec(r.headers.authorization ?? "");
  const key = m?.[1];
  let account = key && state.telnyx.get(key);
  if (!(state.acceptAny ? key : account)) return [401, { errors: [{ code: "10009", title: "Authentication failed", detail: "The API key looks malformed or is not valid." }] }];
  account ??= state.telnyxAccount(key, {});
  const notFound = [404, { errors: [{ code: "10005", title: "Resource not found", detail: `${r.method} ${r.path}` }] }];
  if (r.method === "GET" && r.path === "/v2/phone_numbers") {
    const wanted = r.query["filter[phone_number]"];
    const all = () => [...account.numbers.values()];
    if (wanted && state.acceptAny && !all().some((n) => n.phone_number === wanted)) state.telnyxAddNumber(account, wanted);
    return [200, { data: all().filter((n) => !wanted || n.phone_number === wanted), meta: { page_number: 1, page_size: 20 } }];
  }
  const numberPath = /^\/v2\/phone_numbers\/([^/]+)$/.exec(r.path);
  if (r.method === "PATCH" && numberPath) {
    const entry = account.numbers.get(numberPath[1]);
    if (!entry) return notFound;
    const body = json(r.body) ?? {};
    if ("connection_id" in body) {
      if (!account.applications.has(body.connection_id)) return [422, { errors: [{ code: "10015", title: "Invalid connection_id", detail: "connection_id must name a connection of the account" }] }];
      entry.connection_id = body.connection_id;
    }
    return [200, { data: entry }];
  }
  if (r.method === "GET" && r.path === "/v2/texml_applications") {
    const contains = (r.query["filter[friendly_name]"] ?? "").toLowerCase();
    const apps = [...account.applications.values()].filter((a) => a.friendly_name.toLowerCase().includes(contains));
    return [200, { data: apps, meta: { page_number: 1, page_size: Number(r.query["page[size]"] ?? 20), total_results: apps.length } }];
  }
  if (r.method === "POST" && r.path === "/v2/texml_applications") {
    const body = json(r.body);
    if (!body?.friendly_name || !body?.voice_url) return [422, { errors: [{ code: "10002", title: "Invalid parameter", detail: "friendly_name and voice_url are required" }] }];
    const app = { id: String(1493384261075731000n + BigInt(account.applications.size + 1)), record_type: "texml_application", ...body };
    account.applications.set(app.id, app);
    return [201, { data: app }];
  }
  const texmlCall = /^\/v2\/texml\/calls\/([^/]+)$/.exec(r.path);
  if (r.method === "POST" && texmlCall) {
    if (!account.applications.has(texmlCall[1])) return [422, { errors: [{ code: "10015", title: "Invalid connection_id", detail: "The connection does not exist or is not a TeXML application" }] }];
    return state.telnyxCalls.createTexml(key, texmlCall[1], json(r.body) ?? {});
  }
  const hangup = /^\/v2\/calls\/([^/]+)\/actions\/hangup$/.exec(r.path);
  if (r.method === "POST" && hangup) return state.telnyxCalls.hangup(key, decodeURIComponent(hangup[1]));
  const transfer = /^\/v2\/calls\/([^/]+)\/actions\/transfer$/.exec(r.path);
  if (r.method === "POST" && transfer) return state.telnyxCalls.transfer(key, decodeURIComponent(transfer[1]), json(r.body));
  const appPath = /^\/v2\/texml_applications\/([^/]+)$/.exec(r.path);
  if (r.method === "PATCH" && appPath && account.applications.has(appPath[1])) {
    const app = { ...account.applications.get(appPath[1]), ...(json(r.body) ?? {}) };
    account.applications.set(app.id, app);
    return [200, { data: app }];
  }
  return notFound;
}
