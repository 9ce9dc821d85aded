#include "domain/provider_resources/provider_resource_spec.hpp"

#include "core/ids.hpp"
#include "storage/store.hpp"

namespace sb::provider_resources {
namespace {

namespace json = boost::json;

// Fields of the object itself, set from the path; everything else belongs to the provider.
constexpr std::string_view kOwnFields[] = {"provider", "resourceName"};

bool is_own(std::string_view key) {
  for (const auto own : kOwnFields)
    if (key == own) return true;
  return false;
}

}  // namespace

void shape_body(json::object& body, const json::object* stored) {
  json::object resource;
  json::object own;
  if (stored) {
    if (const auto* kept = stored->if_contains("resource"); kept && kept->is_object())
      resource = kept->get_object();
  }
  for (auto& [key, value] : body) {
    if (!stored && is_own(key)) {
      own[key] = std::move(value);
    } else if (value.is_null()) {
      resource.erase(key);
    } else {
      resource[key] = std::move(value);
    }
  }
  body = std::move(own);
  body["resource"] = std::move(resource);
}

resources::ResourceSpec provider_resource_spec() {
  resources::ResourceSpec spec;
  spec.kind = "provider-resource";
  spec.noun = "Provider resource";
  spec.search_fields = {};
  spec.shape_body = shape_body;
  spec.on_create = [](storage::Session&, std::string_view, json::object& doc) {
    doc["resourceId"] = new_uuid();
  };
  return spec;
}

}  // namespace sb::provider_resources
