#include "runtime/evals/simulation_runner.hpp"

// The simulation runner's requests besides starting runs: canceling runs and items, the
// concurrency bound, and the model-written suggestions and scenarios.

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/evals/simulation_run.hpp"
#include "domain/evals/simulation_suggestions.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/evals/eval_runner.hpp"
#include "runtime/evals/simulation_runner.hpp"
#include "storage/store.hpp"

namespace sb::evals {
namespace json = boost::json;

// Items of `run_id` that have not ended are canceled in memory (their next step stops them).
void SimulationRunner::cancel_run(std::string org_id, std::string run_id, SimulationReply done) {
  auto result = std::make_shared<json::object>();
  deps_.store.post_write(
      [this, org_id, run_id, result](storage::Session& s) {
        const auto& specs = deps_.specs;
        auto run = deps_.service.load(s, specs.runs, org_id, run_id);
        auto items = parsed_documents(deps_.service.list(s, specs.items, org_id, items_of(run_id)));
        const auto now = format_iso8601(deps_.clock.wall_ms());
        for (auto& i : items) {
          auto& item = i.as_object();
          if (item_ended(string_at(item, "status"))) continue;
          item["status"] = "canceled";
          item["canceledAt"] = now;
          deps_.service.replace_document(s, specs.items, item);
          send_hooks(s, item, "simulation.run.ended");
        }
        if (string_at(run, "status") != "ended") {
          run["status"] = "ended";
          run["endedAt"] = now;
          run["endedReason"] = "canceled";
        }
        run["itemCounts"] = item_counts(items);
        *result =
            json::parse(deps_.service.replace_document(s, specs.runs, run).document).as_object();
      },
      [this, run_id, result, done = std::move(done)](std::exception_ptr error) {
        if (error) return done(error, {});
        cancel_live(run_id, "");
        done(nullptr, *result);
      });
}

void SimulationRunner::cancel_item(std::string org_id, std::string run_id, std::string item_id,
                                   SimulationReply done) {
  auto result = std::make_shared<json::object>();
  deps_.store.post_write(
      [this, org_id, run_id, item_id, result](storage::Session& s) {
        const auto& specs = deps_.specs;
        auto run = deps_.service.load(s, specs.runs, org_id, run_id);
        auto item = deps_.service.load(s, specs.items, org_id, item_id);
        if (string_at(item, "runId") != run_id)
          throw ApiError::not_found("Simulation run item not found");
        const auto now = format_iso8601(deps_.clock.wall_ms());
        if (!item_ended(string_at(item, "status"))) {
          item["status"] = "canceled";
          item["canceledAt"] = now;
          item = json::parse(deps_.service.replace_document(s, specs.items, item).document)
                     .as_object();
          send_hooks(s, item, "simulation.run.ended");
        }
        const auto items =
            parsed_documents(deps_.service.list(s, specs.items, org_id, items_of(run_id)));
        const auto counts = item_counts(items);
        if (int_at(counts, "passed") + int_at(counts, "failed") + int_at(counts, "canceled") ==
                int_at(counts, "total") &&
            string_at(run, "status") != "ended") {
          run["status"] = "ended";
          run["endedAt"] = now;
          run["endedReason"] = "completed";
        }
        run["itemCounts"] = counts;
        deps_.service.replace_document(s, specs.runs, run);
        *result = std::move(item);
      },
      [this, item_id, result, done = std::move(done)](std::exception_ptr error) {
        if (error) return done(error, {});
        cancel_live("", item_id);
        done(nullptr, *result);
      });
}

json::object SimulationRunner::concurrency(std::string_view org_id) const {
  std::int64_t active = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = active_.find(org_id); it != active_.end()) active = it->second;
  }
  const auto since = format_iso8601(started_);
  return {{"orgId", org_id},
          {"concurrencyLimit", deps_.concurrency},
          {"activeSimulations", active},
          // The document's count: voice simulations, two slots each.
          {"availableToStart",
           std::max<std::int64_t>(0, deps_.concurrency - active) / item_slots(true)},
          {"createdAt", since},
          {"updatedAt", since},
          {"isDefault", true}};
}

