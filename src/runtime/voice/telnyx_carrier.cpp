// Telnyx as a carrier that dials out (outbound_carrier.hpp).

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "runtime/voice/outbound_carrier.hpp"
#include "telephony/signatures.hpp"
#include "telephony/telnyx_outbound.hpp"

namespace sb::voice {
namespace {

telephony::TelnyxAccount account_of(const DialingNumber& n) {
  return {std::string(string_at(n.credential, "apiKey")),
          std::string(string_at(n.number, "credentialId"))};
}

class TelnyxCarrier final : public TokenStreamCarrier {
 public:
  TelnyxCarrier(net::HttpClient& http, std::string api_base, std::string public_key)
      : http_(http), api_base_(std::move(api_base)), public_key_(std::move(public_key)) {}

  std::string_view provider() const override { return "telnyx"; }
  // The Call schema names no Telnyx reason: the carrier's fault, its transport never up.
  std::string_view dial_failed_reason() const override {
    return "call.in-progress.error-providerfault-transport-never-connected";
  }
  bool keys_on_credential() const override { return true; }

  // Without the account's public key nothing Telnyx sends could be told from a forgery.
  void check(const DialingNumber& n) const override {
    if (string_at(n.credential, "apiKey").empty())
      throw ApiError::bad_request(
          "The number's credentialId must name a telnyx credential with an apiKey to dial out "
          "through Telnyx");
    if (public_key_.empty())
      throw ApiError::bad_request(
          "This server has no Telnyx public key (--telnyx-public-key or TELNYX_PUBLIC_KEY), so "
          "it could not verify the call's status callbacks: it does not dial through Telnyx");
  }

  void dial(const DialingNumber& n, const telephony::OutboundDial& order, DialDone done,
            DialEvents) override {
    telephony::dial_telnyx(http_, api_base_, account_of(n), order, std::move(done));
  }

  void hang_up(const DialingNumber& n, const std::string& sid) override {
    telephony::hang_up_telnyx(http_, api_base_, account_of(n), sid);
  }

  // Call Control's transfer, not the TeXML call update (which would take the <Dial> TeXML as
  // Twilio's does): the update is addressed by the account's AccountSid, which this server does
  // not keep (a Telnyx credential holds only an API key), while Telnyx documents a TeXML call's
  // CallSid as its call_control_id, the one id the server has for inbound and outbound calls
  // alike, and which hang-up already uses. The transfer dials the destination and bridges the
  // caller to it; the call's TeXML, and its stream here, end.
  bool transfers() const override { return true; }
  void transfer(const DialingNumber& n, const std::string& sid, const telephony::Decision& decision,
                const telephony::RenderContext& ctx,
                std::function<void(std::string error)> done) override {
    telephony::transfer_telnyx(http_, api_base_, account_of(n), sid,
                               telephony::telnyx_transfer_body(decision.destination, ctx),
                               std::move(done));
  }

  CarrierReport report(const http::Fields& params) const override {
    return report_in_twilio_words(params, dial_failed_reason());
  }

  bool status_authentic(const DialingNumber&, const http::Request& request, const std::string&,
                        const http::Fields&) const override {
    return telephony::telnyx_signature_valid(
        public_key_, request.header("telnyx-timestamp"), request.body,
        request.header("telnyx-signature-ed25519"), system_clock().wall_ms() / 1000);
  }

 private:
  net::HttpClient& http_;
  std::string api_base_;
  std::string public_key_;
};

}  // namespace

std::unique_ptr<OutboundCarrier> telnyx_carrier(net::HttpClient& http, std::string api_base,
                                                std::string public_key) {
  return std::make_unique<TelnyxCarrier>(http, std::move(api_base), std::move(public_key));
}

}  // namespace sb::voice
