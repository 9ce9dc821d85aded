// Contract::openapi_json: the compact contract re-expanded into an OpenAPI 3.0 document
// (structure only: the prose was never kept). Served by GET /api-json, so it is rebuilt from
// the contract text rather than from the compiled graph, and reflects the document as Vapi
// publishes it (quirk overrides are validation behaviour, not part of the document).

#include <boost/json/parse.hpp>

#include "contract/contract_impl.hpp"
#include "core/json_text.hpp"

namespace sb::contract {
namespace json = boost::json;
namespace {

json::object expand_operation(const json::object& op) {
  json::object out;
  if (const auto* id = op.if_contains("operationId")) out["operationId"] = *id;
  // Extensions stay: "x-switchboard" marks what Switchboard serves beyond Vapi's document.
  for (const auto& [key, value] : op)
    if (key.starts_with("x-")) out[key] = value;
  if (const auto* params = op.if_contains("parameters")) out["parameters"] = *params;
  if (const auto* body = op.if_contains("requestBody"); body && body->is_object()) {
    json::object content;
    if (const auto* types = body->get_object().if_contains("content");
        types && types->is_object()) {
      for (const auto& [type, schema] : types->get_object()) {
        content[type] = json::object{{"schema", schema}};
      }
    }
    const auto* required = body->get_object().if_contains("required");
    out["requestBody"] = json::object{{"required", required ? *required : json::value(false)},
                                      {"content", std::move(content)}};
  }
  json::object responses;
  if (const auto* r = op.if_contains("response"); r && r->is_object()) {
    const auto& ro = r->get_object();
    json::object response{{"description", ""}};
    if (const auto* schema = ro.if_contains("schema")) {
      const auto* type = ro.if_contains("contentType");
      json::string ct = type && type->is_string() ? type->get_string() : "application/json";
      response["content"] = json::object{{ct, json::object{{"schema", *schema}}}};
    }
    const auto* status = ro.if_contains("status");
    responses[status ? json_text(*status) : "200"] = std::move(response);
  }
  out["responses"] = std::move(responses);
  return out;
}

}  // namespace

std::string Contract::openapi_json() const {
  json::parse_options options;
  options.max_depth = 1024;
  json::value doc = json::parse(impl_->source, {}, options);
  auto& root = doc.as_object();
  json::object paths;
  for (const auto& [path, item] : root["paths"].as_object()) {
    json::object methods;
    for (const auto& [method, op] : item.as_object()) {
      methods[method] = expand_operation(op.as_object());
    }
    paths[path] = std::move(methods);
  }
  json::object out;
  out["openapi"] = root.contains("openapi") ? root["openapi"] : json::value("3.0.0");
  out["info"] = root["info"];
  out["paths"] = std::move(paths);
  out["components"] = json::object{{"schemas", std::move(root["schemas"])}};
  return json_text(out);
}

}  // namespace sb::contract
