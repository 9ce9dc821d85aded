#include "domain/phone_numbers/phone_number_service.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "domain/phone_numbers/phone_number_rules.hpp"
#include "storage/store.hpp"

namespace sb::phone_numbers {
namespace {

namespace json = boost::json;

void throw_if_any(std::vector<std::string> messages) {
  if (!messages.empty()) throw ApiError::bad_request(std::move(messages));
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key) {
  if (auto v = string_field(o, key)) return std::string(*v);
  return std::nullopt;
}

std::string join_array(const std::vector<std::string>& documents) {
  std::size_t size = 2;
  for (const auto& d : documents) size += d.size() + 1;
  std::string out;
  out.reserve(size);
  out.push_back('[');
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i) out.push_back(',');
    out += documents[i];
  }
  out.push_back(']');
  return out;
}

}  // namespace

storage::PhoneNumberRecord PhoneNumberService::to_record(json::object& doc,
                                                         const json::object& secrets) const {
  storage::PhoneNumberRecord r;
  r.id = std::string(*string_field(doc, "id"));
  r.org_id = std::string(*string_field(doc, "orgId"));
  r.provider = std::string(*string_field(doc, "provider"));
  r.number = optional_string(doc, "number");
  const auto sip_uri = string_field(doc, "sipUri");
  if (r.provider == "vapi" && sip_uri)
    if (auto sip = parse_sip_uri(*sip_uri)) r.sip_user = sip->user;
  r.search_text = fold_case(std::string(string_field(doc, "name").value_or("")) + '\n' +
                            r.number.value_or("") + '\n' + std::string(sip_uri.value_or("")));
  r.created_at = *parse_iso8601(*string_field(doc, "createdAt"));
  r.updated_at = *parse_iso8601(*string_field(doc, "updatedAt"));
  r.document = json::serialize(doc);
  if (!secrets.empty()) r.sealed_secrets = secrets_.seal(json::serialize(secrets));
  return r;
}

void PhoneNumberService::check_unique(storage::Session& s,
                                      const storage::PhoneNumberRecord& r) const {
  auto& repo = s.phone_numbers();
  std::vector<std::string> messages;
  if (r.number && repo.number_taken(r.org_id, *r.number, r.id))
    messages.push_back("number " + *r.number +
                       " is already registered to another phone number "
                       "of this org");
  if (r.sip_user && repo.sip_user_taken(*r.sip_user, r.id))
    messages.push_back("sipUri is already in use: another phone number has the SIP user '" +
                       *r.sip_user + "' (compared case-insensitively)");
  throw_if_any(std::move(messages));
}

std::string PhoneNumberService::allocate_pool_number(storage::Session& s, std::string_view org_id,
                                                     std::string_view area_code) const {
  auto& repo = s.phone_numbers();
  for (const auto& candidate : pool_.candidates(area_code))
    if (!repo.pool_number_assigned(candidate) && !repo.number_taken(org_id, candidate, ""))
      return candidate;
  throw ApiError::bad_request("No free number with area code " + std::string(area_code) +
                              " is available in this server's number pool");
}

Written PhoneNumberService::create(storage::Session& s, std::string_view org_id,
                                   json::object body) const {
  json::object secrets = take_secrets(body);
  throw_if_any(check_document(body));
  if (string_field(body, "provider") == "vapi")
    if (auto area_code = string_field(body, "numberDesiredAreaCode"))
      body["number"] = allocate_pool_number(s, org_id, *area_code);
  const std::string now = format_iso8601(now_ms());
  body["id"] = new_uuid();
  body["orgId"] = org_id;
  body["createdAt"] = now;
  body["updatedAt"] = now;
  body["status"] = "active";
  auto record = to_record(body, secrets);
  check_unique(s, record);
  s.phone_numbers().insert(record);
  return {std::move(record.id), std::move(record.document)};
}

storage::PhoneNumberRecord PhoneNumberService::load(storage::Session& s, std::string_view org_id,
                                                    std::string_view id) const {
  auto found = s.phone_numbers().find(org_id, id);
  if (!found) throw ApiError::not_found("Phone number not found");
  return std::move(*found);
}

std::string PhoneNumberService::get(storage::Session& s, std::string_view org_id,
                                    std::string_view id) const {
  return load(s, org_id, id).document;
}

std::string PhoneNumberService::provider_of(storage::Session& s, std::string_view org_id,
                                            std::string_view id) const {
  return load(s, org_id, id).provider;
}

Written PhoneNumberService::update(storage::Session& s, std::string_view org_id,
                                   std::string_view id, json::object patch) const {
  auto stored = load(s, org_id, id);
  if (auto provider = string_field(patch, "provider"); provider && *provider != stored.provider)
    throw ApiError::bad_request("provider cannot be changed: this phone number is " +
                                stored.provider + ", not " + std::string(*provider));
  json::object document = json::parse(stored.document).as_object();
  json::object secrets;
  if (!stored.sealed_secrets.empty())
    secrets = json::parse(secrets_.open(stored.sealed_secrets)).as_object();
  const json::object patch_secrets = take_secrets(patch);
  apply_patch(document, secrets, patch, patch_secrets);
  throw_if_any(check_document(document));
  // Server-set fields are not writable through PATCH (the contract rejects them), but keep
  // them authoritative regardless.
  const EpochMs now = std::max(now_ms(), stored.updated_at + 1);
  document["id"] = stored.id;
  document["orgId"] = stored.org_id;
  document["updatedAt"] = format_iso8601(now);
  auto record = to_record(document, secrets);
  record.created_at = stored.created_at;
  check_unique(s, record);
  s.phone_numbers().update(record);
  return {std::move(record.id), std::move(record.document)};
}

Written PhoneNumberService::remove(storage::Session& s, std::string_view org_id,
                                   std::string_view id) const {
  auto stored = load(s, org_id, id);
  s.phone_numbers().remove(org_id, id);
  return {std::move(stored.id), std::move(stored.document)};
}

std::string PhoneNumberService::list(storage::Session& s, std::string_view org_id,
                                     const storage::TimeFilter& filter, std::int64_t limit) const {
  return join_array(s.phone_numbers().list(org_id, filter, limit));
}

std::string PhoneNumberService::page(storage::Session& s, std::string_view org_id,
                                     const storage::PhoneNumberPageQuery& q) const {
  auto page = s.phone_numbers().page(org_id, q);
  const std::int64_t total_pages = q.limit > 0 ? (page.total + q.limit - 1) / q.limit : 0;
  std::string out = "{\"results\":" + join_array(page.documents);
  out += ",\"metadata\":{\"itemsPerPage\":" + std::to_string(q.limit) +
         ",\"totalItems\":" + std::to_string(page.total) +
         ",\"currentPage\":" + std::to_string(q.page) +
         ",\"totalPages\":" + std::to_string(total_pages) + "}}";
  return out;
}

}  // namespace sb::phone_numbers
