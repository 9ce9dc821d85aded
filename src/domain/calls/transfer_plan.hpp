#pragma once
// A transfer destination's transferPlan, as this server carries it out: how the destination
// hears about the caller before the customer joins. Blind modes connect at once; the warm
// modes (Twilio calls only, as Vapi documents them) first play an introduction on the
// destination's leg — a fixed message or a model-written summary in the assistant's voice,
// optionally after the operator has spoken, or TwiML of the user's — and then connect.
// `warm-transfer-experimental` (an assistant talking with the destination) is not supported.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::calls {

enum class TransferMode {
  kBlind,
  kBlindWithSummaryHeader,  ///< the summary in an X-Transfer-Summary SIP header
  kWarmSayMessage,
  kWarmSaySummary,
  kWarmTwiml,
  kWarmWaitThenMessage,
  kWarmWaitThenSummary,
  kWarmExperimental,
};

struct TransferPlan {
  TransferMode mode = TransferMode::kBlind;
  std::string message;  ///< transferPlan.message (a string, or a CustomMessage's content)
  std::chrono::seconds operator_timeout{60};  ///< wait-first modes: how long to wait for speech
  std::string twiml;                          ///< warm-transfer-twiml
  boost::json::object summary_plan;           ///< transferPlan.summaryPlan ({} when absent)
  /// SIP calls: "refer" (the default), "bye" or "dial" (transferPlan.sipVerb, as written).
  std::string sip_verb = "refer";
  bool sip_headers_in_refer_to = false;  ///< transferPlan.sipHeadersInReferToEnabled
  /// sipVerb dial: how long the destination rings (transferPlan.dialTimeout, 1-600).
  std::chrono::seconds dial_timeout{60};

  /// The plan of a TransferDestinationNumber / ...Sip (blind when it has none).
  static TransferPlan of(const boost::json::object& destination);

  /// The destination hears an introduction on its own leg before the customer joins.
  bool warm() const;
  /// The model writes a summary of the call first.
  bool needs_summary() const;
  bool waits_for_operator() const;
  /// What the destination hears spoken: the message or the summary ("" for TwiML).
  bool speaks_message() const;
  /// The mode's name as the schema spells it.
  std::string_view mode_name() const;
};

/// How long a summary may take: summaryPlan.timeoutSeconds (1-60, default 5).
std::chrono::milliseconds summary_timeout(const boost::json::object& summary_plan);

/// The summaryPlan's messages (or the default: a note-taker's instruction and the transcript)
/// with {{transcript}}, {{systemPrompt}} and {{endedReason}} filled in. The model reads the
/// system ones as its instructions and the others as the conversation.
boost::json::array summary_messages(const boost::json::object& summary_plan,
                                    std::string_view transcript, std::string_view system_prompt,
                                    std::string_view ended_reason);

/// Why the plan cannot be carried out on a call through `carrier` (whose calls take warm
/// transfers when `carrier_warm`), or nullopt when it can.
std::optional<std::string> transfer_plan_refusal(const TransferPlan& plan, std::string_view carrier,
                                                 bool carrier_warm);

}  // namespace sb::calls
