#include "http/body_stream.hpp"

#include <utility>

namespace sb::http {

bool BodyStream::write(std::string_view chunk) {
  std::function<void()> ready;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_ || closed_) return false;
    if (chunk.empty()) return true;  // nothing for the consumer to wake up for
    pending_.append(chunk);
    ready = std::exchange(ready_, nullptr);
  }
  if (ready) ready();
  return true;
}

void BodyStream::close() {
  std::function<void()> ready;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    ready = std::exchange(ready_, nullptr);
  }
  if (ready) ready();
}

void BodyStream::on_cancel(std::function<void()> f) {
  {
    std::lock_guard lock(mutex_);
    if (!cancelled_) {
      cancel_hook_ = std::move(f);
      return;
    }
  }
  if (f) f();
}

bool BodyStream::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

BodyStream::Batch BodyStream::take() {
  std::lock_guard lock(mutex_);
  Batch batch;
  batch.data = std::exchange(pending_, std::string());
  batch.closed = closed_;
  return batch;
}

void BodyStream::when_ready(std::function<void()> ready) {
  {
    std::lock_guard lock(mutex_);
    if (pending_.empty() && !closed_) {
      ready_ = std::move(ready);
      return;
    }
  }
  if (ready) ready();
}

void BodyStream::cancel() {
  std::function<void()> hook, ready;
  {
    std::lock_guard lock(mutex_);
    // The consumer is done waiting: its callback (which may hold the connection's executor)
    // must not outlive the connection inside a stream the producer still holds.
    ready = std::exchange(ready_, nullptr);
    if (cancelled_ || closed_) return;
    cancelled_ = true;
    pending_.clear();
    hook = std::exchange(cancel_hook_, nullptr);
  }
  if (hook) hook();
}

}  // namespace sb::http
