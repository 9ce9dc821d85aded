#include "storage/change_feed.hpp"

#include <algorithm>
#include <utility>

namespace sb::storage {

ChangeFeed::Subscription& ChangeFeed::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    feed_ = std::exchange(other.feed_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void ChangeFeed::Subscription::reset() {
  if (feed_) feed_->unsubscribe(id_);
  feed_ = nullptr;
}

ChangeFeed::Subscription ChangeFeed::subscribe(Listener listener) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  listeners_.emplace_back(id, std::move(listener));
  return Subscription(this, id);
}

void ChangeFeed::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
}

// The lock is held while listeners run, so a listener is never called after its
// Subscription is gone; listeners only touch in-memory state and never subscribe.
void ChangeFeed::publish(const ResourceChange& change) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, listener] : listeners_) listener(change);
}

}  // namespace sb::storage
