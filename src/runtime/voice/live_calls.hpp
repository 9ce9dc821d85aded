#pragma once
// The registry of live calls: POST /call creates them (checked, the assistant resolved, the
// call stored as queued and registered in one go), the transport's upgrade claims them, and
// each call's sink writes its state and sends its messages. Each call's `monitor` (listenUrl,
// controlUrl) follows the monitorPlan of the assistant it runs, which the registry keeps for
// the monitor's endpoints. `--max-calls` bounds how many are
// live at once. A journal in the data directory names the calls that are live, so calls a
// killed process left behind are ended (with their report) when the server starts again.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "domain/calls/call_monitor.hpp"
#include "domain/calls/voicemail_plan.hpp"
#include "http/message.hpp"
#include "runtime/analysis/call_analysis.hpp"
#include "runtime/chat/conversation_setup.hpp"
#include "runtime/voice/call_metrics.hpp"
#include "runtime/voice/call_recorder.hpp"
#include "runtime/voice/live_call.hpp"

namespace boost::asio {
class io_context;
}
namespace sb::storage {
class Session;
class Store;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::webhooks {
class Deliveries;
}
namespace sb::llm {
struct ProviderSettings;
}
namespace sb::calls {
class RecordingStore;
}

namespace sb::voice {

class CallTransfers;

struct LiveCallsDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& calls;
  chat::ResolverDeps resolver;
  const llm::ProviderSettings& providers;
  webhooks::Deliveries& deliveries;
  std::function<std::optional<boost::json::object>(storage::Session&, std::string_view org_id)>
      org_server;
  const chat::ChatEngine& engine;
  speech::Transcriber& transcriber;
  speech::Voice& voice;
  boost::asio::io_context& io;  ///< calls run on strands of it
  std::function<std::string()> public_url;
  std::string journal_dir;  ///< "" keeps no journal (unit tests)
  std::size_t max_calls = 1000;
  LiveCallOptions options = {};
  const Clock& clock = system_clock();
  /// Where recordings go (DATA_DIR/recordings); none: calls are not recorded.
  const calls::RecordingStore* recordings = nullptr;
  /// Phone numbers, for an inbound call's number: its server comes between the assistant's
  /// and the org's, and its messages name it. None: calls have no number (unit tests).
  const resources::ResourceSpec* phone_numbers = nullptr;
  /// Moves phone calls to transfer destinations; none: transfers are not available.
  CallTransfers* transfers = nullptr;
  /// Structured outputs and scorecards, which an assistant's artifactPlan names for the
  /// analysis after its calls (docs/analysis.md). None: only inline ones are used.
  const resources::ResourceSpec* structured_outputs = nullptr;
  const resources::ResourceSpec* scorecards = nullptr;
  /// This instance's id (DATA_DIR/instance-id): a live call's owner row names it from the write
  /// that makes the call live to the one that stores its end (storage/instance_repository.hpp).
  /// "": no owner rows (unit tests).
  std::string instance_id = {};
};

class LiveCalls {
 public:
  explicit LiveCalls(LiveCallsDeps deps);
  ~LiveCalls();

  /// POST /call with the vapi.websocket transport: `done` gets the stored Call (201) or the
  /// error (400 for what the request combines or a language no engine speaks, 404 for an
  /// assistant or squad that does not exist, 429 over max_calls, 503 while draining).
  void create(std::string org_id, boost::json::object body,
              std::function<void(std::exception_ptr, boost::json::object)> done);
  /// POST /call for another kind of call (a phone call dialled out): as create(), but `build`
  /// makes its document (status queued) from the new id, the org and the request, on the
  /// writer; `check` decides whether its transport's handshake is the provider's. `done` gets
  /// the stored Call once it is live, waiting for its transport.
  using ConnectCheck = std::function<bool(const http::Request& head)>;
  using Build = std::function<boost::json::object(const std::string& id, const std::string& org_id,
                                                  const boost::json::object& request)>;
  void create_with(std::string org_id, boost::json::object body, Build build, ConnectCheck check,
                   std::function<void(std::exception_ptr, boost::json::object)> done);
  /// The stored call `id` goes live as create_with's does, keeping its id (a scheduled call at
  /// its time): the write that stores it live claims it, reading it and building from it (the
  /// request it keeps) only while its stored status is `from_status`; otherwise (it was deleted,
  /// or claimed already) nothing changes and `done` gets a 409.
  void resume_with(std::string org_id, std::string id, std::string from_status, Build build,
                   ConnectCheck check,
                   std::function<void(std::exception_ptr, boost::json::object)> done);
  /// A call a provider's webhook routed to an assistant (status in-progress), waiting for its
  /// media stream: registered like a created one. `check` decides whether a stream's handshake
  /// is the provider's (its signature). `ready` runs once the call can take its stream (or has
  /// been ended because it cannot run): the provider may be told where to connect then.
  void adopt(boost::json::object call, ConnectCheck check, std::function<void()> ready);

