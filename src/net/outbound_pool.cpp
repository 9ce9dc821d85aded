#include "net/outbound_pool.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace sb::net {

using Clock = std::chrono::steady_clock;

void OutboundConnection::close() {
  boost::system::error_code ignored;
  socket().close(ignored);
}

// A non-blocking peek finds no byte waiting: a connection the peer closed reads end of file at
// once, and one with unasked bytes (a stray response) is not safe to reuse either.
bool OutboundConnection::still_open() {
  if (buffer.size() != 0 || !socket().is_open()) return false;
  char byte;
  const auto n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::unique_ptr<OutboundConnection> OutboundPool::take(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  const auto now = Clock::now();
  auto& list = it->second;
  while (!list.empty()) {
    // The most recent one: the least likely to have been closed by the peer.
    auto c = std::move(list.back());
    list.pop_back();
    if (now - c->idle_since < expiry_ && c->still_open()) return c;
  }
  return nullptr;
}

void OutboundPool::put(const std::string& key, std::unique_ptr<OutboundConnection> c) {
  c->idle_since = Clock::now();
  std::lock_guard lock(mutex_);
  if (closed_) return;
  auto& list = idle_[key];
  list.push_back(std::move(c));
  if (list.size() > max_per_key_) list.pop_front();
}

void OutboundPool::sweep() {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    while (!list.empty() && now - list.front()->idle_since >= expiry_) list.pop_front();
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

void OutboundPool::close_all() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  idle_.clear();
}

std::size_t OutboundPool::idle_count() {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [key, list] : idle_) n += list.size();
  return n;
}

}  // namespace sb::net
