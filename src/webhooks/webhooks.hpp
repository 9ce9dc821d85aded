#pragma once
// Server messages: the API's `{"message": {...}}` POSTs to a customer's server URL. This header
// is what the rest of the server uses; the outbox, the dispatcher and the auth schemes live
// beside it in webhooks/.
//
// - Asynchronous messages (status-update, end-of-call-report, hang, ...) are enqueued inside a
//   write job and so are durable with it: once the job commits, the message is delivered at
//   least once (after crashes and restarts too), in order per stream (a call id), with a
//   stable message id header, each attempt recorded, retried by the server's backoffPlan, and
//   kept as dead when the plan is exhausted.
// - Synchronous messages (assistant-request, tool-calls, transfer-destination-request) are
//   sent at once and their reply is handed back.

#include <chrono>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::storage {
class Session;
}

namespace sb::webhooks {

/// Cuts an exchange short; callable from any thread, any number of times.
using Cancel = std::function<void()>;

/// Where a message goes: an API `Server` object (url, headers, timeoutSeconds, backoffPlan,
/// credentialId) and the org it belongs to (whose credentials sign it).
struct Destination {
  std::string org_id;
  boost::json::object server;
};

/// The first candidate with a non-empty `url`, in the docs' precedence: pass them as
/// {tool.server, assistant.server, phoneNumber.server, org server}; null pointers are skipped.
std::optional<boost::json::object> pick_server(
    std::initializer_list<const boost::json::object*> candidates);

/// The reply to a synchronous message.
struct Reply {
  bool ok = false;          ///< a 2xx arrived in time and its body is JSON (or empty)
  int status = 0;           ///< 0 when nothing arrived
  boost::json::value body;  ///< the parsed reply (null when empty or not JSON)
  std::string error;        ///< why it is not ok: "timeout", "status 500", "invalid JSON", ...
};

class Deliveries {
 public:
  virtual ~Deliveries() = default;

  /// Durable, asynchronous: records `message` (the inner object, e.g. {"type":"status-update",
  /// ...}) in the outbox as part of the caller's write job; it is sent once that job commits.
  /// `stream` orders messages: those of one stream reach their server one at a time, in
  /// enqueue order ("" = no ordering). Returns the message id (sent as `X-Message-Id`... see
  /// README).
  virtual std::string enqueue(storage::Session& session, const Destination& to,
                              std::string_view stream, boost::json::object message) = 0;

  /// Synchronous: sends `message` now, one attempt bounded by the server's timeoutSeconds and
  /// by `deadline` (whichever is sooner), and calls `done` once, on any thread. The returned
  /// Cancel cuts the attempt at whatever step it is in (signing, connecting, waiting for the
  /// answer): `done` then gets a failed Reply at once. Harmless after `done`.
  virtual Cancel request(Destination to, boost::json::object message,
                         std::chrono::milliseconds deadline, std::function<void(Reply)> done) = 0;
};

}  // namespace sb::webhooks
