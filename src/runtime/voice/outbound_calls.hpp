#pragma once
// Phone calls dialled out (POST /call with phoneNumberId or a transient phoneNumber, and
// customer or customers[]) through the number's carrier (OutboundCarrier: Twilio, Telnyx): the
// call is checked, stored queued and live (LiveCalls::create_with, like a WebSocket call),
// answered 201, then dialled through the carrier's REST API with markup that connects its media
// stream back here, where it starts the conversation like an inbound call's stream. The
// carrier's status callbacks (/<carrier>/outbound_status/{callId}, signed) move it to ringing
// and end it when the carrier says it is over (busy, no-answer, failed, ...); a dial the
// carrier refuses ends it at once, its endedMessage saying why; a stream that never connects
// ends it at the registry's connect timeout. A call that ends here before the carrier reports
// its end is hung up there. A carrier that signals in-process (SIP trunks) reports the same
// through DialEvents and connects the media itself; the request's transport.dialTimeout
// (vapi.sip) bounds how long the phone rings.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include <memory>
#include <vector>

#include "core/clock.hpp"
#include "domain/calls/voicemail_plan.hpp"
#include "http/message.hpp"
#include "runtime/voice/carriers.hpp"

namespace sb::net {
class HttpClient;
}

namespace sb::voice {

class LiveCalls;
class ScheduledCalls;

struct OutboundCallsDeps {
  LiveCalls& calls;
  /// The carriers it dials through; a number of another provider is refused with a 501.
  const Carriers& carriers;
  std::function<std::string()> public_url;
  const Clock& clock = system_clock();
  /// How long the carrier lets the customer's phone ring: shorter than the registry's connect
  /// timeout, so an answer comes while the call still waits for its stream. 0: the carrier's.
  std::chrono::seconds ring_timeout{0};
  /// Where calls asked for later (schedulePlan) wait; none: a schedulePlan is refused (501).
  ScheduledCalls* scheduled = nullptr;
};

class OutboundCalls {
 public:
  /// Where a scheduled call on a transient phoneNumber keeps that number (with its
  /// credentials) among its sealed secrets until it is dialled.
  static constexpr std::string_view kTransientSecret = "phoneNumber";

  explicit OutboundCalls(OutboundCallsDeps deps);

  /// POST /call for a phone call. `done` gets the Call (or, with customers[], the
  /// CallBatchResponse: one call per customer, a customer that could not be called in
  /// `errors`), or the error: 400 for what the request lacks, 404 for a number that does not
  /// exist, 501 for a number of a carrier this server cannot dial out through yet, and as
  /// LiveCalls::create_with says. A schedulePlan whose earliestAt is to come stores the calls
  /// scheduled (ScheduledCalls) instead of dialling them. Once, on any thread.
  void create(std::string org_id, boost::json::object body,
              std::function<void(std::exception_ptr, boost::json::object)> done);
  /// Dials the stored scheduled call `call` (ScheduledCallsDeps::dial) under its own id, with
  /// its number (a transient one: as stored sealed with it) and assistant as they are now: claimed
  /// (scheduled → queued) as it goes live, or left alone when it is no longer scheduled. A number
  /// or assistant that cannot be used now ends it (call.start.error-get-phone-number,
  /// call.start.error-get-assistant, assistant-not-valid). `done(true)` when there was no room for
  /// it now: still scheduled.
  void dial_stored(const boost::json::object& call, std::function<void(bool again)> done);

  enum class StatusOutcome { kAccepted, kUnknownCall, kForbidden };
  /// A status callback of `provider` for the call `call_id`: `url` is what the carrier
  /// requested (some sign it), `params` its fields (Twilio's names: CallSid, CallStatus).
  StatusOutcome carrier_status(std::string_view provider, std::string_view call_id,
                               const http::Request& request, const std::string& url,
                               const http::Fields& params);
  /// An answering machine detection verdict of `provider` (Twilio's and Telnyx's async AMD:
  /// AnsweredBy) for the call `call_id`, signed as its status callbacks are: one the
  /// assistant's voicemailDetection counts as voicemail makes the call leave its
  /// voicemailMessage and end. (Vonage's verdicts come with its status callbacks.)
  StatusOutcome machine_detected(std::string_view provider, std::string_view call_id,
                                 const http::Request& request, const std::string& url,
                                 const http::Fields& params);
  /// The carriers it dials through with status callbacks ("twilio", ...), for their routes.
  std::vector<std::string> providers() const;

  std::string public_url() const { return deps_.public_url(); }

 private:
  /// A call dialled through a carrier, until the carrier reports its end.
  struct Dialled {
    OutboundCarrier* carrier = nullptr;
    std::shared_ptr<const DialingNumber> number;
    std::optional<calls::VoicemailPlan> voicemail;  ///< what the assistant counts as voicemail
    std::string sid;
    Clock::SteadyTime since;
    bool ended_here = false;  ///< the call ended while Twilio had not reported its end
    bool hung_up = false;     ///< and Twilio has been told to hang up
  };
  using Done = std::function<void(std::exception_ptr, boost::json::object)>;
  void create_for_number(const std::string& org_id, boost::json::object body, DialingNumber number,
                         Done done);
  /// Stores the call of `body` and dials it, or schedules it when it is asked for later; with
  /// `stored_id`, the stored scheduled call of that id (body) goes live instead.
  void create_one(const std::string& org_id, boost::json::object body,
                  std::shared_ptr<const DialingNumber> number, Done done,
                  std::string stored_id = {});
  /// Dials the live call `id`, the phone ringing at most `ring` (0: the carrier's default).
  void dial(const std::string& id, const boost::json::object& call, const std::string& secret,
            std::chrono::seconds ring);
  /// What the carrier says of the call `id` (a status callback's, or DialEvents'): ringing,
  /// its id at the carrier, its end.
  void reported(const std::string& id, const CarrierReport& report);
  /// Whether a callback of `provider` for `call_id` is about a call it dialled here (filling
  /// `dialled`) and carries its signature: kAccepted, else why not.
  StatusOutcome callback_from(std::string_view provider, std::string_view call_id,
                              const http::Request& request, const std::string& url,
                              const http::Fields& params, Dialled& dialled);
  /// Who answered the call `call_id` (a CarrierReport's answered_by), acted on as its plan says.
  void answered_by(std::string_view call_id, const Dialled& dialled, const std::string& verdict);
  /// The call `id` ended here: a carrier's call that has not ended is hung up, so a customer is
  /// never left ringing, or answering into silence.
  void ended_here(const std::string& id);
  /// The carrier's later callbacks for `id` are no longer ours (it was transferred).
  void forget(const std::string& id);
  void forget_stale();

  OutboundCallsDeps deps_;
  std::mutex mutex_;
  std::map<std::string, Dialled, std::less<>> dialled_;
};

}  // namespace sb::voice
