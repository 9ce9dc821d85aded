#include "domain/credentials/credential_spec.hpp"

#include <algorithm>

namespace sb::credentials {
namespace {

using Table = std::map<std::string, std::vector<std::string>, std::less<>>;

// Derived from every Create*CredentialDTO of the document: each property (nested ones
// included) that authenticates by itself or is the secret half of a pair. Identifiers that
// go with a secret stay readable (accountSid, awsAccessKeyId, accessKeyId, hmacAccessKey,
// clientId, privateKeyId, authUsername), as do public keys (Langfuse publicKey,
// encryptionPlan.publicKey). An `apiKey` is always a secret, even where it names a key pair
// (Twilio's SK…, Vonage's), so one rule covers every type. credential_spec_test.cpp checks
// this table against the contract.
Table build_table() {
  Table t;
  for (const char* provider :
       {"11labs",     "anthropic",     "anyscale",      "assembly-ai", "cartesia",    "cerebras",
        "deep-seek",  "deepgram",      "deepinfra",     "gladia",      "gohighlevel", "google",
        "groq",       "hume",          "inflection-ai", "inworld",     "langfuse",    "lmnt",
        "make",       "microsoft",     "minimax",       "mistral",     "neuphonic",   "openai",
        "openrouter", "perplexity-ai", "playht",        "rime-ai",     "runpod",      "smallest-ai",
        "soniox",     "speechmatics",  "tavus",         "telnyx",      "together-ai", "wellsaid",
        "xai"})
    t[provider] = {"apiKey"};
  const std::vector<std::string> auth_plan = {"authenticationPlan.clientSecret",
                                              "authenticationPlan.secretKey",
                                              "authenticationPlan.token"};
  t["anthropic-bedrock"] = {"authenticationPlan.awsSecretAccessKey"};
  t["azure"] = {"apiKey", "bucketPlan.connectionString"};
  t["azure-openai"] = {"openAIKey", "ocpApimSubscriptionKey"};
  t["byo-sip-trunk"] = {"outboundAuthenticationPlan.authPassword"};
  t["cloudflare"] = {"apiKey", "bucketPlan.secretAccessKey"};
  t["custom-credential"] = auth_plan;
  t["custom-llm"] = {"apiKey", "authenticationPlan.clientSecret"};
  t["gcp"] = {"gcpKey.privateKey", "bucketPlan.hmacSecret"};
  t["ghl.oauth2-authorization"] = {"authenticationSession.accessToken",
                                   "authenticationSession.refreshToken"};
  t["s3"] = {"awsSecretAccessKey"};
  t["s3-compatible"] = {"bucketPlan.secretAccessKey"};
  // Anyone holding a Slack incoming-webhook URL can post to the channel.
  t["slack-webhook"] = {"webhookUrl"};
  t["supabase"] = {"bucketPlan.secretAccessKey"};
  t["twilio"] = {"authToken", "apiKey", "apiSecret"};
  // The private key of the application this server made for the account (see vonage_keys).
  t["vonage"] = {"apiKey", "apiSecret", "vonageApplicationPrivateKey"};
  t["webhook"] = auth_plan;
  return t;
}

// One list for the spec: a path names the same field in every type that has it (the contract
// rejects it in the others), so the union hides exactly each type's own secrets.
std::vector<std::string> all_secret_paths() {
  std::vector<std::string> all;
  for (const auto& [provider, paths] : secret_paths_by_provider())
    for (const auto& p : paths)
      if (std::find(all.begin(), all.end(), p) == all.end()) all.push_back(p);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

const Table& secret_paths_by_provider() {
  static const Table table = build_table();
  return table;
}

std::vector<std::string> phone_number_credential_providers(std::string_view phone_provider) {
  if (phone_provider == "byo-phone-number") return {"byo-sip-trunk"};
  if (phone_provider == "vonage") return {"vonage"};
  if (phone_provider == "telnyx") return {"telnyx"};
  return {};
}

std::vector<std::string> server_credential_providers() {
  // Vapi's "Custom Credentials" for webhooks: bearer, OAuth2 or HMAC authentication plans.
  // They are the only types that say how to authenticate an HTTP request to a URL of the
  // customer's; any other type's secret (an LLM key, a SIP trunk password) has no defined way
  // onto a webhook, so naming one would leave the server's requests unauthenticated.
  return {"custom-credential", "webhook"};
}

resources::ReferenceRule credential_reference(std::string path) {
  return {std::move(path), kKind, {}};
}

resources::ReferenceRule server_credential_reference(const std::string& server_path) {
  return {server_path + ".credentialId", kKind,
          [](const boost::json::object&) { return server_credential_providers(); }};
}

resources::ResourceSpec credential_spec() {
  resources::ResourceSpec spec;
  spec.kind = kKind;
  spec.noun = "Credential";
  spec.discriminator = "provider";
  spec.secret_paths = all_secret_paths();
  spec.search_fields = {"name"};
  return spec;
}

}  // namespace sb::credentials
