#include "runtime/voice/transfer_whispers.hpp"

#include <algorithm>

#include "core/ids.hpp"

namespace sb::voice {

std::string TransferWhispers::add(TransferWhisper whisper) {
  auto token = random_hex(16);
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (kept_.size() >= kMaxKept) {
    auto oldest = std::min_element(kept_.begin(), kept_.end(), [](const auto& a, const auto& b) {
      return a.second.order < b.second.order;
    });
    kept_.erase(oldest);
  }
  kept_[token] =
      Kept{std::make_shared<const TransferWhisper>(std::move(whisper)), now + kLifetime, ++added_};
  return token;
}

std::shared_ptr<const TransferWhisper> TransferWhispers::find(std::string_view token) const {
  std::lock_guard lock(mutex_);
  auto it = kept_.find(token);
  if (it == kept_.end() || clock_.steady_now() >= it->second.expires) return nullptr;
  return it->second.whisper;
}

void TransferWhispers::drop_expired(Clock::SteadyTime now) {
  std::erase_if(kept_, [now](const auto& kept) { return now >= kept.second.expires; });
}

}  // namespace sb::voice
