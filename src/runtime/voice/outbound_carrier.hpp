#pragma once
// What dialling a phone call out needs from its carrier (OutboundCalls does the rest, the same
// for every carrier): whether a number can dial, the URL its media stream connects to and how
// that handshake is told from a forgery, the dial itself, hanging up, and whether a status
// callback really comes from the carrier. One implementation per carrier, in
// <carrier>_carrier.cpp. A carrier that signals in-process (SIP: sip_carrier.cpp) has no
// callbacks nor stream handshake: it reports through DialEvents and connects the media itself.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "http/message.hpp"
#include "telephony/outbound_dial.hpp"
#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::net {
class HttpClient;
}

namespace sb::voice {

class LiveCall;

/// A number that dials out: its fields with its secrets and, for a carrier whose keys live on a
/// credential (Telnyx, Vonage), the fields and secrets of its credentialId.
struct DialingNumber {
  boost::json::object number;
  boost::json::object credential;
};

/// What a status callback says, in the Call's words.
struct CarrierReport {
  std::string sid;           ///< the carrier's id of the call ("" if it names none)
  std::string status;        ///< "ringing", "in-progress", or another (no Call status change)
  std::string ended_reason;  ///< the call's endedReason when the callback says it is over
  /// Who answered, when it is a machine detection verdict: in Twilio's AnsweredBy words
  /// (human, machine_start, machine_end_beep, ...), which the voicemail plan's types use.
  std::string answered_by;
};

/// A callback whose fields use Twilio's names (CallSid, CallStatus, AnsweredBy), as Twilio's
/// and TeXML's do; `not_connected` is the carrier's reason for a call that never connected.
CarrierReport report_in_twilio_words(const http::Fields& params, std::string_view not_connected);

/// The carrier's id for the call (its handle for hang_up; shown as phoneCallProviderId unless
/// the carrier reports through DialEvents), or (sid empty) why the dial failed. Once, on any
/// thread.
using DialDone = std::function<void(std::string sid, std::string error)>;

/// What a carrier that signals in-process tells the call it dials, in place of status
/// callbacks and a media stream's handshake (carriers with callbacks ignore it). Any thread.
struct DialEvents {
  /// Ringing (status), the call's id at the carrier (sid, shown as phoneCallProviderId), or
  /// its end before or without media (ended_reason).
  std::function<void(const CarrierReport&)> report;
  /// Answered: the live call, claimed for the media the carrier connects; nullptr when the
  /// call is no longer live (the carrier hangs up then).
  std::function<std::shared_ptr<LiveCall>()> claim;
};

class OutboundCarrier {
 public:
  virtual ~OutboundCarrier() = default;

  /// The phone number provider it dials for ("twilio", "telnyx"); also the first segment of
  /// its routes (/twilio/stream/..., /twilio/outbound_status/...).
  virtual std::string_view provider() const = 0;
  /// The endedReason of a call whose dial the carrier refused or could not take.
  virtual std::string_view dial_failed_reason() const = 0;
  /// The Call's phoneCallProvider and phoneCallTransport for its calls.
  virtual std::string_view call_provider() const { return provider(); }
  virtual std::string_view call_transport() const { return "pstn"; }
  /// Whether it reports through signed HTTP status callbacks (/<provider>/outbound_status/...);
  /// false: through DialEvents.
  virtual bool calls_back() const { return true; }
  /// Whether its keys are on the number's credential (read from credentialId).
  virtual bool keys_on_credential() const = 0;
  /// Throws a 400 ApiError when `number` lacks what dialling out needs.
  virtual void check(const DialingNumber& number) const = 0;
  /// Throws a 400 ApiError when the carrier cannot dial `customer` (a CreateCustomerDTO) from
  /// `number`: by default, one without a `number` (only SIP carriers dial a `sipUri`).
  virtual void check_customer(const DialingNumber& number,
                              const boost::json::object& customer) const;
  /// Where call `call_id`'s media stream connects; `secret` is the call's own random token,
  /// for carriers whose stream carries no signature.
  virtual std::string stream_url(std::string_view ws_base, std::string_view call_id,
                                 std::string_view secret) const = 0;
  /// Whether a media stream's upgrade request for a call of `number` is the carrier's.
  virtual std::function<bool(const http::Request&)> stream_check(const DialingNumber& number,
                                                                 std::string secret) const = 0;
  /// Places the call; `order.stream_url` is from stream_url().
  virtual void dial(const DialingNumber& number, const telephony::OutboundDial& order,
                    DialDone done, DialEvents events) = 0;
  /// Ends the carrier's call `sid`. Best effort.
  virtual void hang_up(const DialingNumber& number, const std::string& sid) = 0;
  /// What a status callback's fields say.
  virtual CarrierReport report(const http::Fields& params) const = 0;
  /// Whether a status callback for a call of `number` is the carrier's: `url` is the URL it
  /// requested, `params` its fields.
  virtual bool status_authentic(const DialingNumber& number, const http::Request& request,
                                const std::string& url, const http::Fields& params) const = 0;

  /// Whether its calls can be transferred (the transferCall tool); false unless overridden.
  virtual bool transfers() const { return false; }
  /// Whether its transfers can introduce the caller first (warm transfers: ctx.whisper_url is
  /// run on the destination's leg before it is connected); false unless overridden.
  virtual bool warm_transfers() const { return false; }
  /// Moves its call `sid` (on `number`) where `transfer` (a kTransfer decision, rendered with
  /// `ctx`) says: the call's media here ends. `done` gets "" when the carrier took it, else why
  /// not. Once, on any thread.
  virtual void transfer(const DialingNumber& number, const std::string& sid,
                        const telephony::Decision& transfer, const telephony::RenderContext& ctx,
                        std::function<void(std::string error)> done);
};

/// A carrier whose media stream's handshake carries no signature (Vonage, Telnyx): its URL,
/// /<provider>/stream/{callId}?token=<secret>, holds the call's own random token, which only the
/// carrier was told, and the handshake must show it.
class TokenStreamCarrier : public OutboundCarrier {
 public:
  std::string stream_url(std::string_view ws_base, std::string_view call_id,
                         std::string_view secret) const override;
  std::function<bool(const http::Request&)> stream_check(const DialingNumber& number,
                                                         std::string secret) const override;
};

/// Twilio: REST Calls.json, HTTP Basic, its HMAC signature on stream and callbacks.
std::unique_ptr<OutboundCarrier> twilio_carrier(net::HttpClient& http, std::string api_base,
                                                std::function<std::string()> public_url);
/// Vonage: the Voice API (POST /v1/calls with an NCCO connecting a WebSocket at L16 16 kHz),
/// a JWT signed with the credential's application key, JWT-signed JSON events (verified with
/// the credential's apiSecret as the signature secret), a per-call token in the stream's URL.
std::unique_ptr<OutboundCarrier> vonage_carrier(net::HttpClient& http, std::string api_base);
/// Telnyx: TeXML calls, a Bearer API key from the number's credential, Ed25519-signed
/// callbacks (verified with `public_key`, the account's, base64), a per-call token in the
/// stream's URL (TeXML's stream carries no signature).
std::unique_ptr<OutboundCarrier> telnyx_carrier(net::HttpClient& http, std::string api_base,
                                                std::string public_key);

}  // namespace sb::voice
