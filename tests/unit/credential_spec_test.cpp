// The credential spec against the contract: every credential type's secret-looking fields are
// write-only, and the table names nothing the contract does not have.

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "domain/credentials/credential_spec.hpp"

namespace sb::credentials {
namespace {

namespace json = boost::json;

const json::object& schemas() {
  static const json::value doc = json::parse(contract::Contract::load_embedded()->openapi_json());
  return doc.at("components").at("schemas").as_object();
}

// A property whose name says it is secret. Identifiers paired with a secret, public keys,
// URLs of token endpoints and flags about secrets match the words but are not secrets.
bool looks_secret(const std::string& name) {
  static const std::set<std::string> not_secret = {"awsAccessKeyId", "accessKeyId", "hmacAccessKey",
                                                   "privateKeyId",   "publicKey",   "tokenUri"};
  if (not_secret.count(name)) return false;
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(c)));
  for (const char* word : {"key", "secret", "token", "password", "connectionstring"})
    if (lower.find(word) != std::string::npos) return true;
  return name == "webhookUrl";
}

// Every string leaf under `node` (following $ref, allOf, oneOf, anyOf, array items), by
// document path ("a.b", "a[].b").
void string_leaves(const json::value& node, const std::string& path, std::set<std::string>& out,
                   int depth = 0) {
  if (!node.is_object() || depth > 12) return;
  const auto& o = node.as_object();
  if (const auto* ref = o.if_contains("$ref")) {
    const std::string name(ref->as_string().subview().substr(21));  // "#/components/schemas/"
    return string_leaves(schemas().at(name), path, out, depth + 1);
  }
  for (const char* list : {"allOf", "oneOf", "anyOf"})
    if (const auto* parts = o.if_contains(list))
      for (const auto& part : parts->as_array()) string_leaves(part, path, out, depth + 1);
  if (const auto* items = o.if_contains("items"))
    string_leaves(*items, path + "[]", out, depth + 1);
  if (const auto* props = o.if_contains("properties")) {
    for (const auto& [name, sub] : props->as_object())
      string_leaves(sub, path.empty() ? std::string(name) : path + "." + std::string(name), out,
                    depth + 1);
  }
  if (const auto* type = o.if_contains("type"); type && *type == "string") out.insert(path);
}

std::string last_name(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

TEST(CredentialSpec, EverySecretLookingFieldOfEveryTypeIsWriteOnly) {
  int types = 0;
  for (const auto& [name, schema] : schemas()) {
    const std::string n(name);
    if (!n.starts_with("Create") || !n.ends_with("CredentialDTO")) continue;
    ++types;
    const std::string provider(
        schema.at("properties").at("provider").at("enum").as_array()[0].as_string());
    std::set<std::string> leaves, secret;
    string_leaves(schema, "", leaves);
    for (const auto& path : leaves)
      if (looks_secret(last_name(path))) secret.insert(path);
    // Secrets the server writes on a credential itself, which no client sends: the private key
    // of the Vonage application a number's import makes (VonageCredential documents it).
    if (provider == "vonage") secret.insert("vonageApplicationPrivateKey");
    const auto& table = secret_paths_by_provider();
    const auto it = table.find(provider);
    const std::set<std::string> listed =
        it == table.end() ? std::set<std::string>{}
                          : std::set<std::string>(it->second.begin(), it->second.end());
    EXPECT_EQ(listed, secret) << n << " (" << provider << ")";
  }
  EXPECT_EQ(types, 58);  // the document's 57 and Switchboard's Telnyx
}

TEST(CredentialSpec, TheSpecHidesTheUnionOfEveryTypesSecrets) {
  const auto spec = credential_spec();
  EXPECT_EQ(spec.kind, "credential");
  EXPECT_EQ(spec.noun, "Credential");
  EXPECT_EQ(spec.discriminator, "provider");
  for (const auto& [provider, paths] : secret_paths_by_provider())
    for (const auto& p : paths)
      EXPECT_NE(std::find(spec.secret_paths.begin(), spec.secret_paths.end(), p),
                spec.secret_paths.end())
          << p;
  EXPECT_EQ(std::set<std::string>(spec.secret_paths.begin(), spec.secret_paths.end()).size(),
            spec.secret_paths.size());
}

TEST(CredentialSpec, PhoneNumbersNameTheirProvidersCredential) {
  using V = std::vector<std::string>;
  EXPECT_EQ(phone_number_credential_providers("byo-phone-number"), V{"byo-sip-trunk"});
  EXPECT_EQ(phone_number_credential_providers("vonage"), V{"vonage"});
  EXPECT_EQ(phone_number_credential_providers("telnyx"), V{"telnyx"});
  EXPECT_EQ(phone_number_credential_providers("twilio"), V{});
  EXPECT_EQ(phone_number_credential_providers("vapi"), V{});
  EXPECT_EQ(server_credential_providers(), (V{"custom-credential", "webhook"}));
}

}  // namespace
}  // namespace sb::credentials
