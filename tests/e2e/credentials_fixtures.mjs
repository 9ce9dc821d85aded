// Realistic create bodies for every credential type, and the fields each must never return.
import { randomBytes } from "node:crypto";

/** A fresh secret that looks like the real thing: `prefix` + random characters. */
export function secret(prefix = "", length = 32) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length);
  return prefix + [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

const apiKeyOnly = {
  "11labs": (k) => ({ apiKey: k("sk_"), apiUrl: "https://api.eu.residency.elevenlabs.io" }),
  anthropic: (k) => ({ apiKey: k("sk-ant-api03-") }),
  anyscale: (k) => ({ apiKey: k("esecret_") }),
  "assembly-ai": (k) => ({ apiKey: k("") }),
  cartesia: (k) => ({ apiKey: k("sk_car_"), apiUrl: "https://api.cartesia.ai" }),
  cerebras: (k) => ({ apiKey: k("csk-") }),
  "deep-seek": (k) => ({ apiKey: k("sk-") }),
  deepgram: (k) => ({ apiKey: k(""), apiUrl: "https://api.eu.deepgram.com" }),
  deepinfra: (k) => ({ apiKey: k("") }),
  gladia: (k) => ({ apiKey: k("") }),
  gohighlevel: (k) => ({ apiKey: k("pit-") }),
  google: (k) => ({ apiKey: k("AIza") }),
  groq: (k) => ({ apiKey: k("gsk_") }),
  hume: (k) => ({ apiKey: k("") }),
  "inflection-ai": (k) => ({ apiKey: k("") }),
  inworld: (k) => ({ apiKey: k("") }),
  langfuse: (k) => ({ publicKey: "pk-lf-1234abcd-5678-90ef", apiKey: k("sk-lf-"), apiUrl: "https://cloud.langfuse.com" }),
  lmnt: (k) => ({ apiKey: k("") }),
  make: (k) => ({ teamId: "482913", region: "eu2", apiKey: k("") }),
  microsoft: (k) => ({ apiKey: k(""), region: "westeurope" }),
  minimax: (k) => ({ apiKey: k("eyJhbGciOiJSUzI1NiJ9."), groupId: "1782654321098765432" }),
  mistral: (k) => ({ apiKey: k("") }),
  neuphonic: (k) => ({ apiKey: k("") }),
  openai: (k) => ({ apiKey: k("sk-proj-") }),
  openrouter: (k) => ({ apiKey: k("sk-or-v1-") }),
  "perplexity-ai": (k) => ({ apiKey: k("pplx-") }),
  playht: (k) => ({ apiKey: k(""), userId: "Xq2mZr8TnV0bW3cLkP9sHd4aYf1" }),
  "rime-ai": (k) => ({ apiKey: k("") }),
  runpod: (k) => ({ apiKey: k("rpa_") }),
  "smallest-ai": (k) => ({ apiKey: k("") }),
  soniox: (k) => ({ apiKey: k(""), apiUrl: "https://api.soniox.com" }),
  speechmatics: (k) => ({ apiKey: k("") }),
  tavus: (k) => ({ apiKey: k("") }),
  telnyx: (k) => ({ apiKey: k("KEY0199") }),
  "together-ai": (k) => ({ apiKey: k("tgp_v1_") }),
  wellsaid: (k) => ({ apiKey: k("") }),
  xai: (k) => ({ apiKey: k("xai-") }),
};

const oauth2 = (k) => ({
  type: "oauth2", url: "https://auth.example.com/oauth/token", clientId: "switchboard-webhooks",
  clientSecret: k("cs_"), scope: "webhooks:write calls:read",
});

const others = {
  "anthropic-bedrock": (k) => ({
    region: "us-east-1",
    authenticationPlan: { type: "aws-iam", awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE", awsSecretAccessKey: k("wJalrXUtnFEMI/") },
  }),
  azure: (k) => ({
    service: "blob_storage", region: "westeurope", apiKey: k(""), fallbackIndex: 1,
    bucketPlan: {
      connectionString: `DefaultEndpointsProtocol=https;AccountName=acmecalls;AccountKey=${k("")};EndpointSuffix=core.windows.net`,
      containerName: "recordings", path: "vapi/calls",
    },
  }),
  "azure-openai": (k) => ({
    region: "eastus2", models: ["gpt-4o-2024-11-20", "gpt-4o-mini-2024-07-18"], openAIKey: k(""),
    ocpApimSubscriptionKey: k("apim-"), openAIEndpoint: "https://acme-openai.openai.azure.com",
  }),
  "byo-sip-trunk": (k) => ({
    gateways: [
      { ip: "192.76.120.10", port: 5060, netmask: 32, inboundEnabled: true, outboundEnabled: true, outboundProtocol: "udp", optionsPingEnabled: true },
      { ip: "64.16.250.10", inboundEnabled: true, outboundEnabled: false },
    ],
    outboundAuthenticationPlan: { authUsername: "acme-trunk-user", authPassword: k("sip-"), sipRegisterPlan: { realm: "sip.telnyx.com", domain: "sip.telnyx.com", username: "acme-trunk-user" } },
    outboundLeadingPlusEnabled: true, techPrefix: "9901", sipDiversionHeader: "sip:+14155550100@sip.example.com",
  }),
  cloudflare: (k) => ({
    accountId: "8d3f2c1b0a9e8d7c6b5a4f3e2d1c0b9a", apiKey: k(""), accountEmail: "ops@acme.example", fallbackIndex: 2,
    bucketPlan: { accessKeyId: "c1a4e5f6b7d8", secretAccessKey: k("r2-"), url: "https://8d3f2c.r2.cloudflarestorage.com", name: "call-recordings", path: "vapi" },
  }),
  "custom-credential": (k) => ({
    authenticationPlan: { type: "bearer", token: k("tok_"), headerName: "X-Api-Token", bearerPrefixEnabled: false },
    encryptionPlan: {
      type: "public-key", algorithm: "RSA-OAEP-256",
      publicKey: { format: "spki-pem", name: "acme-2025", pem: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----" },
    },
  }),
  "custom-llm": (k) => ({ apiKey: k("llm-"), authenticationPlan: oauth2(k) }),
  email: () => ({ email: "alerts@acme.example" }),
  gcp: (k) => ({
    fallbackIndex: 1, region: "us-central1",
    gcpKey: {
      type: "service_account", projectId: "acme-voice-prod", privateKeyId: "3b1f0c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c",
      privateKey: `-----BEGIN PRIVATE KEY-----\n${k("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 64)}\n-----END PRIVATE KEY-----\n`,
      clientEmail: "vapi-uploader@acme-voice-prod.iam.gserviceaccount.com", clientId: "104932871234567890123",
      authUri: "https://accounts.google.com/o/oauth2/auth", tokenUri: "https://oauth2.googleapis.com/token",
      authProviderX509CertUrl: "https://www.googleapis.com/oauth2/v1/certs",
      clientX509CertUrl: "https://www.googleapis.com/robot/v1/metadata/x509/vapi-uploader%40acme-voice-prod.iam.gserviceaccount.com",
      universeDomain: "googleapis.com",
    },
    bucketPlan: { name: "acme-call-recordings", region: "us-central1", path: "vapi", hmacAccessKey: "GOOG1EXAMPLEACCESSKEY", hmacSecret: k("") },
  }),
  "ghl.oauth2-authorization": (k) => ({
    authenticationSession: { accessToken: k("ghl_at_"), refreshToken: k("ghl_rt_"), expiresAt: "2030-01-01T00:00:00.000Z" },
  }),
  "google.calendar.oauth2-authorization": () => ({ authorizationId: "a7f2c9e1-calendar-authorization" }),
  "google.calendar.oauth2-client": () => ({}),
  "google.sheets.oauth2-authorization": () => ({ authorizationId: "c3d9e8f7-sheets-authorization" }),
  s3: (k) => ({
    awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE", awsSecretAccessKey: k("wJalrXUtnFEMI/"), region: "us-west-2",
    s3BucketName: "acme-call-recordings", s3PathPrefix: "vapi/", fallbackIndex: 1,
  }),
  "s3-compatible": (k) => ({
    bucketPlan: { url: "https://s3.eu-central-1.wasabisys.com", region: "eu-central-1", accessKeyId: "WASABIKEY0123", secretAccessKey: k(""), name: "recordings", path: "calls" },
    fallbackIndex: 1,
  }),
  "slack-webhook": (k) => ({ webhookUrl: `https://hooks.slack.com/services/T0123ABCD/B0456EFGH/${k("", 24)}` }),
  "slack.oauth2-authorization": () => ({ authorizationId: "f1e2d3c4-slack-authorization" }),
  supabase: (k) => ({
    fallbackIndex: 1,
    bucketPlan: { region: "eu-central-1", url: "https://qzvkxnrtwplm.supabase.co/storage/v1/s3", accessKeyId: "b4c5d6e7f8a9", secretAccessKey: k(""), name: "recordings", path: "vapi" },
  }),
  twilio: (k) => ({ accountSid: "AC0123456789abcdef0123456789abcdef", authToken: k(""), apiKey: k("SK"), apiSecret: k("") }),
  vonage: (k) => ({ apiKey: k("", 8), apiSecret: k("", 16) }),
  webhook: (k) => ({
    authenticationPlan: {
      type: "hmac", secretKey: k("whsec_"), algorithm: "sha256", signatureHeader: "X-Signature",
      timestampHeader: "X-Timestamp", signaturePrefix: "sha256=", includeTimestamp: true,
      payloadFormat: "{timestamp}.{body}", messageIdHeader: "X-Message-Id", signatureEncoding: "hex", secretIsBase64: false,
    },
  }),
};

/** The write-only fields per type, as the server must hide them ("a.b": nested). */
export const SECRET_PATHS = {
  ...Object.fromEntries(Object.keys(apiKeyOnly).map((p) => [p, ["apiKey"]])),
  "anthropic-bedrock": ["authenticationPlan.awsSecretAccessKey"],
  azure: ["apiKey", "bucketPlan.connectionString"],
  "azure-openai": ["openAIKey", "ocpApimSubscriptionKey"],
  "byo-sip-trunk": ["outboundAuthenticationPlan.authPassword"],
  cloudflare: ["apiKey", "bucketPlan.secretAccessKey"],
  "custom-credential": ["authenticationPlan.token"],
  "custom-llm": ["apiKey", "authenticationPlan.clientSecret"],
  email: [],
  gcp: ["gcpKey.privateKey", "bucketPlan.hmacSecret"],
  "ghl.oauth2-authorization": ["authenticationSession.accessToken", "authenticationSession.refreshToken"],
  "google.calendar.oauth2-authorization": [],
  "google.calendar.oauth2-client": [],
  "google.sheets.oauth2-authorization": [],
  s3: ["awsSecretAccessKey"],
  "s3-compatible": ["bucketPlan.secretAccessKey"],
  "slack-webhook": ["webhookUrl"],
  "slack.oauth2-authorization": [],
  supabase: ["bucketPlan.secretAccessKey"],
  twilio: ["authToken", "apiKey", "apiSecret"],
  vonage: ["apiKey", "apiSecret"],
  webhook: ["authenticationPlan.secretKey"],
};

/** Every provider, sorted. */
export const PROVIDERS = Object.keys(SECRET_PATHS).sort();

/**
 * A realistic create body for `provider`; `secrets` (an array) receives every secret value
 * put into it.
 */
export function credentialBody(provider, secrets = [], name = `${provider} (production)`.slice(0, 40)) {
  const k = (prefix, length) => {
    const s = secret(prefix, length);
    secrets.push(s);
    return s;
  };
  const make = apiKeyOnly[provider] ?? others[provider];
  if (!make) throw new Error(`no fixture for ${provider}`);
  return { provider, name, ...make(k) };
}

/** `body` without the values at `paths` (what the server answers). */
export function withoutSecrets(body, paths) {
  const copy = structuredClone(body);
  for (const path of paths) {
    const parts = path.split(".");
    let node = copy;
    for (const p of parts.slice(0, -1)) node = node?.[p];
    if (node) delete node[parts.at(-1)];
  }
  return copy;
}
