#include "net/connection_registry.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace sb::net {

using error_code = boost::system::error_code;

bool ConnectionRegistry::admit(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  if (connections_.size() - evictions_pending_ >= max_ && evict_locked(kEvictBatch) == 0) {
    ++refused_;
    return false;
  }
  c->slot = connections_.size();
  connections_.push_back(c);
  return true;
}

bool ConnectionRegistry::withdraw(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex_);
  connections_[c->slot] = std::move(connections_.back());
  connections_[c->slot]->slot = c->slot;
  connections_.pop_back();
  if (c->eviction_pending) --evictions_pending_;
  return closed_ && connections_.empty();
}

std::size_t ConnectionRegistry::evict(std::size_t count) {
  std::lock_guard lock(mutex_);
  return evict_locked(count);
}

std::size_t ConnectionRegistry::evict_locked(std::size_t count) {
  struct Candidate {
    int tier;
    std::int64_t since;
    Connection* conn;
  };
  std::vector<Candidate> candidates;
  for (const auto& c : connections_) {
    if (c->eviction_pending) continue;
    const auto state = c->state.load(std::memory_order_relaxed);
    const Phase phase = Connection::phase_of(state);
    if (is_idle(phase))
      candidates.push_back({0, Connection::since_of(state), c.get()});
    else if (phase == Phase::kHeaders)
      candidates.push_back({1, Connection::since_of(state), c.get()});
  }
  count = std::min(count, candidates.size());
  const auto older = [](const Candidate& a, const Candidate& b) {
    return a.tier != b.tier ? a.tier < b.tier : a.since < b.since;
  };
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count),
                   candidates.end(), older);
  for (std::size_t i = 0; i < count; ++i) {
    auto conn = connections_[candidates[i].conn->slot];
    conn->eviction_pending = true;
    ++evictions_pending_;
    boost::asio::post(conn->socket.get_executor(), [this, conn] {
      if (conn->closed) return;
      const Phase phase = conn->phase();
      if (!is_idle(phase) && phase != Phase::kHeaders) {
        std::lock_guard lock(mutex_);  // it got busy meanwhile: spare it
        conn->eviction_pending = false;
        --evictions_pending_;
        return;
      }
      ++evicted_;
      conn->cut = Cut::kEvicted;
      error_code ignored;
      conn->socket.close(ignored);
    });
  }
  return count;
}

bool ConnectionRegistry::close_all(bool idle_only) {
  std::lock_guard lock(mutex_);
  closed_ = true;
  for (const auto& c : connections_) {
    boost::asio::post(c->socket.get_executor(), [c, idle_only] {
      if (c->closed || (idle_only && !is_idle(c->phase()))) return;
      c->cut = Cut::kShutdown;
      error_code ignored;
      c->socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      c->socket.close(ignored);
    });
  }
  return connections_.empty();
}

void ConnectionRegistry::collect_expired(std::int64_t now,
                                         const std::function<std::int64_t(Phase)>& timeout_ms,
                                         std::vector<std::shared_ptr<Connection>>& due) {
  std::lock_guard lock(mutex_);
  for (const auto& c : connections_) {
    const auto state = c->state.load(std::memory_order_relaxed);
    const auto timeout = timeout_ms(Connection::phase_of(state));
    if (timeout > 0 && Connection::since_of(state) + timeout <= now &&
        !c->expiry_posted.exchange(true, std::memory_order_relaxed))
      due.push_back(c);
  }
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace sb::net