  enum class Claim { kClaimed, kUnknown, kTaken, kRefused };
  /// Claims the live call `id` for its one transport connection, `head` being the upgrade
  /// request: kUnknown for a call not live here, kTaken when already connected, kRefused when
  /// its ConnectCheck says no.
  std::pair<Claim, std::shared_ptr<LiveCall>> claim(std::string_view id, const http::Request& head);
  /// Ends the live call `id` with `ended_reason` (first end wins); false when it is not live
  /// here. `stored`, when given, runs once the call's end has been stored (any thread), so a
  /// caller can answer only when a read would show it.
  bool end(std::string_view id, const std::string& ended_reason,
           std::function<void()> stored = nullptr);
  /// Runs `then` with the ended call's document once the live call `id` has ended and its end
  /// is stored (any thread); false, and nothing runs, when it is not live here.
  bool when_ended(std::string_view id, std::function<void(const boost::json::object&)> then);
  /// What the provider of the live call `id` says before its media connects
  /// (LiveCall::progress); false when it is not live here.
  bool progress(std::string_view id, boost::json::object fields, std::string status);
  /// A control message (monitor.controlUrl: say, add-message, control, end-call, handoff) for
  /// the live call `id`; false when it is not live here. Throws ApiError (400) for a handoff to
  /// an assistant that is not a member of the call's squad.
  bool control(std::string_view id, boost::json::object message);
  /// What monitor.listenUrl and monitor.controlUrl need of a live call.
  struct Monitored {
    std::shared_ptr<LiveCall> call;
    std::string org_id;
    calls::MonitorPlan plan;  ///< of the assistant the call runs (a squad's first member)
  };
  /// The live call `id`, when it is live here and has not ended.
  std::optional<Monitored> monitored(std::string_view id) const;
  /// The carrier voicemail detection the live call `id`'s assistant asks for (a squad's first
  /// member), if any.
  std::optional<calls::VoicemailPlan> voicemail_plan(std::string_view id) const;
  /// A machine answered the live call `id` (LiveCall::voicemail_reached); false when it is not
  /// live here.
  bool voicemail_reached(std::string_view id);
  /// Whether the call `id` is in this instance's registry (live here, or ending).
  bool has(std::string_view id) const;
  /// The live state of a call, when it is live here.
  std::optional<boost::json::object> snapshot(std::string_view id) const;
  /// Ends the calls a previous process left live (journal), with `ended_reason`.
  void recover(const std::string& ended_reason);
  /// Ends a stored call that is not live here (left by a killed process, never started, or
  /// scheduled and not dialled), sending its status-update and end-of-call-report; with
  /// `only_status`, only while its stored status is that. A scheduled call ends only when
  /// `only_status` is "scheduled".
  void end_stored(const std::string& org, const std::string& id, const std::string& reason,
                  std::string only_status = "");
  /// end_stored() inside the caller's write `s`; false when the call was not ended by it
  /// (ended already, or not in `only_status`).
  bool end_stored_in(storage::Session& s, const std::string& org, const std::string& id,
                     const std::string& reason, const std::string& only_status = "") const;
  /// Refuses new calls, lets live ones run for `grace`, then ends the rest with
  /// "worker-shutdown" and waits (bounded) for their end to be stored.
  void drain(std::chrono::milliseconds grace);
  std::size_t live() const;
  /// Whether a new call would be refused now (draining, or at max_calls): a SIP INVITE is
  /// then turned away before it is routed.
  bool full() const;
  const CallMetrics& metrics() const { return metrics_; }

 private:
  class Sink;
  struct Prepared;
  struct Entry {
    std::shared_ptr<LiveCall> call;
    ConnectCheck check;
    /// Run once its end is stored, with the ended call.
    std::vector<std::function<void(const boost::json::object&)>> on_stored;
    std::string org_id;
    calls::MonitorPlan plan;
    std::optional<calls::VoicemailPlan> voicemail;
  };
  /// Resolves what a call runs (assistant or squad of `holder`, keys, server) and checks its
  /// speech engines. Throws ApiError.
  void prepare(storage::Session& s, const std::string& org_id, const boost::json::object& holder,
               Prepared& out) const;
  void start(const std::string& id, Prepared& prepared, ConnectCheck check);
  bool reserve(std::function<void(std::exception_ptr, boost::json::object)>& done);
  void release();
  void forget(const std::string& id);
  /// What a call is built from, read in the write that stores it live.
  using Take = std::function<boost::json::object(storage::Session&)>;
  void go_live(std::string org_id, std::string id, Take take, bool replace, Build build,
               ConnectCheck check,
               std::function<void(std::exception_ptr, boost::json::object)> done);
  void send_stored_status(storage::Session& s, const std::string& org,
                          const boost::json::object& call, std::int64_t now) const;
  boost::json::object stored_assistant(storage::Session& s, const std::string& org,
                                       const boost::json::object& call) const;
  /// The call's phone number ({} when it has none, or it was deleted since).
  boost::json::object stored_number(storage::Session& s, const std::string& org,
                                    const boost::json::object& call) const;
  /// Records this instance as the owner of the call `id`, in the write `s` making it live.
  void own(storage::Session& s, const std::string& org_id, const std::string& id) const;
  void journal_add(const std::string& org_id, const std::string& id) const;
  void journal_remove(const std::string& id) const;
  /// What the analysis after a call of `assistant` runs (live_calls_analysis.cpp): its
  /// analysisPlan, the structured outputs and scorecards of its artifactPlan, the org's keys
  /// for their models. A structured output or scorecard that no longer exists is left out.
  analysis::CallAnalysisRequest analysis_request(storage::Session& s, const std::string& org_id,
                                                 const boost::json::object& assistant,
                                                 const boost::json::object& holder,
                                                 std::map<std::string, std::string> keys) const;
  bool draining() const;

  LiveCallsDeps deps_;
  /// The recordings' disk thread (shared with the recorders, which may outlive the registry
  /// by a handler or two); no disk when there is no store.
  RecordingSetup recording_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> calls_;
  std::size_t reserved_ = 0;  ///< creations in flight, counted against max_calls
  bool draining_ = false;
  CallMetrics metrics_;
  std::condition_variable all_ended_;
  /// After each call (Sink::ended): on the calls' context, never on a call's strand.
  analysis::Analyzer analyzer_;
};

}  // namespace sb::voice
