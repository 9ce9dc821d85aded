#pragma once
// A model and tools that the test drives by hand, with no socket: every stream() and every
// batch of tool calls waits, recorded, until the test answers it. The test plays the
// provider's and the tool server's threads itself; stream() may be called on another thread
// (a storage thread, in the chat service's tests), so the list of exchanges is locked.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/chat/model.hpp"
#include "runtime/chat/tool_runner.hpp"

namespace sb::chat::testing {

class ScriptedExchange final : public ModelExchange {
 public:
  ScriptedExchange(llm::CompletionRequest request, llm::StreamCallbacks callbacks)
      : request(std::move(request)), callbacks_(std::move(callbacks)) {}

  void cancel() override { ++cancels; }

  /// Streams a text delta; the engine's answer (false: stop).
  bool delta(std::string_view text) { return callbacks_.on_delta(text); }
  void complete(std::string text, std::vector<llm::ToolCall> calls = {}) {
    llm::Completion c;
    c.text = std::move(text);
    c.tool_calls = std::move(calls);
    c.usage = {10, 5};
    c.finish_reason = c.tool_calls.empty() ? "stop" : "tool_calls";
    callbacks_.on_complete(std::move(c));
  }
  void fail(ErrorCode code, std::string message, int status = 0) {
    callbacks_.on_failure(llm::Failure{code, std::move(message), status});
  }

  llm::CompletionRequest request;
  int cancels = 0;

 private:
  llm::StreamCallbacks callbacks_;
};

class ScriptedModel final : public Model {
 public:
  std::shared_ptr<ModelExchange> stream(llm::CompletionRequest request,
                                        llm::StreamCallbacks callbacks) const override {
    std::lock_guard lock(mutex_);
    exchanges.push_back(
        std::make_shared<ScriptedExchange>(std::move(request), std::move(callbacks)));
    return exchanges.back();
  }
  ScriptedExchange& last() const {
    std::lock_guard lock(mutex_);
    return *exchanges.back();
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return exchanges.size();
  }

  mutable std::vector<std::shared_ptr<ScriptedExchange>> exchanges;

 private:
  mutable std::mutex mutex_;
};

class ScriptedTools final : public Tools {
 public:
  struct Batch {
    ToolContext context;
    std::vector<ToolInvocation> calls;
    std::function<void(std::vector<ToolOutcome>)> done;
    int cancels = 0;  ///< how often the engine cut the batch
  };
  CancelTools run(const ToolContext& context, std::vector<ToolInvocation> calls,
                  std::function<void(std::vector<ToolOutcome>)> done) const override {
    batches.push_back({context, std::move(calls), std::move(done)});
    return [this, index = batches.size() - 1] { ++batches[index].cancels; };
  }
  /// Answers the last batch: each call's result is `content`.
  void finish(const std::string& content) const {
    std::vector<ToolOutcome> outcomes;
    for (const auto& i : batches.back().calls)
      outcomes.push_back({i.call.id, i.call.name, content, false});
    batches.back().done(std::move(outcomes));
  }

  mutable std::vector<Batch> batches;
};

}  // namespace sb::chat::testing
