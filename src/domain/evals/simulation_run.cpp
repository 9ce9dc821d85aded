#include "domain/evals/simulation_run.hpp"

#include <cctype>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"

namespace sb::evals {
namespace json = boost::json;

namespace {

std::string_view trimmed(std::string_view s) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// An answer's JSON: inside a ``` fence (```json ... ```) when there is one.
std::string_view unfenced(std::string_view text) {
  text = trimmed(text);
  if (!text.starts_with("```")) return text;
  text.remove_prefix(3);
  if (const auto newline = text.find('\n'); newline != std::string_view::npos)
    text.remove_prefix(newline + 1);
  if (const auto end = text.rfind("```"); end != std::string_view::npos) text = text.substr(0, end);
  return trimmed(text);
}

bool type_matches(std::string_view type, const json::value& v) {
  if (type == "boolean") return v.is_bool();
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer")
    return v.is_int64() || v.is_uint64() ||
           (v.is_double() &&
            v.get_double() == static_cast<double>(static_cast<std::int64_t>(v.get_double())));
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  return true;
}

void entry_errors(const json::object& entry, std::size_t i, std::vector<std::string>& errors) {
  const auto at = "simulations." + std::to_string(i);
  if (string_at(entry, "type") == "simulationSuite") {
    if (!entry.contains("simulationSuiteId"))
      errors.push_back(at + ".simulationSuiteId must be provided");
    return;
  }
  if (entry.contains("simulationId")) return;
  for (auto [id, inline_key] :
       {std::pair{"scenarioId", "scenario"}, std::pair{"personalityId", "personality"}}) {
    const int n = (entry.contains(id) ? 1 : 0) + (entry.contains(inline_key) ? 1 : 0);
    if (n != 1)
      errors.push_back(at + " must have a simulationId, or exactly one of " + id + " or " +
                       inline_key);
  }
}

}  // namespace

bool wants_voice(const json::object& body) {
  const auto* transport = object_at(body, "transport");
  return transport && string_at(*transport, "provider") == "vapi.websocket";
}

std::int64_t item_slots(bool voice) {
  return voice ? 2 : 1;
}

bool slots_free(std::int64_t active, std::int64_t slots, std::int64_t limit) {
  return active <= 0 || active + slots <= limit;
}

bool call_ended_in_error(std::string_view reason) {
  return reason.find("error") != std::string_view::npos ||
         reason.find("fault") != std::string_view::npos ||
         reason.find("failed") != std::string_view::npos || reason.starts_with("assistant-not-") ||
         reason.starts_with("assistant-request-") || reason == "worker-shutdown" || reason.empty();
}

json::object voice_call_metadata(const json::object& call) {
  json::object out{{"transcript", ""}, {"messages", json::array()}};
  if (const auto* artifact = object_at(call, "artifact")) {
    out["transcript"] = string_at(*artifact, "transcript");
    if (const auto* messages = array_at(*artifact, "messagesOpenAIFormatted"))
      out["messages"] = *messages;
    if (auto url = string_at(*artifact, "recordingUrl"); !url.empty()) out["recordingUrl"] = url;
  }
  if (const auto* monitor = object_at(call, "monitor"))
    if (auto url = string_at(*monitor, "listenUrl"); !url.empty())
      out["monitor"] = json::object{{"listenUrl", url}};
  return out;
}

void check_simulation_run_request(const json::object& body) {
  std::vector<std::string> errors;
  if (const auto* target = object_at(body, "target")) {
    const bool squad = string_at(*target, "type") == "squad";
    const int n =
        squad ? (target->contains("squadId") ? 1 : 0) + (target->contains("squad") ? 1 : 0)
              : (target->contains("assistantId") ? 1 : 0) + (target->contains("assistant") ? 1 : 0);
    if (n != 1)
      errors.push_back(squad ? "exactly one of target.squadId or target.squad must be provided"
                             : "exactly one of target.assistantId or target.assistant must be "
                               "provided");
  }
  if (const auto* iterations = body.if_contains("iterations")) {
    const double n = iterations->is_number() ? iterations->to_number<double>() : 0;
    if (n < 1 || n > static_cast<double>(kMaxIterations) ||
        n != static_cast<double>(static_cast<std::int64_t>(n)))
      errors.push_back("iterations must be a whole number from 1 to " +
                       std::to_string(kMaxIterations));
  }
  if (const auto* entries = array_at(body, "simulations")) {
    if (entries->empty()) errors.push_back("simulations must contain at least 1 elements");
    for (std::size_t i = 0; i < entries->size(); ++i)
      if (const auto* entry = (*entries)[i].if_object()) entry_errors(*entry, i, errors);
  }
  if (!errors.empty()) throw ApiError::bad_request(std::move(errors));
}

bool item_ended(std::string_view status) {
  return status == "passed" || status == "failed" || status == "canceled";
}

json::object item_counts(const json::array& items) {
  std::int64_t passed = 0, failed = 0, running = 0, queued = 0, canceled = 0;
  for (const auto& i : items) {
    if (!i.is_object()) continue;
    const auto status = string_at(i.get_object(), "status");
    if (status == "passed")
      ++passed;
    else if (status == "failed")
      ++failed;
    else if (status == "canceled")
      ++canceled;
    else if (status == "queued")
      ++queued;
    else
      ++running;  // running, evaluating
  }
  return {{"total", static_cast<std::int64_t>(items.size())},
          {"passed", passed},
          {"failed", failed},
          {"running", running},
          {"queued", queued},
          {"canceled", canceled}};
}

std::string transcript_of(const json::array& messages) {
  std::string out;
  for (const auto& m : messages) {
    if (!m.is_object()) continue;
    const auto& message = m.get_object();
    const auto role = string_at(message, "role");
    const auto content = string_at(message, "content");
    if ((role != "assistant" && role != "user") || content.empty()) continue;
    out += role == "assistant" ? "AI: " : "User: ";
    out += content;
    out += '\n';
  }
  return out;
}

ExtractionPrompt extraction_prompt(const json::object& output, std::string_view transcript) {
  const auto* schema = object_at(output, "schema");
  ExtractionPrompt prompt;
  prompt.system =
      "You read the transcript of a conversation between an AI assistant (AI) and a caller "
      "(User) and extract one value from it. Answer with the value alone, as JSON, matching "
      "this JSON schema: " +
      (schema ? json_text(*schema) : std::string("{}")) + "\n\nTranscript:\n" +
      std::string(transcript);
  prompt.question = std::string(string_at(output, "name"));
  if (const auto description = string_at(output, "description"); !description.empty())
    prompt.question = std::string(description);
  return prompt;
}

std::optional<json::value> read_extracted(std::string_view answer, const json::object& schema,
                                          std::string_view path, std::string& error) {
  const auto text = unfenced(answer);
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  const auto type = string_at(schema, "type");
  // A string output may come unquoted.
  if (ec && type == "string" && !text.empty()) value = json::string(text), ec = {};
  if (ec) {
    error = "The model's answer is not JSON: " + std::string(text.substr(0, 200));
    return std::nullopt;
  }
  const json::object* leaf_schema = &schema;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const auto key = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    const auto* next = value.is_object() ? value.get_object().if_contains(key) : nullptr;
    if (!next) {
      error = "The extracted value has nothing at " + std::string(key);
      return std::nullopt;
    }
    value = json::value(*next);
    const auto* properties = object_at(*leaf_schema, "properties");
    const auto* property = properties ? object_at(*properties, key) : nullptr;
    static const json::object kAny;
    leaf_schema = property ? property : &kAny;
  }
  if (const auto leaf_type = string_at(*leaf_schema, "type"); !type_matches(leaf_type, value)) {
    error = "The extracted value " + json_text(value) + " is not of the schema's type " +
            std::string(leaf_type);
    return std::nullopt;
  }
  return value;
}

