#pragma once
// A response body produced over time (Server-Sent Events of a streamed chat). The producer
// writes chunks from any thread and finally closes; the networking layer writes each chunk to
// the client as soon as it is there (chunked transfer encoding) and cancels the stream when
// the client goes away, so the producer can stop its own upstream work.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace sb::http {

class BodyStream {
 public:
  BodyStream() = default;
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;

  // Producer side, any thread.

  /// Appends `chunk` for the client. False (and the chunk is dropped) once the stream is
  /// cancelled or closed.
  bool write(std::string_view chunk);
  /// No more chunks. Idempotent.
  void close();
  /// `f` runs once, on any thread, when the client goes away before close() (at once if it
  /// already has). Replaces an earlier callback.
  void on_cancel(std::function<void()> f);
  bool cancelled() const;

  // Consumer side: the networking layer.

  struct Batch {
    std::string data;     ///< every byte written since the last take(), in order
    bool closed = false;  ///< close() was called and `data` holds the last bytes
  };
  Batch take();
  /// `ready` runs once, on any thread, as soon as take() has something (bytes or the close):
  /// at once when it already has. Replaces an earlier callback.
  void when_ready(std::function<void()> ready);
  /// The client is gone: later writes are dropped and the on_cancel callback runs.
  void cancel();

 private:
  mutable std::mutex mutex_;
  std::string pending_;
  bool closed_ = false;
  bool cancelled_ = false;
  std::function<void()> ready_;
  std::function<void()> cancel_hook_;
};

}  // namespace sb::http
