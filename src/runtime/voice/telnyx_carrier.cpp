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

class TelnyxCarrier final : public OutboundCarrier {
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

  std::string stream_url(std::string_view ws_base, std::string_view call_id,
                         std::string_view secret) const override {
    return std::string(ws_base) + "/telnyx/stream/" + std::string(call_id) +
           "?token=" + std::string(secret);
  }

  // TeXML's <Stream> connects with no signature: the URL's token is what only Telnyx was told.
  std::function<bool(const http::Request&)> stream_check(const DialingNumber&,
                                                         std::string secret) const override {
    return [secret = std::move(secret)](const http::Request& head) {
      const auto token = head.query_value("token");
      return token && telephony::equal_in_constant_time(*token, secret);
    };
  }

  void dial(const DialingNumber& n, const telephony::OutboundDial& order, DialDone done) override {
    telephony::dial_telnyx(http_, api_base_, account_of(n), order, std::move(done));
  }

  void hang_up(const DialingNumber& n, const std::string& sid) override {
    telephony::hang_up_telnyx(http_, api_base_, account_of(n), sid);
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
