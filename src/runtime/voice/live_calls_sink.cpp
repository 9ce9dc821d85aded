#include "runtime/voice/live_calls_sink.hpp"

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "domain/calls/recording_store.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/analytics_repository.hpp"
#include "storage/instance_repository.hpp"
#include "storage/store.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// Best-effort messages waiting for their server, per call, at most; the oldest go first when a
// slow server lets more pile up (a transcript from ten seconds ago is worth less than memory).
constexpr std::size_t kLaneLimit = 256;
constexpr std::chrono::milliseconds kLaneDeadline{10'000};
// A call's events wait for its next write; this many go to storage on their own.
constexpr std::size_t kEventBatch = 256;

}  // namespace

LiveCalls::Sink::Sink(LiveCalls& owner, std::string org_id, std::string call_id,
                      std::optional<webhooks::Destination> to,
                      analysis::CallAnalysisRequest analysis)
    : owner_(owner),
      org_id_(std::move(org_id)),
      call_id_(std::move(call_id)),
      to_(std::move(to)),
      analysis_(std::move(analysis)) {}

void LiveCalls::Sink::status_changed(const json::object& call,
                                     std::optional<json::object> status_update) {
  std::vector<json::object> messages;
  if (status_update) messages.push_back(std::move(*status_update));
  write(call, std::move(messages), false);
}

void LiveCalls::Sink::notify(json::object message) {
  if (!to_) return;
  std::lock_guard lock(mutex_);
  if (lane_.size() >= kLaneLimit) lane_.pop_front();
  lane_.push_back(std::move(message));
  if (!sending_) send_next_locked();
}

void LiveCalls::Sink::event(std::string_view type, json::object data) {
  storage::CallEvent e{std::string(type), owner_.deps_.clock.wall_ms(), json_text(data)};
  std::shared_ptr<const std::vector<storage::CallEvent>> batch;
  {
    std::lock_guard lock(events_mutex_);
    events_.push_back(std::move(e));
    if (events_.size() < kEventBatch) return;
    batch = take_events_locked();
  }
  owner_.deps_.store.post_write(
      [events = std::move(batch), keep = shared_from_this()](storage::Session& s) {
        s.analytics().record_call_events(keep->org_id_, keep->call_id_, *events);
      },
      [id = call_id_](std::exception_ptr error) {
        if (error) spdlog::error("call {}: storing its events failed", id);
      });
}

void LiveCalls::Sink::ended(const json::object& call, std::optional<json::object> status_update,
                            std::optional<json::object> report) {
  if (!call.contains("artifact") || !analysis::wanted(analysis_) || owner_.draining())
    return store_end(call, std::move(status_update), std::move(report));
  auto request = std::move(analysis_);
  request.call = call;
  owner_.analyzer_.analyse(std::move(request),
                           [self = shared_from_this(), call = json::object(call),
                            status_update = std::move(status_update), report = std::move(report)](
                               analysis::CallAnalysisResult result) mutable {
                             analysis::apply(call, result, self->owner_.deps_.clock.wall_ms());
                             if (report) {
                               if (const auto* a = call.if_contains("analysis"))
                                 (*report)["analysis"] = *a;
                               (*report)["artifact"] = call.at("artifact");
                               if (report->contains("call")) (*report)["call"] = call;
                             }
                             self->store_end(call, std::move(status_update), std::move(report));
                           });
}

void LiveCalls::Sink::store_end(const json::object& call, std::optional<json::object> status_update,
                                std::optional<json::object> report) {
  std::vector<json::object> messages;
  if (status_update) messages.push_back(std::move(*status_update));
  if (report) messages.push_back(std::move(*report));
  const auto& disk = owner_.recording_.disk;
  if (!disk) return write(call, std::move(messages), true);
  // Stored (its URLs published) once the disk has finished its recording's files; when
  // recordings are kept in the database, with their bytes (read here, on the disk's thread).
  disk->after_queued([call, messages = std::move(messages), self = shared_from_this()]() mutable {
    const auto* recordings = self->owner_.recording_.store;
    std::shared_ptr<const RecordingFiles> files;
    if (recordings && recordings->in_database())
      files = std::make_shared<const RecordingFiles>(recordings->read_call_files(call));
    self->write(call, std::move(messages), true, std::move(files));
  });
}

void LiveCalls::Sink::ask(json::object message, const json::object* server,
                          std::chrono::milliseconds deadline,
                          std::function<void(std::optional<json::object>)> answer) {
  auto to = to_;
  if (server && !string_at(*server, "url").empty()) to = webhooks::Destination{org_id_, *server};
  if (!to) return answer(std::nullopt);
  owner_.deps_.deliveries.request(std::move(*to), std::move(message), deadline,
                                  [answer = std::move(answer)](webhooks::Reply reply) {
                                    if (!reply.ok || !reply.body.is_object())
                                      return answer(std::nullopt);
                                    answer(std::move(reply.body.as_object()));
                                  });
}

void LiveCalls::Sink::write(const json::object& call, std::vector<json::object> messages, bool last,
                            std::shared_ptr<const RecordingFiles> recording_files) {
  auto& deps = owner_.deps_;
  std::shared_ptr<const std::vector<storage::CallEvent>> events;
  {
    std::lock_guard lock(events_mutex_);
    events = take_events_locked();
  }
  deps.store.post_write(
      [this, call, messages = std::move(messages), recording_files, last, events,
       keep = shared_from_this()](storage::Session& s) {
        if (recording_files && !recording_files->empty())
          owner_.recording_.store->keep_in_database(s, *recording_files);
        const auto& spec = owner_.deps_.calls;
        // PATCH /call/{id} may rename a live call meanwhile: the name is the API's, the rest
        // the call's.
        const auto stored = owner_.deps_.service.load(s, spec, org_id_, string_at(call, "id"));
        auto document = call;
        if (const auto* name = stored.if_contains("name")) document["name"] = *name;
        owner_.deps_.service.replace_document(s, spec, std::move(document));
        s.analytics().record_call_events(org_id_, call_id_, *events);
        if (last && !owner_.deps_.instance_id.empty())
          s.instances().disown_call(string_at(call, "id"));
        if (!to_) return;
        const std::string stream(string_at(call, "id"));
        for (const auto& m : messages)
          owner_.deps_.deliveries.enqueue(s, *to_, stream, json::object{m});
      },
      [last, keep = shared_from_this(),
       id = std::string(string_at(call, "id"))](std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::error("call {}: storing its state failed: {}", id, e.what());
          }
        }
        if (last && keep->on_ended) keep->on_ended();
      });
}

std::shared_ptr<const std::vector<storage::CallEvent>> LiveCalls::Sink::take_events_locked() {
  return std::make_shared<const std::vector<storage::CallEvent>>(std::exchange(events_, {}));
}

void LiveCalls::Sink::send_next_locked() {
  if (lane_.empty()) {
    sending_ = false;
    return;
  }
  sending_ = true;
  auto message = std::move(lane_.front());
  lane_.pop_front();
  owner_.deps_.deliveries.request(*to_, std::move(message), kLaneDeadline,
                                  [self = shared_from_this()](webhooks::Reply) {
                                    std::lock_guard lock(self->mutex_);
                                    self->send_next_locked();
                                  });
}

}  // namespace sb::voice
