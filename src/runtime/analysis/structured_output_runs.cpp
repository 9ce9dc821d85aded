#include "runtime/analysis/structured_output_runs.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "domain/scorecards/scorecard_score.hpp"
#include "runtime/chat/chat_context.hpp"
#include "storage/store.hpp"

namespace sb::analysis {
namespace json = boost::json;

struct StructuredOutputRuns::Run {
  std::string org_id;
  bool preview = false;
  std::string saved_id;  // structuredOutputId; "" for a transient output
  json::object output;   // with its `id`
  std::vector<std::string> call_ids;
  struct Item {
    json::object call;
    json::object assistant;
    json::object variables;
    Extraction extraction;
  };
  std::vector<Item> items;
  Access access;
  std::mutex mutex;
  std::size_t pending = 0;
  std::function<void(std::exception_ptr, json::object)> done;

  std::string name() const { return std::string(string_at(output, "name")); }
  std::string id() const { return std::string(string_at(output, "id")); }
};

namespace {

// The request's rules the contract cannot say. Returns the call ids.
std::vector<std::string> checked_call_ids(const json::object& body, bool preview) {
  const bool by_id = !string_at(body, "structuredOutputId").empty();
  const bool transient = object_at(body, "structuredOutput") != nullptr;
  if (by_id == transient)
    throw ApiError::bad_request(
        "Provide exactly one of structuredOutputId and structuredOutput (a transient structured "
        "output)");
  std::vector<std::string> ids;
  if (const auto* given = array_at(body, "callIds"))
    for (const auto& id : *given)
      if (id.is_string()) ids.push_back(ascii_lower(id.get_string()));
  if (ids.empty()) throw ApiError::bad_request("callIds must contain at least 1 call id");
  if (preview && ids.size() != 1)
    throw ApiError::bad_request(
        "callIds must contain exactly 1 call id when previewEnabled is true");
  if (ids.size() > kMaxRunCalls)
    throw ApiError::bad_request("callIds must contain no more than " +
                                std::to_string(kMaxRunCalls) + " call ids");
  std::set<std::string> unique(ids.begin(), ids.end());
  if (unique.size() != ids.size()) throw ApiError::bad_request("callIds must not repeat a call id");
  return ids;
}

// The assistant a stored call ran: by id (absent when deleted since), or inline.
json::object assistant_of(storage::Session& s, const chat::ResolverDeps& deps,
                          const std::string& org, const json::object& call) {
  if (const auto id = string_at(call, "assistantId"); !id.empty()) {
    try {
      return deps.service.load(s, deps.assistants, org, id);
    } catch (const std::exception&) {
      return {};
    }
  }
  if (const auto* assistant = object_at(call, "assistant")) return *assistant;
  return {};
}

// The saved scorecards of a call's artifact, scored again from its structured outputs (a
// transient or deleted scorecard keeps its score).
void rescore(storage::Session& s, const StructuredOutputRunDeps& deps, const std::string& org,
             json::object& artifact) {
  auto* cards = object_at(artifact, "scorecards");
  const auto* outputs = object_at(artifact, "structuredOutputs");
  if (!cards || !outputs) return;
  for (auto& [id, value] : *cards) {
    try {
      value = scorecards::score(deps.service.load(s, deps.scorecards, org, id), *outputs);
    } catch (const std::exception&) {
    }
  }
}

}  // namespace

void StructuredOutputRuns::run(std::string org_id, json::object body,
                               std::function<void(std::exception_ptr, json::object)> done) const {
  auto run = std::make_shared<Run>();
  run->org_id = std::move(org_id);
  run->done = std::move(done);
  try {
    run->preview = bool_at(body, "previewEnabled");
    run->call_ids = checked_call_ids(body, run->preview);
    run->saved_id = ascii_lower(string_at(body, "structuredOutputId"));
    if (run->saved_id.empty()) {
      run->output = *object_at(body, "structuredOutput");
      run->output["id"] = new_uuid();
    }
  } catch (...) {
    return run->done(std::current_exception(), {});
  }
  deps_.store.post_read([this, run](storage::Session& s) {
    try {
      if (!run->saved_id.empty())
        run->output = deps_.service.load(s, deps_.structured_outputs, run->org_id, run->saved_id);
      std::vector<json::object> models;
      if (const auto* model = object_at(run->output, "model")) models.push_back(*model);
      for (const auto& id : run->call_ids) {
        Run::Item item;
        item.call = deps_.service.load(s, deps_.calls, run->org_id, id);
        item.assistant = assistant_of(s, deps_.resolver, run->org_id, item.call);
        if (const auto* overrides = object_at(item.call, "assistantOverrides")) {
          if (const auto* variables = object_at(*overrides, "variableValues"))
            item.variables = *variables;
        }
        if (const auto* model = object_at(item.assistant, "model")) models.push_back(*model);
        run->items.push_back(std::move(item));
      }
      run->access = [keys = chat::model_keys(s, deps_.resolver, run->org_id, models),
                     &providers = deps_.providers](const chat::ModelSetup& m) {
        return chat::model_access(m, keys, providers);
      };
    } catch (...) {
      return run->done(std::current_exception(), {});
    }
    extract_all(run);
  });
}

void StructuredOutputRuns::extract_all(std::shared_ptr<Run> run) const {
  run->pending = run->items.size();
  for (std::size_t i = 0; i < run->items.size(); ++i) {
    const auto& item = run->items[i];
    analyzer_.extract(
        run->output, item.call, item.assistant, run->access, item.variables,
        [this, run, i](Extraction e) {
          {
            std::lock_guard lock(run->mutex);
            run->items[i].extraction = std::move(e);
            if (--run->pending > 0) return;
          }
          if (!run->preview) return store(run);
          const auto& only = run->items.front().extraction;
          const auto name = run->name();
          if (only.skipped)
            return run->done(
                nullptr,
                {{"skipped",
                  json::object{{run->id(), json::object{{"name", name},
                                                        {"unmetCondition", *only.skipped}}}}}});
          if (!only.result)
            return run->done(
                std::make_exception_ptr(ApiError(
                    ErrorCode::kBadGateway,
                    "Structured output \"" + name + "\" could not be extracted: " + only.error)),
                {});
          run->done(nullptr, {{run->id(), json::object{{"name", name}, {"result", *only.result}}}});
        });
  }
}

// Each call's result (or skip) into its artifact, in one write; the answer says what happened.
void StructuredOutputRuns::store(std::shared_ptr<Run> run) const {
  deps_.store.post_write(
      [this, run](storage::Session& s) {
        const auto now = format_iso8601(deps_.clock.wall_ms());
        for (const auto& item : run->items) {
          const auto& e = item.extraction;
          if (!e.result && !e.skipped) continue;
          auto call = deps_.service.load(s, deps_.calls, run->org_id, string_at(item.call, "id"));
          auto* artifact = object_at(call, "artifact");
          if (!artifact) artifact = &(call["artifact"] = json::object{}).as_object();
          const auto key = run->id();
          const auto put = [&](std::string_view field, json::object value) {
            auto* map = object_at(*artifact, field);
            if (!map) map = &((*artifact)[field] = json::object{}).as_object();
            (*map)[key] = std::move(value);
          };
          if (e.result) {
            put("structuredOutputs", {{"name", run->name()}, {"result", *e.result}});
            if (auto* skipped = object_at(*artifact, "skippedStructuredOutputs"))
              skipped->erase(key);
          } else {
            put("skippedStructuredOutputs",
                {{"name", run->name()}, {"unmetCondition", *e.skipped}});
          }
          (*artifact)["structuredOutputsLastUpdatedAt"] = now;
          rescore(s, deps_, run->org_id, *artifact);
          deps_.service.replace_document(s, deps_.calls, std::move(call));
        }
      },
      [run](std::exception_ptr error) {
        if (error) return run->done(error, {});
        std::size_t stored = 0;
        std::string others;
        for (const auto& item : run->items) {
          const auto& e = item.extraction;
          const std::string id(string_at(item.call, "id"));
          if (e.result) {
            ++stored;
          } else if (e.skipped) {
            others += "; skipped on call " + id + ": its " +
                      std::string(string_at(*e.skipped, "type")) + " condition is not met";
          } else {
            others += "; not stored on call " + id + ": " + e.error;
            spdlog::warn("structured output {} on call {} not stored: {}", run->id(), id, e.error);
          }
        }
        run->done(nullptr,
                  {{"message", "Structured output \"" + run->name() + "\" (" + run->id() +
                                   ") stored on " + std::to_string(stored) + " of " +
                                   std::to_string(run->items.size()) + " call(s)" + others}});
      });
}

}  // namespace sb::analysis
