#pragma once
// The model the conversation engine talks to, behind an interface so that tests script it
// with no socket and a host may put something else in front of the providers. LlmModel is
// the real one, over llm::LlmClient.

#include <memory>

#include "runtime/llm/llm_client.hpp"

namespace sb::chat {

/// One completion in flight.
class ModelExchange {
 public:
  virtual ~ModelExchange() = default;
  /// Asks the exchange to stop. Idempotent, any thread, never blocks. Its callbacks may still
  /// run afterwards (at most once more, as a completion or a failure): the caller ignores them.
  virtual void cancel() = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  /// Starts one completion. Exactly one of on_complete / on_failure runs, once, on any thread,
  /// possibly before stream() returns. Never throws.
  virtual std::shared_ptr<ModelExchange> stream(llm::CompletionRequest request,
                                                llm::StreamCallbacks callbacks) const = 0;
};

/// The providers, through llm::LlmClient. cancel() cuts the upstream HTTP exchange at once,
/// at whatever step it is in (connecting, waiting for the head, streaming); its end
/// ("cancelled") still reaches on_failure, which the engine no longer listens to.
class LlmModel final : public Model {
 public:
  explicit LlmModel(const llm::LlmClient& client) : client_(client) {}
  std::shared_ptr<ModelExchange> stream(llm::CompletionRequest request,
                                        llm::StreamCallbacks callbacks) const override;

 private:
  const llm::LlmClient& client_;
};

}  // namespace sb::chat
