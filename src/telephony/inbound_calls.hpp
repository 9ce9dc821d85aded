#pragma once
// The one routing engine for inbound calls, provider-neutral. A provider's webhook (Twilio,
// Vonage, Telnyx) is turned into an InboundRing by its controller; this service finds the
// number it rang (checking the webhook's signature against each candidate), decides what the
// call gets — call.ringing hooks, then the number's assistant or squad, then an
// assistant-request to the server by precedence (7.5 s end-to-end), then fallbackDestination,
// else a hang-up — stores the Call object and enqueues its status-update messages, all in one
// write. The controller renders the Decision in its provider's language.
//
// Provider status callbacks end a call through ended_by_provider().

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "domain/calls/inbound_call.hpp"
#include "telephony/routing.hpp"

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
struct Reply;
}  // namespace sb::webhooks

namespace sb::telephony {

/// A phone number a webhook may be for, with what verifying the webhook needs.
struct CandidateNumber {
  boost::json::object number;      ///< the stored document
  boost::json::object secrets;     ///< its write-only fields (twilioAuthToken, ...)
  boost::json::object credential;  ///< the credential it names (document + secrets), if any
};

/// Whether the webhook was signed for this number's account.
using Verifier = std::function<bool(const CandidateNumber&)>;

/// One way the called number may be found: the stored numbers of `provider` holding the
/// unique key `key` = `value` ("number" = "+14155550100", a vapi number's "sipUser" = "alice").
struct NumberLookup {
  std::string key;
  std::string value;
  std::string provider;
};

struct InboundRing {
  calls::InboundCallInfo info;
  std::string to_number;  ///< the number called, E.164 with '+'
  /// How the number is found, tried in order (the first candidate the Verifier accepts wins);
  /// empty: by "number" = to_number among info.provider's numbers (a carrier's webhook).
  std::vector<NumberLookup> lookups = {};
  /// Template variables the caller sent (a SIP INVITE's X- headers): they join the
  /// variableValues of the assistant or squad taking the call; the routing's own win.
  boost::json::object variables = {};
  /// A live call on this server takes the call's media stream when an assistant answers it:
  /// that call sends the first status-update itself, once it knows its monitor URLs.
  bool live_stream = false;
};

struct RingOutcome {
  enum class Status { kRouted, kUnknownNumber, kForbidden, kError };
  Status status = Status::kUnknownNumber;
  Decision decision;
  boost::json::object call;
};

struct StatusOutcome {
  enum class Status { kUpdated, kUnchanged, kUnknownCall, kForbidden };
  Status status = Status::kUnknownCall;
};

struct InboundCallsDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& phone_numbers;
  const resources::ResourceSpec& credentials;
  const resources::ResourceSpec& assistants;
  const resources::ResourceSpec& squads;
  const resources::ResourceSpec& calls;
  webhooks::Deliveries& deliveries;
  /// The org's own server (the last in the precedence), if it set one.
  std::function<std::optional<boost::json::object>(storage::Session&, std::string_view org_id)>
      org_server;
  /// Stamps calls and their messages; measures the assistant-request budget.
  const Clock& clock = system_clock();
  /// Ends the call `id` if it is live on this server (true), with `ended_reason`; a live
  /// call's end is its own to store and report, and `stored` runs once it is. Unset: no call
  /// is ever live (tests).
  std::function<bool(std::string_view id, const std::string& ended_reason,
                     std::function<void()> stored)>
      end_live_call;
};

class InboundCalls {
 public:
  /// Vapi's fixed budget for an assistant-request, from the ring to the decision.
  static constexpr std::chrono::milliseconds kAssistantRequestBudget{7'500};

  explicit InboundCalls(InboundCallsDeps deps);

  /// Routes a new call. `done` is called once, on any thread.
  void ring(InboundRing ring, Verifier verify, std::function<void(RingOutcome)> done) const;

  /// The provider says the call with `provider_call_id`, to `to_number`, is now `status`
  /// (its own words: completed, busy, ...). Ends the call when the status is final.
  void provider_status(std::string provider, std::string to_number, std::string provider_call_id,
                       std::string status, Verifier verify,
                       std::function<void(StatusOutcome)> done) const;

  /// Our id of the call the provider knows as `provider_call_id` on our number `to_number`, or
  /// "" for none (unverified: it only says where a status callback should be answered).
  void call_id_of(std::string provider, std::string to_number, std::string provider_call_id,
                  std::function<void(std::string)> done) const;

 private:
  struct Routing;
  static void guarded(Routing& routing, const std::function<void()>& step);
  void find_and_decide(storage::Session& s, const std::shared_ptr<Routing>& routing,
                       const Verifier& verify) const;
  void decide_from_reply(storage::Session& s, const std::shared_ptr<Routing>& routing,
                         const webhooks::Reply& reply) const;
  void ask_server(std::shared_ptr<Routing> routing) const;
  void remember_assistant_server(storage::Session& s, Routing& routing) const;
  static std::string ended_reason(const Routing& routing);
  void finish(std::shared_ptr<Routing> routing) const;
  void send_call_messages(storage::Session& s, const std::string& org_id,
                          const boost::json::object& number,
                          const std::optional<boost::json::object>& assistant_server,
                          const std::optional<boost::json::object>& org_server,
                          const boost::json::object& call, std::int64_t now) const;
  std::optional<boost::json::object> find_call(storage::Session& s, const std::string& org_id,
                                               const std::string& number_id,
                                               const std::string& provider_call_id) const;

  InboundCallsDeps deps_;
};

}  // namespace sb::telephony
