#include "runtime/analysis/call_analysis.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "contract/json_schema.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/scorecards/scorecard_score.hpp"
#include "net/timer.hpp"
#include "runtime/analysis/analysis_prompts.hpp"
#include "runtime/chat/chat_setup.hpp"

namespace sb::analysis {
namespace json = boost::json;
using Strand = boost::asio::strand<boost::asio::any_io_executor>;

struct Analyzer::Live {
  std::mutex mutex;
  std::set<std::shared_ptr<Batch>> batches;
};

// One analysis (or one extraction) in flight, on its strand.
struct Analyzer::Batch {
  explicit Batch(Strand s) : strand(std::move(s)) {}
  // One model request: its exchange and deadline, dropped once it settles.
  struct Slot {
    std::shared_ptr<chat::ModelExchange> exchange;
    std::unique_ptr<net::Timer> timer;
    bool settled = false;
  };

  Strand strand;
  std::weak_ptr<Batch> self;
  std::weak_ptr<Live> live;
  CallAnalysisRequest request;
  CallFacts facts;
  std::string label;  // "call <id>", for the log
  CallAnalysisResult result;
  bool plan_ran = false;
  json::object analysis;
  std::vector<std::pair<std::string, std::optional<json::value>>> multi;
  std::vector<Slot> slots;
  std::size_t pending = 0;
  std::function<void()> finished;

