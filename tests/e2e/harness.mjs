// Starts the real switchboard binary on a free port with a fresh data directory, and gives
// tests an official SDK client pointed at it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import { VapiClient } from "@vapi-ai/server-sdk";
import { AUDIT_DIR, auditTempDir, keepServerOutput } from "./audit.mjs";
import { startProviderStandin } from "./provider_standin.mjs";

const BIN = process.env.SWITCHBOARD_BIN;
if (!BIN) throw new Error("SWITCHBOARD_BIN must point at the switchboard binary");

/** ISO 8601 UTC with milliseconds, as the API formats createdAt / updatedAt. */
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** A version-4 UUID (lowercase hex, as Vapi returns ids). */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// With SB_E2E_POSTGRES_URL set, every server runs on PostgreSQL: each data directory gets a
// schema of its own on that server (named in DATA_DIR/database-url, so a restarted server on
// the same directory finds its data), passed with --database.
const POSTGRES_URL = process.env.SB_E2E_POSTGRES_URL;
/** For a test that reads the SQLite file itself: its `skip` option in PostgreSQL mode. */
export const SKIP_ON_POSTGRES = POSTGRES_URL ? "reads the SQLite file; the servers run on PostgreSQL" : false;

/** The --database URL of a data directory's PostgreSQL schema, made on first use; or null. */
export function databaseOf(dataDir) {
  if (!POSTGRES_URL) return null;
  const file = join(dataDir, "database-url");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const schema = `e2e_${randomUUID().replaceAll("-", "")}`;
  const made = spawnSync("psql", [POSTGRES_URL, "-qc", `CREATE SCHEMA ${schema}`], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`could not create schema ${schema}: ${made.stderr}`);
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}options=-csearch_path%3D${schema}`;
  writeFileSync(file, url + "\n");
  return url;
}

/** A fresh empty temporary directory. */
export function tempDir(prefix = "switchboard-e2e-") {
  return AUDIT_DIR ? auditTempDir(prefix) : mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a directory made by tempDir(); in audit mode it is kept for the audit. */
export function removeTempDir(dir) {
  if (!AUDIT_DIR) rmSync(dir, { recursive: true, force: true });
}

/** Writes `lines` (one per line) to a new temporary file; resolves its path. */
export function writeTempFile(lines, name = "pool.txt") {
  const dir = tempDir("switchboard-e2e-file-");
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return { path, remove: () => removeTempDir(dir) };
}

/** Runs `switchboard <args>` to completion; resolves {code, stdout, stderr}. */
export function runCli(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { ...process.env, ...env } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// Every server talks to a provider stand-in rather than the real Twilio, Vonage and Telnyx
// (importing a number calls their APIs); this one, started once per test process, takes any
// credentials and owns every number. Tests of the calls themselves start their own.
let sharedStandin;
function defaultProviderStandin() {
  sharedStandin ??= startProviderStandin({ acceptAny: true });
  return sharedStandin;
}

/**
 * Starts a server. Options: args (extra CLI args), env (over the provider stand-in's
 * TWILIO/VONAGE/TELNYX_API_BASE_URL), dataDir (reuse one), apiKey (preset first key; default
 * random), accessLog (a file; default off, or kept in the data dir in audit mode), database (a
 * --database URL, e.g. another server's `database`, for several instances on one database;
 * default: the data dir's own in PostgreSQL mode). Resolves {baseUrl, apiKey, dataDir,
 * database, client, stop, process}.
 */
export async function startServer(options = {}) {
  const dataDir = options.dataDir ?? tempDir();
  const apiKey = options.apiKey ?? randomUUID();
  const providers = (await defaultProviderStandin()).env;
  // In audit mode the access log is kept, so the audit can check it holds no secrets.
  const runName = `server-${randomUUID()}`;
  const database = options.database ?? databaseOf(dataDir);
  const accessLog = options.accessLog ?? (AUDIT_DIR ? join(dataDir, `${runName}.access.log`) : "off");
  const child = spawn(
    BIN,
    [
      "serve", "--port", "0", "--data-dir", dataDir, "--access-log", accessLog,
      ...(database ? ["--database", database] : []), ...(options.args ?? []),
    ],
    // A DATABASE_URL of the caller's shell must not move the tests' servers to its database.
    { env: { ...process.env, DATABASE_URL: "", ...providers, SWITCHBOARD_API_KEY: apiKey, ...(options.env ?? {}) } },
  );
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      if (AUDIT_DIR) keepServerOutput(dataDir, runName, stdout, stderr);
      resolve({ code, signal });
    }),
  );
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 15000);
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    baseUrl,
    apiKey,
    dataDir,
    database,
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    client: clientFor(baseUrl, apiKey),
    /**
     * Sends SIGTERM and resolves the exit status; removes the data dir unless keepData. Throws
     * if the server's stderr holds a sanitizer report (ASan, LSan, UBSan), unless
     * allowSanitizerReports.
     */
    async stop({ keepData = false, allowSanitizerReports = false } = {}) {
      if (alive()) child.kill("SIGTERM");
      const status = await exited;
      if (!AUDIT_DIR && !keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (!allowSanitizerReports) assertNoSanitizerReport(stderr);
      return status;
    },
    /** Sends `signal` (default SIGKILL) and resolves the exit status; keeps the data dir. */
    async kill(signal = "SIGKILL") {
      if (alive()) child.kill(signal);
      return exited;
    },
    exited,
  };
}

const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error: /;

/** Throws if `stderr` (a server's) holds a sanitizer report. */
export function assertNoSanitizerReport(stderr) {
  const m = stderr.match(SANITIZER_REPORT);
  if (m) throw new Error(`sanitizer report in the server's stderr:\n${stderr.slice(Math.max(0, m.index - 200), m.index + 4000)}`);
}

