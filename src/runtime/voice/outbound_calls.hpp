#pragma once
// Phone calls dialled out (POST /call with phoneNumberId or a transient phoneNumber, and
// customer or customers[]). Twilio numbers only, for now: the call is checked, stored queued
// and live (LiveCalls::create_with, like a WebSocket call), answered 201, then dialled through
// Twilio's REST API with TwiML that connects its media stream back here, where it starts the
// conversation like an inbound call's stream. Twilio's status callbacks
// (/twilio/outbound_status/{callId}, signed with the number's auth token) move it to ringing
// and end it when Twilio says it is over (busy, no-answer, failed, ...); a dial Twilio refuses
// ends it at once, its endedMessage saying why; a stream that never connects ends it at the
// registry's connect timeout. A call that ends here before Twilio reports its end is hung up
// at Twilio.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "http/message.hpp"
#include "telephony/provider_pointing.hpp"

namespace sb::storage {
class Store;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::net {
class HttpClient;
}

namespace sb::voice {

class LiveCalls;

struct OutboundCallsDeps {
  LiveCalls& calls;
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& phone_numbers;
  net::HttpClient& http;
  std::string twilio_api;  ///< Twilio's REST base (ProviderApis::twilio)
  std::function<std::string()> public_url;
  const Clock& clock = system_clock();
  /// How long Twilio lets the customer's phone ring: shorter than the registry's connect
  /// timeout, so an answer comes while the call still waits for its stream. 0: Twilio's own.
  std::chrono::seconds ring_timeout{0};
};

class OutboundCalls {
 public:
  explicit OutboundCalls(OutboundCallsDeps deps);

  /// POST /call for a phone call. `done` gets the Call (or, with customers[], the
  /// CallBatchResponse: one call per customer, a customer that could not be called in
  /// `errors`), or the error: 400 for what the request lacks, 404 for a number that does not
  /// exist, 501 for a number of a provider this server cannot dial out through yet or a
  /// schedulePlan (calls are dialled at once), and as
  /// LiveCalls::create_with says. Once, on any thread.
  void create(std::string org_id, boost::json::object body,
              std::function<void(std::exception_ptr, boost::json::object)> done);

  enum class StatusOutcome { kAccepted, kUnknownCall, kForbidden };
  /// A status callback of Twilio for the call `call_id`: `url` is what Twilio requested (the
  /// signed URL), `params` its form fields.
  StatusOutcome twilio_status(std::string_view call_id, const std::string& url,
                              const http::Fields& params, std::string_view signature);

  std::string public_url() const { return deps_.public_url(); }

 private:
  /// A call dialled through Twilio, until Twilio reports its end.
  struct Dialled {
    std::string auth_token;  ///< what Twilio signs its callbacks with
    telephony::TwilioAccount account;
    std::string sid;
    Clock::SteadyTime since;
    bool ended_here = false;  ///< the call ended while Twilio had not reported its end
    bool hung_up = false;     ///< and Twilio has been told to hang up
  };
  using Done = std::function<void(std::exception_ptr, boost::json::object)>;
  void create_for_number(const std::string& org_id, boost::json::object body,
                         boost::json::object number, Done done);
  void create_one(const std::string& org_id, boost::json::object body,
                  const boost::json::object& number, Done done);
  void dial(const std::string& id, const boost::json::object& call,
            const boost::json::object& number);
  /// The call `id` ended here: a Twilio call that has not ended is hung up (Status=completed),
  /// so a customer is never left ringing, or answering into silence.
  void ended_here(const std::string& id);
  /// Twilio's later callbacks for `id` are no longer ours (it was transferred).
  void forget(const std::string& id);
  void forget_stale();

  OutboundCallsDeps deps_;
  std::mutex mutex_;
  std::map<std::string, Dialled, std::less<>> dialled_;
};

}  // namespace sb::voice
