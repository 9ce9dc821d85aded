// Audit mode, on when SB_AUDIT_DIR is set (scripts/test.sh sets it): everything a test run
// leaves behind — every server's data directory, access log, stdout and stderr — is kept
// under that one directory, and every write-only secret the tests send through fetch (the
// SDK uses it too) is recorded. After the whole run, audit_secrets.mjs checks that none of
// those secrets appears in plaintext anywhere in what was kept.
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const AUDIT_DIR = process.env.SB_AUDIT_DIR || null;
export const SECRETS_FILE = "secrets-sent.txt";

// Properties the API accepts but must never return, store in plaintext, or log.
const WRITE_ONLY = new Set([
  "twilioAuthToken",
  "twilioApiSecret",
  "password",
  // credentials (src/domain/credentials/credential_spec.cpp)
  "apiKey",
  "apiSecret",
  "authToken",
  "openAIKey",
  "ocpApimSubscriptionKey",
  "awsSecretAccessKey",
  "clientSecret",
  "secretKey",
  "token",
  "connectionString",
  "secretAccessKey",
  "hmacSecret",
  "privateKey",
  "authPassword",
  "accessToken",
  "refreshToken",
  "webhookUrl",
]);

function collectSecrets(value, out) {
  if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, out);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (WRITE_ONLY.has(k) && typeof v === "string" && v.length >= 8) out.push(v);
      else collectSecrets(v, out);
    }
  }
}

function recordRequestBody(body) {
  if (typeof body !== "string") return;
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return;
  }
  const found = [];
  collectSecrets(parsed, found);
  if (found.length) appendFileSync(join(AUDIT_DIR, SECRETS_FILE), found.join("\n") + "\n");
}

if (AUDIT_DIR) {
  mkdirSync(AUDIT_DIR, { recursive: true });
  const originalFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    recordRequestBody(init?.body);
    return originalFetch(input, init);
  };
}

/** A new directory under the audit directory (only in audit mode). */
export function auditTempDir(prefix) {
  return mkdtempSync(join(AUDIT_DIR, prefix));
}

/** Keeps a finished server's output next to its data directory (only in audit mode). */
export function keepServerOutput(dataDir, name, stdout, stderr) {
  writeFileSync(join(dataDir, `${name}.stdout.log`), stdout);
  writeFileSync(join(dataDir, `${name}.stderr.log`), stderr);
}
