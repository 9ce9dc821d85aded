#include "runtime/chat/model.hpp"

#include <atomic>
#include <utility>

namespace sb::chat {
namespace {

class LlmExchange final : public ModelExchange {
 public:
  void cancel() override { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace

std::shared_ptr<ModelExchange> LlmModel::stream(llm::CompletionRequest request,
                                                llm::StreamCallbacks callbacks) const {
  auto exchange = std::make_shared<LlmExchange>();
  // A false from on_delta is LlmClient's way to stop the upstream exchange.
  callbacks.on_delta = [exchange, on_delta = std::move(callbacks.on_delta)](std::string_view t) {
    return !exchange->cancelled() && on_delta(t);
  };
  client_.stream(std::move(request), std::move(callbacks));
  return exchange;
}

}  // namespace sb::chat
