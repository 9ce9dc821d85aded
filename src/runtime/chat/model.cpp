#include "runtime/chat/model.hpp"

#include <mutex>
#include <utility>

namespace sb::chat {
namespace {

// The exchange's cancel may be asked for before LlmClient::stream() has returned the means
// to cut it; it is then cut as soon as it has.
class LlmExchange final : public ModelExchange {
 public:
  void cancel() override {
    llm::CancelStream cut;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      cut = std::exchange(cut_, nullptr);
    }
    if (cut) cut();
  }
  void started(llm::CancelStream cut) {
    {
      std::lock_guard lock(mutex_);
      if (!cancelled_) {
        cut_ = std::move(cut);
        return;
      }
    }
    if (cut) cut();
  }
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

 private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  llm::CancelStream cut_;
};

}  // namespace

std::shared_ptr<ModelExchange> LlmModel::stream(llm::CompletionRequest request,
                                                llm::StreamCallbacks callbacks) const {
  auto exchange = std::make_shared<LlmExchange>();
  // A delta that was already on its way when the exchange was cut is not passed on.
  callbacks.on_delta = [exchange, on_delta = std::move(callbacks.on_delta)](std::string_view t) {
    return !exchange->cancelled() && on_delta(t);
  };
  exchange->started(client_.stream(std::move(request), std::move(callbacks)));
  return exchange;
}

}  // namespace sb::chat
