#pragma once
// The inbound-call routing engine, provider-neutral: what a call to one of our numbers gets,
// in the order of the docs — call.ringing hooks, the number's assistant or squad, the
// assistant-request to the customer's server, fallbackDestination, hang up. Pure functions
// over the API's JSON documents; the caller looks things up, sends the request, stores the
// Call and renders the Decision for its provider (twiml.hpp, ncco.hpp, texml.hpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::telephony {

/// What the call gets. Exactly one kind.
struct Decision {
  enum class Kind { kTransfer, kSay, kAssistant, kHangup };
  Kind kind = Kind::kHangup;
  boost::json::object destination;  ///< kTransfer: a TransferDestinationNumber / ...Sip object
  std::string text;                 ///< kSay: spoken, then hang up; kHangup: why (for logs)
  /// kAssistant: what takes the call — {"assistantId"} or {"assistant"} or {"squadId"} or
  /// {"squad"}, plus "assistantOverrides"/"squadOverrides" when given.
  boost::json::object assistant;
  /// Set when the call ends at this step (a hook's say/transfer, a forward returned by the
  /// assistant-request, say/hangup after a failure): a value of the Call schema's endedReason
  /// enum. Empty when an assistant takes the call.
  std::string ended_reason;
};

/// Tells whether a stored object exists: kind "assistant" or "squad", and its id.
using ExistsFn = std::function<bool(std::string_view kind, std::string_view id)>;

/// Step 1: the first call.ringing hook that fires for `caller` (E.164 with or without '+';
/// matching ignores the '+'), rendered as its FIRST action only (transfer → kTransfer with its
/// destination, ended_reason call.ringing.hook-executed-transfer; say → kSay with `exact`,
/// ended_reason call.ringing.hook-executed-say). A hook fires when every one of its filters
/// matches (none: always). A hook whose first action cannot run (no actions, a transfer
/// without a usable destination) is skipped. nullopt when no hook fires.
std::optional<Decision> ringing_hook_decision(const boost::json::object& phone_number,
                                              std::string_view caller);

/// Step 2: kAssistant from the number's assistantId, else its squadId, when the named object
/// exists. nullopt otherwise (a deleted assistant or squad counts as unset).
std::optional<Decision> configured_decision(const boost::json::object& phone_number,
                                            const ExistsFn& exists);

/// Step 3's result: a decision, or (decision empty) the endedReason step 4 runs with.
struct AssistantRequestOutcome {
  std::optional<Decision> decision;
  std::string failure_reason;
};

/// Step 3: interprets the reply to an assistant-request. In the order the docs give them:
/// `error` (a non-empty string → kSay it, assistant-request-returned-error; not speakable →
/// failure assistant-request-returned-unspeakable-error), `destination` (→ kTransfer,
/// assistant-request-returned-forwarding-phone-number; unusable → failure
/// ...-invalid-assistant), then assistantId / assistant / squadId / squad with their
/// overrides (an id that does not exist, or a value of the wrong type → failure
/// ...-invalid-assistant). Not ok (timeout, non-2xx, not JSON) → failure
/// assistant-request-failed; an empty reply or none of those fields → failure
/// assistant-request-returned-no-assistant; a reply that is JSON but not an object →
/// ...-invalid-assistant.
AssistantRequestOutcome assistant_request_decision(bool ok, int status,
                                                   const boost::json::value& body,
                                                   const ExistsFn& exists);

/// Steps 4/5: fallbackDestination as kTransfer, else kHangup; both carry `ended_reason` (the
/// reason of the step that failed; empty means nothing was configured at all:
/// call-start-error-neither-assistant-nor-server-set).
Decision fallback_decision(const boost::json::object& phone_number, std::string ended_reason);

/// call.ending hooks: the actions of the hooks whose filters all match `ended_reason` (filter
/// type oneOf on key call.endedReason; a hook without filters always matches), in order.
/// `do` may be one action (as the schema has it) or an array of them.
std::vector<boost::json::object> ending_hook_actions(const boost::json::object& phone_number,
                                                     std::string_view ended_reason);

/// The assistant-request message (the inner "message" object): type assistant-request, the
/// call (Call object JSON), the phone number without its write-only secrets, the call's
/// customer, and `timestamp` (ms since the epoch) when now_ms is not 0.
boost::json::object assistant_request_message(const boost::json::object& call,
                                              const boost::json::object& phone_number,
                                              std::int64_t now_ms = 0);

/// Whether `destination` is a TransferDestinationNumber with a number or a
/// TransferDestinationSip with a sipUri: what the renderers can dial.
bool is_usable_destination(const boost::json::value& destination);

}  // namespace sb::telephony