/** An official SDK client for `baseUrl`; retries off so every status is seen as sent. */
export function clientFor(baseUrl, token) {
  return new VapiClient({ token, baseUrl, maxRetries: 0 });
}

/** Awaits `promise`, expecting a VapiError; returns {statusCode, body}. */
export async function expectError(promise) {
  try {
    await promise;
  } catch (e) {
    if (e.statusCode === undefined) throw e;
    return { statusCode: e.statusCode, body: e.body };
  }
  throw new Error("expected the request to fail");
}

/**
 * Plain `fetch` against the server, for what the SDK cannot send. Options: method, body
 * (serialized with JSON.stringify unless rawBody is given), rawBody, headers, token (default
 * the server's key; null for no Authorization header), query (object). Resolves
 * {status, headers, body} with body parsed as JSON when possible, else text.
 */
export async function api(server, path, opts = {}) {
  const url = new URL(path, server.baseUrl);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.append(k, String(v));
  const headers = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? server.apiKey : opts.token;
  if (token !== null && headers.Authorization === undefined) headers.Authorization = `Bearer ${token}`;
  let body;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  // A FormData body (an upload) gets its multipart Content-Type, with the boundary, from fetch.
  if (body !== undefined && headers["Content-Type"] === undefined && !(body instanceof FormData))
    headers["Content-Type"] = "application/json";
  const res = await fetch(url, { method: opts.method ?? "GET", headers, body });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Creates an org with the CLI on a running server's data dir; resolves {orgId, apiKey, client}. */
export async function createOrg(server, name) {
  const database = databaseOf(server.dataDir);
  const { code, stdout, stderr } = await runCli([
    "org", "create", name, "--data-dir", server.dataDir, ...(database ? ["--database", database] : []),
  ]);
  assert.equal(code, 0, `org create failed: ${stderr}`);
  const line = stdout.trim().split("\n").pop();
  const org = JSON.parse(line);
  assert.equal(typeof org.orgId, "string");
  assert.equal(typeof org.apiKey, "string");
  return { ...org, client: clientFor(server.baseUrl, org.apiKey) };
}

/** Calls client.phoneNumbers.create(body) and resolves {status, data, headers}. */
export async function createRaw(client, body) {
  const { data, rawResponse } = await client.phoneNumbers.create(body).withRawResponse();
  return { status: rawResponse.status, data, headers: rawResponse.headers };
}

/**
 * Asserts a NestJS-style validation error: {message: string[], error: "Bad Request",
 * statusCode: 400}; with `expected` (a string or an array of strings) each one must be among
 * the messages. Returns the messages.
 */
export function assertBadRequest(err, expected) {
  assert.equal(err.statusCode, 400, `expected 400, got ${err.statusCode}: ${JSON.stringify(err.body)}`);
  assert.equal(err.body?.error, "Bad Request", JSON.stringify(err.body));
  assert.equal(err.body?.statusCode, 400, JSON.stringify(err.body));
  assert.ok(Array.isArray(err.body?.message), `message should be an array: ${JSON.stringify(err.body)}`);
  assert.ok(err.body.message.length > 0, "message should not be empty");
  for (const m of err.body.message) assert.equal(typeof m, "string");
  for (const want of [expected ?? []].flat())
    assert.ok(err.body.message.includes(want), `expected ${JSON.stringify(want)} among ${JSON.stringify(err.body.message)}`);
  return err.body.message;
}

/** The exact 404 body for a phone number that does not exist (or belongs to another org). */
export const PHONE_NUMBER_NOT_FOUND = { message: "Phone number not found", error: "Not Found", statusCode: 404 };

/** Concatenated contents of every file in `dir` (as latin1 text, for grepping bytes). */
export function dataDirBytes(dir) {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ name: e.name, text: readFileSync(join(dir, e.name)).toString("latin1") }));
  // In PostgreSQL mode the database is not in the directory: a dump of its schema stands in.
  const database = existsSync(join(dir, "database-url")) ? databaseOf(dir) : null;
  if (database) {
    const schema = database.split("search_path%3D").pop();
    const dump = spawnSync("pg_dump", ["--data-only", `--schema=${schema}`, database], { encoding: "latin1" });
    if (dump.status !== 0) throw new Error(`pg_dump failed: ${dump.stderr}`);
    files.push({ name: "postgres-dump", text: dump.stdout });
  }
  return files;
}
