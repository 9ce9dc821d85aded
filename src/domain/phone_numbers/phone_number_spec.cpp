#include "domain/phone_numbers/phone_number_spec.hpp"

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "domain/phone_numbers/phone_number_rules.hpp"
#include "storage/store.hpp"

namespace sb::phone_numbers {
namespace {

namespace json = boost::json;
using storage::UniqueKey;

constexpr const char* kKind = "phone-number";

std::vector<UniqueKey> keys_of(const json::object& doc) {
  std::vector<UniqueKey> keys;
  const auto number = string_at(doc, "number");
  if (!number.empty()) keys.push_back({"number", std::string(number), false});
  const auto provider = string_at(doc, "provider");
  if (provider != "vapi") return keys;
  // Inbound INVITEs are matched on the SIP user, so it names one number on the whole server.
  if (auto sip = parse_sip_uri(string_at(doc, "sipUri")))
    keys.push_back({"sipUser", sip->user, true});
  if (!number.empty()) keys.push_back({"poolNumber", std::string(number), true});
  return keys;
}

std::string taken_message(const UniqueKey& key) {
  if (key.name == "sipUser")
    return "sipUri is already in use: another phone number has the SIP user '" + key.value +
           "' (compared case-insensitively)";
  if (key.name == "poolNumber")
    return "number " + key.value + " is already assigned to another vapi phone number";
  return "number " + key.value + " is already registered to another phone number of this org";
}

// A vapi number asking for an area code gets the first pool number with it that no vapi
// number holds and that is not already registered in this org.
void assign_pool_number(const NumberPool& pool, storage::Session& s, std::string_view org_id,
                        json::object& doc) {
  if (string_at(doc, "provider") != "vapi") return;
  const auto area_code = string_at(doc, "numberDesiredAreaCode");
  if (area_code.empty()) return;
  if (pool.size() == 0)
    throw ApiError::bad_request(
        "numberDesiredAreaCode needs a number pool, and this server has none: start it with "
        "--number-pool FILE (one E.164 number a line), or give the vapi number a sipUri");
  auto& repo = s.resources();
  for (const auto& candidate : pool.candidates(area_code)) {
    if (repo.key_taken(kKind, org_id, {"poolNumber", candidate, true}) ||
        repo.key_taken(kKind, org_id, {"number", candidate, false}))
      continue;
    doc["number"] = candidate;
    return;
  }
  throw ApiError::bad_request("No free number with area code " + std::string(area_code) +
                              " is available in this server's number pool");
}

}  // namespace

resources::ResourceSpec phone_number_spec(const NumberPool& pool) {
  resources::ResourceSpec spec;
  spec.kind = kKind;
  spec.noun = "Phone number";
  spec.discriminator = "provider";
  spec.secret_paths = secret_paths();
  spec.search_fields = {"name", "number", "sipUri"};
  spec.references = {
      // Who answers the number's calls.
      {"assistantId", "assistant", {}},
      {"squadId", "squad", {}},
      // The account the number is reached through: a byo number's SIP trunk, a Vonage or
      // Telnyx number's account.
      {"credentialId", credentials::kKind,
       [](const json::object& doc) {
         return credentials::phone_number_credential_providers(string_at(doc, "provider"));
       }},
      credentials::server_credential_reference("server"),
  };
  spec.check = check_document;
  spec.unique_keys = keys_of;
  spec.key_taken_message = taken_message;
  spec.on_create = [&pool](storage::Session& s, std::string_view org_id, json::object& doc) {
    assign_pool_number(pool, s, org_id, doc);
  };
  spec.create_defaults = {{"status", "active"}};
  return spec;
}

}  // namespace sb::phone_numbers