  // A request (or the start guard) is over; the last one finishes the batch.
  void one_done() {
    if (--pending > 0) return;
    slots.clear();
    auto keep = self.lock();
    if (auto f = std::exchange(finished, nullptr)) f();
    if (auto registry = live.lock()) {
      std::lock_guard lock(registry->mutex);
      registry->batches.erase(keep);
    }
  }
};

namespace {

std::chrono::milliseconds bound_of(const json::object* part, std::chrono::seconds fallback) {
  const double seconds = part ? number_at(*part, "timeoutSeconds", 0) : 0;
  if (seconds <= 0) return fallback;
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 200;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "…";
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// OpenAI's JSON-schema mode; the other providers are asked by the prompt alone.
std::optional<json::object> format_for(const chat::ModelSetup& setup, std::string_view name,
                                       const json::value& schema) {
  if (setup.provider != "openai") return std::nullopt;
  return response_format(name, schema);
}

// A model's JSON answer checked against `schema`; a primitive answered as {"key": value}
// (models wrap what they were asked for) is unwrapped first.
Extraction checked(std::string_view text, const json::value& schema) {
  auto value = json_answer(text);
  if (!value) return {std::nullopt, "the model's answer is not JSON: " + excerpt(text), {}};
  auto problems = contract::validate_json_schema(schema, *value);
  if (!problems.empty() && value->is_object() && value->get_object().size() == 1 &&
      schema.is_object() && string_at(schema.get_object(), "type") != "object") {
    auto inner = value->get_object().begin()->value();
    if (contract::validate_json_schema(schema, inner).empty()) return {std::move(inner), "", {}};
  }
  if (!problems.empty())
    return {std::nullopt, "the model's answer does not match the schema: " + joined(problems), {}};
  return {std::move(*value), "", {}};
}

}  // namespace

Analyzer::Analyzer(const chat::Model& model, boost::asio::any_io_executor executor,
                   const Clock& clock)
    : model_(model),
      executor_(std::move(executor)),
      clock_(clock),
      live_(std::make_shared<Live>()) {}

Analyzer::~Analyzer() {
  std::set<std::shared_ptr<Batch>> left;
  {
    std::lock_guard lock(live_->mutex);
    left.swap(live_->batches);
  }
  for (const auto& b : left) {
    b->finished = nullptr;  // what it holds may hold the batch
    b->slots.clear();
  }
}

void apply(json::object& call, const CallAnalysisResult& result, EpochMs now_ms) {
  if (result.analysis) call["analysis"] = *result.analysis;
  if (result.structured_outputs.empty() && result.skipped.empty() && result.scorecards.empty())
    return;
  auto* artifact = object_at(call, "artifact");
  if (!artifact) artifact = &(call["artifact"] = json::object{}).as_object();
  if (!result.structured_outputs.empty() || !result.skipped.empty()) {
    auto* outputs = object_at(*artifact, "structuredOutputs");
    if (!outputs) outputs = &((*artifact)["structuredOutputs"] = json::object{}).as_object();
    for (const auto& [id, value] : result.structured_outputs) (*outputs)[id] = value;
    (*artifact)["structuredOutputsLastUpdatedAt"] = format_iso8601(now_ms);
  }
  if (!result.skipped.empty()) (*artifact)["skippedStructuredOutputs"] = result.skipped;
  if (!result.scorecards.empty()) (*artifact)["scorecards"] = result.scorecards;
}

bool wanted(const CallAnalysisRequest& request) {
  return request.assistant.contains("analysisPlan") || !request.structured_outputs.empty() ||
         !request.scorecards.empty();
}

std::shared_ptr<Analyzer::Batch> Analyzer::begin(CallAnalysisRequest request) const {
  auto batch = std::make_shared<Batch>(boost::asio::make_strand(executor_));
  batch->self = batch;
  batch->live = live_;
  batch->facts = facts_of(request.call, request.assistant);
  batch->label = "call " + std::string(string_at(request.call, "id"));
  batch->request = std::move(request);
  batch->pending = 1;  // the start guard, released once every request has begun
  std::lock_guard lock(live_->mutex);
  live_->batches.insert(batch);
  return batch;
}

void Analyzer::analyse(CallAnalysisRequest request,
                       std::function<void(CallAnalysisResult)> done) const {
  auto batch = begin(std::move(request));
  batch->finished = [weak = batch->self, done = std::move(done)] {
    auto b = weak.lock();
    if (!b) return;
    auto& result = b->result;
    if (b->plan_ran) {
      if (!b->multi.empty()) {
        json::array multi;
        for (auto& [key, value] : b->multi)
          if (value) multi.push_back(json::object{{key, std::move(*value)}});
        b->analysis["structuredDataMulti"] = std::move(multi);
      }
      result.analysis = std::move(b->analysis);
    }
    for (const auto& scorecard : b->request.scorecards)
      result.scorecards[string_at(scorecard, "id")] =
          scorecards::score(scorecard, result.structured_outputs);
    done(std::move(result));
  };
  boost::asio::post(batch->strand, [this, batch] {
    start_plan(batch);
    for (const auto& output : batch->request.structured_outputs) start_output(batch, output);
    batch->one_done();
  });
}

void Analyzer::extract(json::object output, json::object call, json::object assistant,
                       Access access, json::object variables,
                       std::function<void(Extraction)> done) const {
  CallAnalysisRequest request;
  request.call = std::move(call);
  request.assistant = std::move(assistant);
  request.access = std::move(access);
  request.variables = std::move(variables);
  auto batch = begin(std::move(request));
  boost::asio::post(batch->strand,
                    [this, batch, output = std::move(output), done = std::move(done)]() mutable {
                      extract_into(batch, output, std::move(done));
                      batch->one_done();
                    });
}

void Analyzer::start_plan(const std::shared_ptr<Batch>& batch) const {
  const auto& assistant = batch->request.assistant;
  const auto* plan = object_at(assistant, "analysisPlan");
  if (!plan) return;
  const double threshold = number_at(*plan, "minMessagesThreshold", 2);
  if (static_cast<double>(batch->facts.message_count) < threshold) {
    spdlog::info("{}: analysis skipped: {} message(s), fewer than minMessagesThreshold {}",
                 batch->label, batch->facts.message_count, threshold);
    return;
  }
  chat::ModelSetup setup;
  try {
    setup = chat::model_setup(assistant);
  } catch (const std::exception& e) {
    spdlog::warn("{}: analysis skipped: {}", batch->label, e.what());
    return;
  }
  setup.system_messages.clear();
  batch->plan_ran = true;
  const auto& facts = batch->facts;
  const auto weak = batch->self;
  const auto log = [label = batch->label](std::string_view part, const std::string& why) {
    spdlog::warn("{}: analysis: no {}: {}", label, part, why);
  };
  const auto* summary = object_at(*plan, "summaryPlan");
  if (!summary || bool_at(*summary, "enabled", true))
    ask(batch, setup, plan_messages(summary, Part::kSummary, facts), std::nullopt,
        bound_of(summary, kPartTimeout), [weak, log](auto text, std::string error) {
          auto b = weak.lock();
          if (!b) return;
          if (!text || text->empty()) return log("summary", text ? "an empty answer" : error);
          b->analysis["summary"] = *text;
        });
  // Structured data: one plan (structuredData) or a catalog of keyed plans.
  const auto structured = [&](const json::object* part, std::function<void(json::value)> keep,
                              std::string what) {
    const auto* schema = part ? part->if_contains("schema") : nullptr;
    if (!schema) return;
    ask(batch, setup, plan_messages(part, Part::kStructuredData, facts),
        format_for(setup, "structuredData", *schema), bound_of(part, kPartTimeout),
        [schema = *schema, keep = std::move(keep), log, what](auto text, std::string error) {
          if (!text) return log(what, error);
          auto e = checked(*text, schema);
          if (!e.result) return log(what, e.error);
          keep(std::move(*e.result));
        });
  };
  if (const auto* data = object_at(*plan, "structuredDataPlan"); data && bool_at(*data, "enabled"))
    structured(
        data,
        [weak](json::value v) {
          if (auto b = weak.lock()) b->analysis["structuredData"] = std::move(v);
        },
        "structuredData");
  if (const auto* catalog = array_at(*plan, "structuredDataMultiPlan")) {
    for (const auto& entry : *catalog) {
      const auto* e = entry.if_object();
      const auto* part = e ? object_at(*e, "plan") : nullptr;
      if (!part || !bool_at(*part, "enabled", true)) continue;
      const auto index = batch->multi.size();
      batch->multi.emplace_back(std::string(string_at(*e, "key")), std::nullopt);
      structured(
          part,
          [weak, index](json::value v) {
            if (auto b = weak.lock()) b->multi[index].second = std::move(v);
          },
          "structuredDataMulti " + batch->multi.back().first);
    }
  }
  const auto* success = object_at(*plan, "successEvaluationPlan");
  if (!success || bool_at(*success, "enabled", true)) {
    const auto rubric = rubric_of(success);
    ask(batch, setup, plan_messages(success, Part::kSuccessEvaluation, facts), std::nullopt,
        bound_of(success, kPartTimeout), [weak, log, rubric](auto text, std::string error) {
          auto b = weak.lock();
          if (!b) return;
          if (!text) return log("successEvaluation", error);
          auto verdict = success_evaluation(rubric, *text);
          if (!verdict)
            return log("successEvaluation", "the answer \"" + excerpt(*text) +
                                                "\" does not fit the " + rubric + " rubric");
          b->analysis["successEvaluation"] = std::move(*verdict);
        });
  }
}

void Analyzer::start_output(const std::shared_ptr<Batch>& batch, const json::object& output) const {
  const std::string id(string_at(output, "id"));
  const std::string name(string_at(output, "name"));
  extract_into(batch, output, [weak = batch->self, id, name](Extraction e) {
    auto b = weak.lock();
    if (!b) return;
    if (e.skipped) {
      b->result.skipped[id] =
          json::object{{"name", name}, {"unmetCondition", std::move(*e.skipped)}};
    } else if (e.result) {
      b->result.structured_outputs[id] =
          json::object{{"name", name}, {"result", std::move(*e.result)}};
    } else {
      spdlog::warn("{}: structured output {} ({}) not stored: {}", b->label, id, name, e.error);
    }
  });
}

void Analyzer::extract_into(const std::shared_ptr<Batch>& batch, const json::object& output,
                            std::function<void(Extraction)> then) const {
  if (auto unmet = unmet_condition(output, batch->facts))
    return then({std::nullopt, "", std::move(*unmet)});
  const auto* schema_value = output.if_contains("schema");
  const json::value schema = schema_value ? *schema_value : json::value(json::object{});
  if (string_at(output, "type") == "regex") {
    std::string error;
    auto value = regex_output(output, batch->facts.transcript, error);
    if (!value) return then({std::nullopt, std::move(error), {}});
    auto problems = contract::validate_json_schema(schema, *value);
    if (!problems.empty())
      return then(
          {std::nullopt, "the regex's value does not match the schema: " + joined(problems), {}});
    return then({std::move(*value), "", {}});
  }
  // The output's model, else the assistant's, else Vapi's default extraction model.
  chat::ModelSetup setup;
  try {
    if (const auto* model = object_at(output, "model"))
      setup = chat::model_setup(json::object{{"model", *model}});
    else if (batch->request.assistant.contains("model"))
      setup = chat::model_setup(batch->request.assistant);
    else
      setup = chat::model_setup(
          json::object{{"model", json::object{{"provider", "openai"}, {"model", "gpt-4.1"}}}});
  } catch (const std::exception& e) {
    return then({std::nullopt, e.what(), {}});
  }
  setup.system_messages.clear();
  ask(batch, setup, structured_output_messages(output, batch->facts, batch->request.variables),
      format_for(setup, string_at(output, "name"), schema), kOutputTimeout,
      [schema, then = std::move(then)](auto text, std::string error) {
        if (!text) return then({std::nullopt, std::move(error), {}});
        then(checked(*text, schema));
      });
}

void Analyzer::ask(const std::shared_ptr<Batch>& batch, const chat::ModelSetup& setup,
                   json::array messages, std::optional<json::object> format,
                   std::chrono::milliseconds bound, Answer then) const {
  ++batch->pending;
  const auto index = batch->slots.size();
  batch->slots.emplace_back();
  // Settles once, on the strand, whichever comes first: the answer, a failure, the deadline.
  auto settle = std::make_shared<Answer>([weak = batch->self, index, then = std::move(then)](
                                             std::optional<std::string> text, std::string error) {
    auto b = weak.lock();
    if (!b || index >= b->slots.size() || b->slots[index].settled) return;
    auto& slot = b->slots[index];
    slot.settled = true;
    if (slot.exchange) slot.exchange->cancel();
    slot.exchange.reset();
    slot.timer.reset();
    then(std::move(text), std::move(error));
    b->one_done();
  });
  const auto post = [strand = batch->strand, settle](std::optional<std::string> text,
                                                     std::string error) {
    boost::asio::post(strand, [settle, text = std::move(text), error = std::move(error)]() mutable {
      (*settle)(std::move(text), std::move(error));
    });
  };
  llm::CompletionRequest request;
  try {
    const auto access = batch->request.access ? batch->request.access(setup)
                                              : throw std::runtime_error("no model access");
    request.base_url = access.base_url;
    request.api_key = access.api_key;
  } catch (const std::exception& e) {
    return post(std::nullopt, e.what());
  }
  request.provider = setup.provider;
  request.model = setup.model;
  request.messages = std::move(messages);
  request.temperature = setup.temperature;
  request.max_tokens = setup.max_tokens;
  request.response_format = std::move(format);
  request.head_timeout = bound;
  request.idle_timeout = bound;
  llm::StreamCallbacks callbacks;
  callbacks.on_delta = [](std::string_view) { return true; };
  callbacks.on_complete = [post](llm::Completion c) { post(std::move(c.text), ""); };
  callbacks.on_failure = [post](llm::Failure f) { post(std::nullopt, std::move(f.message)); };
  auto& slot = batch->slots[index];
  slot.timer = std::make_unique<net::Timer>(batch->strand, clock_);
  slot.timer->arm_after(bound, [post, bound] {
    post(std::nullopt, "no answer within " + std::to_string(bound.count()) + " ms");
  });
  slot.exchange = model_.stream(std::move(request), std::move(callbacks));
}

}  // namespace sb::analysis
