// The simulation runner's evaluation of an ended conversation: each of the scenario's
// structured outputs is extracted from the transcript (a voice item's: its call's) by a model
// and compared as the scenario's evaluation says; then the item ends, passed or failed.

#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/evals/simulation_run.hpp"
#include "runtime/evals/eval_runner.hpp"
#include "runtime/evals/simulation_item.hpp"
#include "runtime/evals/simulation_runner.hpp"

namespace sb::evals {
namespace json = boost::json;

// Extracts and compares evaluation `next`, then the following ones; then ends the item.
void SimulationRunner::evaluate(std::shared_ptr<Item> item, std::size_t next) {
  if (item->canceled) return released(item);
  if (next == item->evaluations.size()) {
    const bool passed = item->passed;
    return end_item(item, passed ? "passed" : "failed", passed ? "" : item->failure);
  }
  const auto& [plan, output] = item->evaluations[next];
  // A voice item is judged by what its call heard and said.
  const auto transcript =
      item->voice ? std::string(string_at(voice_call_metadata(item->call), "transcript"))
                  : transcript_of(item->transcript);
  const auto prompt = extraction_prompt(output, transcript);
  // The output's own model when it names one, else the tester's.
  const auto* own = object_at(output, "model");
  json::object model = own && own->contains("provider") ? *own
                       : object_at(item->tester.front().assistant, "model")
                           ? item->tester.front().assistant.at("model").as_object()
                           : json::object();
  model.erase("tools");
  model.erase("toolIds");
  ask(item->org_id, std::move(model), prompt.system, prompt.question, item->keys,
      [this, item, next](std::optional<std::string> error, std::string text) {
        const auto& [plan, output] = item->evaluations[next];
        const auto* schema = object_at(output, "schema");
        static const json::object kNoSchema;
        const auto path = string_at(plan, "path");
        json::object result{{"structuredOutputId", plan.contains("structuredOutputId")
                                                       ? json::value(plan.at("structuredOutputId"))
                                                       : json::value("inline")},
                            {"name", string_at(output, "name")},
                            {"expectedValue", plan.at("value")},
                            {"comparator", plan.at("comparator")},
                            {"required", bool_at(plan, "required", true)}};
        if (!path.empty()) result["path"] = path;
        if (auto d = string_at(output, "description"); !d.empty()) result["description"] = d;
        if (schema) result["schema"] = *schema;
        std::string why = error.value_or("");
        std::optional<json::value> value;
        if (!error) value = read_extracted(text, schema ? *schema : kNoSchema, path, why);
        bool passed = false;
        if (value) {
          result["extractedValue"] = *value;
          passed = compare_values(string_at(plan, "comparator"), *value, plan.at("value"));
          if (!passed)
            why = "extracted " + json_text(*value) + ", expected " +
                  std::string(string_at(plan, "comparator")) + " " + json_text(plan.at("value"));
        } else {
          result["error"] = why;
        }
        result["passed"] = passed;
        if (!passed && bool_at(plan, "required", true) && item->passed) {
          item->passed = false;
          item->failure =
              "Evaluation " + std::string(string_at(output, "name")) + " failed: " + why;
        }
        item->results.push_back(std::move(result));
        evaluate(item, next + 1);
      });
}

void SimulationRunner::ask(
    std::string org_id, json::object model, std::string system, std::string input,
    std::map<std::string, std::string> keys,
    std::function<void(std::optional<std::string>, std::string)> done) const {
  json::array messages{json::object{{"role", "system"}, {"content", std::move(system)}}};
  model["messages"] = std::move(messages);
  chat::Conversation conversation;
  conversation.org_id = std::move(org_id);
  conversation.chat = {{"id", new_uuid()}};
  conversation.assistants.push_back(
      chat::ResolvedAssistant{json::object{{"model", std::move(model)}}, {}, {}, "", "evaluator"});
  conversation.input.push_back(json::object{{"role", "user"}, {"content", std::move(input)}});
  conversation.access = access(std::move(keys));
  answer_once(deps_.engine, std::move(conversation),
              [done = std::move(done)](std::optional<chat::ChatFailure> failure,
                                       json::object message, json::array) {
                if (failure) return done("The model failed: " + failure->message, "");
                done(std::nullopt, std::string(string_at(message, "content")));
              });
}

}  // namespace sb::evals