void SimulationRunner::suggest(std::string org_id, std::string run_id, std::string item_id,
                               bool force, bool persist, SimulationReply done) {
  deps_.store.post_read([this, org_id, run_id, item_id, force, persist,
                         done = std::move(done)](storage::Session& s) {
    json::object item, assistant, model;
    std::map<std::string, std::string> keys;
    try {
      deps_.service.load(s, deps_.specs.runs, org_id, run_id);
      item = deps_.service.load(s, deps_.specs.items, org_id, item_id);
      if (string_at(item, "runId") != run_id)
        throw ApiError::not_found("Simulation run item not found");
      if (const auto* stored = object_at(item, "improvementSuggestions"); stored && !force)
        return done(nullptr, *stored);
      if (!item_ended(string_at(item, "status")) || string_at(item, "status") == "canceled")
        throw ApiError::bad_request(
            "Suggestions are made for an item that has run to its end (passed or failed); this "
            "one is " +
            std::string(string_at(item, "status")));
      const auto& metadata = item.at("metadata").as_object();
      if (const auto* a = object_at(metadata, "assistant")) assistant = *a;
      const auto* personality = object_at(metadata, "personality");
      const auto* tester = personality ? object_at(*personality, "assistant") : nullptr;
      if (tester && object_at(*tester, "model")) model = tester->at("model").as_object();
      add_model_keys(s, deps_.resolver, org_id, model, keys);
    } catch (...) {
      return done(std::current_exception(), {});
    }
    model.erase("tools");
    model.erase("toolIds");
    ask(org_id, model, suggestions_prompt(item, assistant),
        "Suggest improvements for this failed simulation.", keys,
        [this, org_id, item_id, persist, done](std::optional<std::string> error, std::string text) {
          std::string why = error.value_or("");
          auto suggestions = error ? std::nullopt : read_suggestions(text, why);
          if (!suggestions)
            return done(std::make_exception_ptr(ApiError(ErrorCode::kBadGateway, why)), {});
          if (!persist) return done(nullptr, *suggestions);
          deps_.store.post_write(
              [this, org_id, item_id, suggestions](storage::Session& s) {
                auto doc = deps_.service.load(s, deps_.specs.items, org_id, item_id);
                doc["improvementSuggestions"] = *suggestions;
                deps_.service.replace_document(s, deps_.specs.items, std::move(doc));
              },
              [done, suggestions](std::exception_ptr e) {
                done(e, e ? json::object() : *suggestions);
              });
        });
  });
}

void SimulationRunner::generate_scenarios(std::string org_id, json::object body,
                                          SimulationReply done) {
  const int named = (body.contains("assistantId") ? 1 : 0) + (body.contains("squadId") ? 1 : 0);
  if (named != 1)
    return done(std::make_exception_ptr(ApiError::bad_request(
                    "exactly one of assistantId or squadId must be provided")),
                {});
  deps_.store.post_read([this, org_id, body = std::move(body),
                         done = std::move(done)](storage::Session& s) {
    chat::ConversationSetup setup;
    try {
      chat::SetupRequest request;
      request.holder = &body;
      setup = chat::resolve_conversation(s, deps_.resolver, org_id, request);
    } catch (...) {
      return done(std::current_exception(), {});
    }
    const auto& assistant = setup.assistants.front().assistant;
    auto model = object_at(assistant, "model") ? assistant.at("model").as_object() : json::object();
    model.erase("tools");
    model.erase("toolIds");
    ask(org_id, std::move(model), scenarios_prompt(assistant),
        "Generate test scenarios for this assistant.", std::move(setup.keys),
        [done](std::optional<std::string> error, std::string text) {
          std::string why = error.value_or("");
          auto scenarios = error ? std::nullopt : read_scenarios(text, why);
          if (!scenarios)
            return done(std::make_exception_ptr(ApiError(ErrorCode::kBadGateway, why)), {});
          done(nullptr, *scenarios);
        });
  });
}

}  // namespace sb::evals
