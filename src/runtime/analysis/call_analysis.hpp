#pragma once
// Post-call analysis (docs/analysis.md): after a call ends, the model is asked — in parallel,
// each request bounded — for the parts of the assistant's analysisPlan (summary, structured
// data, structured data multi, success evaluation under its rubric) and for each structured
// output of its artifactPlan; answers are checked (a JSON answer against its schema with the
// contract's engine, a verdict against its rubric) and only valid ones kept. The scorecards
// are then scored from the structured outputs. Everything runs on a strand of the executor
// given (never a call's): model answers and deadlines are posted to it.
//
// Also the one extraction POST /structured-output/run asks for.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "runtime/chat/chat_engine.hpp"

namespace sb::analysis {

using Access = std::function<chat::ModelAccess(const chat::ModelSetup&)>;

struct CallAnalysisRequest {
  boost::json::object call;       ///< the ended call (artifact, endedReason, times)
  boost::json::object assistant;  ///< whose analysisPlan and model apply
  /// Structured outputs to extract, each with its `id` (saved, or given at the call's start
  /// for a transient one).
  std::vector<boost::json::object> structured_outputs;
  /// Scorecards to score, each with its `id` (likewise).
  std::vector<boost::json::object> scorecards;
  Access access;
  boost::json::object variables;  ///< the call's variableValues, for structured outputs' prompts
};

struct CallAnalysisResult {
  std::optional<boost::json::object> analysis;  ///< call.analysis; none when no part ran
  boost::json::object structured_outputs;       ///< id → {name, result}
  boost::json::object skipped;                  ///< id → {name, unmetCondition}
  boost::json::object scorecards;               ///< id → {name, score, scoreNormalized, ...}
};

/// Writes `result` into a call document: analysis, and artifact.structuredOutputs,
/// skippedStructuredOutputs, scorecards and structuredOutputsLastUpdatedAt (`now_ms`) where
/// there are any.
void apply(boost::json::object& call, const CallAnalysisResult& result, EpochMs now_ms);

/// Whether `request` has anything to do: the assistant has an analysisPlan, or there are
/// structured outputs to extract or scorecards to score.
bool wanted(const CallAnalysisRequest& request);

/// One structured output's value from one call, or why there is none.
struct Extraction {
  std::optional<boost::json::value> result;
  std::string error;  ///< why there is no result ("" when there is one, or it was skipped)
  std::optional<boost::json::object> skipped;  ///< the condition that gated it
};

class Analyzer {
 public:
  /// The default bound of one model request: analysisPlan parts' timeoutSeconds default.
  static constexpr std::chrono::seconds kPartTimeout{5};
  /// The bound of one structured output's extraction (the schema gives it no timeout).
  static constexpr std::chrono::seconds kOutputTimeout{10};

  Analyzer(const chat::Model& model, boost::asio::any_io_executor executor,
           const Clock& clock = system_clock());
  /// Batches still waiting are dropped (their callbacks never run).
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Runs every part of `request`; `done` gets what was produced, once, on the analyzer's
  /// strand, at most the longest part's bound after the call (parts that failed or timed out
  /// are missing from it, and logged).
  void analyse(CallAnalysisRequest request, std::function<void(CallAnalysisResult)> done) const;

  /// Extracts `output` (a structured output) from `call`, which ran `assistant` (the model
  /// used when the output names none; {} for none: openai gpt-4.1). `done` runs once, on the
  /// analyzer's strand. A skipped output (conditions) is not an error: `skipped` says why.
  void extract(boost::json::object output, boost::json::object call, boost::json::object assistant,
               Access access, boost::json::object variables,
               std::function<void(Extraction)> done) const;

 private:
  struct Batch;
  using Answer = std::function<void(std::optional<std::string> text, std::string error)>;
  void ask(const std::shared_ptr<Batch>& batch, const chat::ModelSetup& setup,
           boost::json::array messages, std::optional<boost::json::object> format,
           std::chrono::milliseconds bound, Answer then) const;
  void start_plan(const std::shared_ptr<Batch>& batch) const;
  void start_output(const std::shared_ptr<Batch>& batch, const boost::json::object& output) const;
  void extract_into(const std::shared_ptr<Batch>& batch, const boost::json::object& output,
                    std::function<void(Extraction)> then) const;

  std::shared_ptr<Batch> begin(CallAnalysisRequest request) const;

  const chat::Model& model_;
  boost::asio::any_io_executor executor_;
  const Clock& clock_;
  /// The batches in flight own themselves through this set (their callbacks hold them weakly),
  /// so a batch whose callbacks never come (the context stopped) is freed with the analyzer.
  struct Live;
  std::shared_ptr<Live> live_;
};

}  // namespace sb::analysis
