// What the analysis after a live call runs (docs/analysis.md), read where the call is prepared:
// the starting assistant's analysisPlan, the structured outputs and scorecards its artifactPlan
// names (saved ones by id, transient ones inline, each given an id for the call's artifact),
// the scorecards linked to the assistant by their own assistantIds, and the org's keys for every
// model they use.

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_context.hpp"
#include "runtime/voice/live_calls.hpp"
#include "storage/resource_repository.hpp"
#include "storage/store.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// The saved resources `ids` name, then the inline ones (given fresh ids).
std::vector<json::object> named_and_inline(storage::Session& s,
                                           const resources::ResourceService& service,
                                           const resources::ResourceSpec* spec,
                                           const std::string& org_id, const json::array* ids,
                                           const json::array* inline_ones) {
  std::vector<json::object> out;
  if (ids && spec) {
    for (const auto& id : *ids) {
      if (!id.is_string()) continue;
      try {
        out.push_back(service.load(s, *spec, org_id, id.get_string()));
      } catch (const std::exception& e) {
        spdlog::warn("analysis: {} {} left out: {}", spec->kind, std::string(id.get_string()),
                     e.what());
      }
    }
  }
  if (inline_ones)
    for (const auto& o : *inline_ones) {
      if (!o.is_object()) continue;
      auto copy = o.get_object();
      copy["id"] = new_uuid();
      out.push_back(std::move(copy));
    }
  return out;
}

// The org's scorecards linked to `assistant_id` through their own assistantIds (the newest
// kMaxLinked), besides those already named.
constexpr std::int64_t kMaxLinked = 1000;
void add_linked_scorecards(storage::Session& s, const resources::ResourceSpec& spec,
                           const std::string& org_id, std::string_view assistant_id,
                           std::vector<json::object>& scorecards) {
  storage::ResourceQuery query;
  query.limit = kMaxLinked;
  for (const auto& text : s.resources().list(spec.kind, org_id, query).documents) {
    std::error_code ec;
    auto parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) continue;
    auto& card = parsed.as_object();
    const auto* linked = array_at(card, "assistantIds");
    if (!linked) continue;
    bool ours = false;
    for (const auto& id : *linked)
      ours = ours || (id.is_string() && id.get_string() == assistant_id);
    bool named = false;
    for (const auto& known : scorecards)
      named = named || string_at(known, "id") == string_at(card, "id");
    if (ours && !named) scorecards.push_back(std::move(card));
  }
}

}  // namespace

analysis::CallAnalysisRequest LiveCalls::analysis_request(
    storage::Session& s, const std::string& org_id, const json::object& assistant,
    const json::object& holder, std::map<std::string, std::string> keys) const {
  analysis::CallAnalysisRequest request;
  request.assistant = assistant;
  if (const auto* plan = object_at(assistant, "artifactPlan")) {
    request.structured_outputs = named_and_inline(s, deps_.service, deps_.structured_outputs,
                                                  org_id, array_at(*plan, "structuredOutputIds"),
                                                  array_at(*plan, "structuredOutputs"));
    request.scorecards =
        named_and_inline(s, deps_.service, deps_.scorecards, org_id,
                         array_at(*plan, "scorecardIds"), array_at(*plan, "scorecards"));
  }
  if (const auto id = string_at(assistant, "id"); !id.empty() && deps_.scorecards)
    add_linked_scorecards(s, *deps_.scorecards, org_id, id, request.scorecards);
  std::vector<json::object> models;
  for (const auto& output : request.structured_outputs)
    if (const auto* model = object_at(output, "model")) models.push_back(*model);
  if (!models.empty())
    for (auto& [provider, key] : chat::model_keys(s, deps_.resolver, org_id, models))
      keys.emplace(provider, std::move(key));
  request.access = [keys = std::move(keys),
                    &providers = deps_.providers](const chat::ModelSetup& m) {
    return chat::model_access(m, keys, providers);
  };
  if (const auto* overrides = object_at(holder, "assistantOverrides"))
    if (const auto* variables = object_at(*overrides, "variableValues"))
      request.variables = *variables;
  return request;
}

bool LiveCalls::draining() const {
  std::lock_guard lock(mutex_);
  return draining_;
}

}  // namespace sb::voice
