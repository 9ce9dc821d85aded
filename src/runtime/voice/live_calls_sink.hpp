#pragma once
// Private to the live-call registry (live_calls.cpp): one call's way to storage and to its
// server. Not for other includes.

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/voice/live_calls.hpp"
#include "storage/analytics_repository.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::voice {

// Durable messages go through the outbox with the call's writes; the others through a lane that
// sends one at a time, in order, and drops the oldest when a slow server lets them pile up.
class LiveCalls::Sink final : public CallSink,
                              public std::enable_shared_from_this<LiveCalls::Sink> {
 public:
  Sink(LiveCalls& owner, std::string org_id, std::string call_id,
       std::optional<webhooks::Destination> to, analysis::CallAnalysisRequest analysis);

  void status_changed(const boost::json::object& call,
                      std::optional<boost::json::object> status_update) override;
  void notify(boost::json::object message) override;
  /// Kept until the call's next write, which stores them; a full batch goes on its own.
  void event(std::string_view type, boost::json::object data) override;
  // A call that ran (it has an artifact) is analysed first (docs/analysis.md): its end is
  // stored, and its report sent, once the analysis is done — each model request bounded — or
  // at once while the server drains.
  void ended(const boost::json::object& call, std::optional<boost::json::object> status_update,
             std::optional<boost::json::object> report) override;
  void ask(boost::json::object message, const boost::json::object* server,
           std::chrono::milliseconds deadline,
           std::function<void(std::optional<boost::json::object>)> answer) override;

  // The call's end is stored (or failed to be): the registry lets it go.
  std::function<void()> on_ended;

 private:
  using RecordingFiles = std::vector<std::pair<std::string, std::string>>;

  void store_end(const boost::json::object& call, std::optional<boost::json::object> status_update,
                 std::optional<boost::json::object> report);
  void write(const boost::json::object& call, std::vector<boost::json::object> messages, bool last,
             std::shared_ptr<const RecordingFiles> recording_files = nullptr);
  std::shared_ptr<const std::vector<storage::CallEvent>> take_events_locked();
  void send_next_locked();

  LiveCalls& owner_;
  std::string org_id_;
  std::string call_id_;
  std::optional<webhooks::Destination> to_;
  analysis::CallAnalysisRequest analysis_;
  std::mutex mutex_;
  std::deque<boost::json::object> lane_;
  bool sending_ = false;
  std::mutex events_mutex_;
  std::vector<storage::CallEvent> events_;  ///< not yet handed to a write; < the batch size
};

// The registry's handle on a Sink: LiveCall owns a unique_ptr, the Sink is shared with its
// writes still in flight.
class SinkHandle final : public CallSink {
 public:
  explicit SinkHandle(std::shared_ptr<CallSink> sink) : sink_(std::move(sink)) {}
  void status_changed(const boost::json::object& call,
                      std::optional<boost::json::object> m) override {
    sink_->status_changed(call, std::move(m));
  }
  void notify(boost::json::object m) override { sink_->notify(std::move(m)); }
  void event(std::string_view type, boost::json::object data) override {
    sink_->event(type, std::move(data));
  }
  void ended(const boost::json::object& call, std::optional<boost::json::object> s,
             std::optional<boost::json::object> r) override {
    sink_->ended(call, std::move(s), std::move(r));
  }
  void ask(boost::json::object m, const boost::json::object* server,
           std::chrono::milliseconds deadline,
           std::function<void(std::optional<boost::json::object>)> answer) override {
    sink_->ask(std::move(m), server, deadline, std::move(answer));
  }

 private:
  std::shared_ptr<CallSink> sink_;
};

}  // namespace sb::voice
