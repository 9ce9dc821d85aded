#pragma once
// One live call: the pipeline from the caller's audio to the assistant's and back, on the
// call's own strand. Customer audio → voice activity → the transcriber → endpointing → the
// conversation engine (the chats' resolver, tools and handoffs) → chunks → the voice → paced
// frames → the transport. Barge-in cuts the answer (audio, model, synthesis) and keeps only what
// the caller heard of it. The call alone changes its state; what it decides reaches storage and
// the customer's server through its CallSink, exactly once for the end.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/voice/call_transport.hpp"

namespace sb::net {
class WebSocket;
class WebSocketHandler;
}  // namespace sb::net
namespace sb::speech {
class Transcriber;
class Voice;
}  // namespace sb::speech

namespace sb::voice {

/// Where a call's state and messages go: the registry binds one to each call (its storage, its
/// server). Called on the call's strand.
class CallSink {
 public:
  virtual ~CallSink() = default;
  /// The call changed status (in-progress): store it; `status_update` goes out durably (null
  /// when serverMessages does not want it).
  virtual void status_changed(const boost::json::object& call,
                              std::optional<boost::json::object> status_update) = 0;
  /// A message the assistant's serverMessages asked for that need not survive a crash
  /// (transcripts, speech and conversation updates): sent in order, best effort, not stored.
  virtual void notify(boost::json::object message) = 0;
  /// The call ended: store it; the status-update and the end-of-call-report go out durably
  /// (each only when serverMessages wants it: null otherwise). Called once.
  virtual void ended(const boost::json::object& call,
                     std::optional<boost::json::object> status_update,
                     std::optional<boost::json::object> report) = 0;
  /// Something happened in the call (`type` one of calls/call_events.hpp's, `data` the fields
  /// its insight filters read): kept for the insights' events table and stored with the call's
  /// writes, never written from here. Default: not kept.
  virtual void event(std::string_view type, boost::json::object data) {
    (void)type;
    (void)data;
  }
  /// Asks a server now (one attempt within `deadline`): `server` when it names a url, else the
  /// call's. `answer` gets the reply's JSON object, or null when there was none; once, on any
  /// thread.
  virtual void ask(boost::json::object message, const boost::json::object* server,
                   std::chrono::milliseconds deadline,
                   std::function<void(std::optional<boost::json::object>)> answer) = 0;
};

struct CallMetrics;
struct RecordingSetup;
class CallTransfers;

struct LiveCallServices {
  const Clock& clock;
  const chat::ChatEngine& engine;
  speech::Transcriber& transcriber;
  speech::Voice& voice;
  CallMetrics* metrics = nullptr;  ///< none in unit tests
  /// Where calls' recordings go; none: calls are not recorded.
  const RecordingSetup* recording = nullptr;
  /// Moves phone calls to a transfer destination; none: transfers are not available.
  CallTransfers* transfers = nullptr;
};

struct LiveCallOptions {
  /// A call whose transport never connects ends after this.
  std::chrono::milliseconds connect_timeout{60'000};
  /// Frames the sender may run ahead of real time on paced transports.
  std::size_t lead_frames = 3;
};

/// Whether `assistant`'s serverMessages (Vapi's default list when it names none) include `type`.
bool wants_server_message(const boost::json::object& assistant, std::string_view type);

class LiveCall : public CallMedia {
 public:
  /// `call` is the stored document (status queued), `conversation` the resolved assistants with
  /// their model access (history and input empty), `phone_number` the number an inbound call
  /// came in on ({} for none), which its messages name. Arms the connect deadline at once.
  static std::shared_ptr<LiveCall> create(boost::asio::any_io_executor strand,
                                          LiveCallServices services, std::unique_ptr<CallSink> sink,
                                          boost::json::object call, chat::Conversation conversation,
                                          LiveCallOptions options = {},
                                          boost::json::object phone_number = {});

  /// Claims the call for one transport connection: true once, for the first caller, while the
  /// call has not ended. Any thread.
  virtual bool claim() = 0;
  /// The claimed connection is open: the call starts (status in-progress, greeting).
  virtual void connected(std::shared_ptr<CallTransport> transport) = 0;
  /// Ends the call with `ended_reason` (first end wins). Any thread.
  virtual void end(std::string ended_reason) = 0;
  /// What a phone call's provider says before its media connects: `fields` join the document
  /// (phoneCallProviderId, endedMessage), and `status` ("ringing"; "" keeps it) becomes its
  /// status while it is queued, with a status-update. Stored; nothing once the call has ended
  /// (`fields` still join it when it is ending). Any thread.
  virtual void progress(boost::json::object fields, std::string status) = 0;
  /// monitor.listenUrl: a place for one more listener, held until the returned token is gone;
  /// null once the call has ended or CallListeners::kMaxListeners listen. Any thread.
  virtual std::shared_ptr<void> reserve_listener() = 0;
  /// A listener's socket is open (`place` from reserve_listener()): it gets the call's audio
  /// from now on (CallListeners) until the call ends, then is closed normally. Returns the
  /// socket's handler. Any thread.
  virtual std::shared_ptr<net::WebSocketHandler> listen(std::shared_ptr<net::WebSocket> socket,
                                                        std::shared_ptr<void> place) = 0;
  /// The call document as it is now (status, messages so far). Any thread.
  virtual boost::json::object snapshot() const = 0;
  virtual const std::string& id() const = 0;
  virtual bool ended() const = 0;
  /// Whether an assistant of this name or id runs in the call (a squad member), so a handoff
  /// to it can be accepted. Any thread.
  virtual bool has_member(std::string_view name_or_id) const = 0;
  /// The carrier says a machine answered (voicemailDetection): what the assistant is saying
  /// stops, its voicemailMessage is said (not interruptible) and the call ends `voicemail`;
  /// without a message it ends at once. Any thread.
  virtual void voicemail_reached() = 0;
};

}  // namespace sb::voice
