#pragma once
// POST /structured-output/run (docs/analysis.md): a saved structured output (structuredOutputId)
// or a transient one (structuredOutput) extracted from stored calls by the Analyzer. With
// previewEnabled, from exactly one call, answered and not stored:
// {"<output id>": {name, result}} or {"skipped": {"<output id>": {name, unmetCondition}}}; a
// model answer that fails (not JSON, not the schema's shape, no answer) is a 502 naming why.
// Otherwise from up to 100 calls, each valid result stored on its call's
// artifact.structuredOutputs["<output id>"] (a transient output gets a fresh id) and the
// answer {"message"} says how many were stored and why the others were not. The saved scorecards
// in a changed call's artifact.scorecards are scored again from its outputs.

#include <exception>
#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/analysis/call_analysis.hpp"
#include "runtime/chat/conversation_setup.hpp"

namespace sb::storage {
class Store;
}
namespace sb::llm {
class ProviderSettings;
}

namespace sb::analysis {

struct StructuredOutputRunDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& structured_outputs;
  const resources::ResourceSpec& calls;
  /// The scorecards a call was scored by are scored again from its new outputs.
  const resources::ResourceSpec& scorecards;
  chat::ResolverDeps resolver;  ///< assistants (a call's model) and credentials (its keys)
  const llm::ProviderSettings& providers;
  const Clock& clock = system_clock();
};

/// Most calls one non-preview run takes (StructuredOutputRunDTO.callIds).
inline constexpr std::size_t kMaxRunCalls = 100;

class StructuredOutputRuns {
 public:
  /// `analyzer` extracts; it must outlive the runs in flight.
  StructuredOutputRuns(StructuredOutputRunDeps deps, const Analyzer& analyzer)
      : deps_(std::move(deps)), analyzer_(analyzer) {}
  /// Runs `body` (a StructuredOutputRunDTO the contract has checked) in `org_id`. `done` gets
  /// the answer, or the error: ApiError 400 (neither or both of structuredOutputId and
  /// structuredOutput; callIds empty, over 100, or not exactly 1 with previewEnabled), 404 (an
  /// output or call not in the org), 502 (a preview whose extraction failed). Once, any thread.
  void run(std::string org_id, boost::json::object body,
           std::function<void(std::exception_ptr, boost::json::object)> done) const;

 private:
  struct Run;
  void extract_all(std::shared_ptr<Run> run) const;
  void store(std::shared_ptr<Run> run) const;

  StructuredOutputRunDeps deps_;
  const Analyzer& analyzer_;
};

}  // namespace sb::analysis