json::object hook_message(const json::object& item, std::string_view event,
                          const json::object& include) {
  json::object message{{"type", event}};
  if (const auto* id = item.if_contains("simulationId")) message["simulationId"] = *id;
  message["runId"] = string_at(item, "runId");
  message["simulationRunItemId"] = string_at(item, "id");
  message["iterationNumber"] = int_at(item, "iterationNumber", 1);
  message["isSimulation"] = true;
  if (event != "simulation.run.ended") return message;
  const auto status = string_at(item, "status");
  message["canceled"] = status == "canceled";
  if (const auto* reason = item.if_contains("failureReason")) message["failureReason"] = *reason;
  if (const auto* started = item.if_contains("startedAt")) message["startedAt"] = *started;
  for (auto key : {"completedAt", "failedAt", "canceledAt"})
    if (const auto* ended = item.if_contains(key)) message["endedAt"] = *ended;
  const json::object* call = nullptr;
  if (const auto* metadata = object_at(item, "metadata")) call = object_at(*metadata, "call");
  if (bool_at(include, "transcript"))
    message["transcript"] = call ? string_at(*call, "transcript") : "";
  if (bool_at(include, "messages"))
    message["messages"] = call && call->contains("messages") ? call->at("messages") : json::array();
  return message;
}

bool compare_values(std::string_view comparator, const json::value& extracted,
                    const json::value& expected) {
  if (extracted.is_number() && expected.is_number()) {
    const double a = extracted.to_number<double>();
    const double b = expected.to_number<double>();
    if (comparator == "=") return a == b;
    if (comparator == "!=") return a != b;
    if (comparator == ">") return a > b;
    if (comparator == "<") return a < b;
    if (comparator == ">=") return a >= b;
    if (comparator == "<=") return a <= b;
    return false;
  }
  if (comparator == "=") return extracted == expected;
  if (comparator == "!=") return extracted != expected;
  return false;  // ordering applies to numbers only
}

}  // namespace sb::evals
