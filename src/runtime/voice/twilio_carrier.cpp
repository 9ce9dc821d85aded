// Twilio as a carrier that dials out (outbound_carrier.hpp).

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/websocket_call.hpp"
#include "runtime/voice/outbound_carrier.hpp"
#include "telephony/signatures.hpp"
#include "telephony/twilio_outbound.hpp"
#include "telephony/twiml.hpp"

namespace sb::voice {

namespace {

class TwilioCarrier final : public OutboundCarrier {
 public:
  TwilioCarrier(net::HttpClient& http, std::string api_base,
                std::function<std::string()> public_url)
      : http_(http), api_base_(std::move(api_base)), public_url_(std::move(public_url)) {}

  std::string_view provider() const override { return "twilio"; }
  std::string_view dial_failed_reason() const override { return "twilio-failed-to-connect-call"; }
  bool keys_on_credential() const override { return false; }

  // Twilio signs the call's media stream and status callbacks with the account's auth token:
  // without it neither could be told from a forgery (an API key alone dials, nothing more).
  void check(const DialingNumber& n) const override {
    if (string_at(n.number, "twilioAuthToken").empty() ||
        string_at(n.number, "twilioAccountSid").empty())
      throw ApiError::bad_request(
          "The number's twilioAccountSid and twilioAuthToken are needed to dial out through "
          "Twilio: Twilio signs the call's media stream and status callbacks with the auth token");
  }

  std::string stream_url(std::string_view ws_base, std::string_view call_id,
                         std::string_view) const override {
    return std::string(ws_base) + "/twilio/stream/" + std::string(call_id);
  }

  // Twilio signs its stream's handshake like its webhooks: the wss URL, no parameters.
  std::function<bool(const http::Request&)> stream_check(const DialingNumber& n,
                                                         std::string) const override {
    return [token = std::string(string_at(n.number, "twilioAuthToken")),
            public_url = public_url_](const http::Request& head) {
      return !token.empty() && telephony::twilio_signature_valid(
                                   token, calls::websocket_base_url(public_url()) + head.target, {},
                                   head.header("x-twilio-signature"));
    };
  }

  void dial(const DialingNumber& n, const telephony::OutboundDial& order, DialDone done,
            DialEvents) override {
    telephony::dial_twilio(http_, api_base_, telephony::twilio_account_of(n.number), order,
                           std::move(done));
  }

  void hang_up(const DialingNumber& n, const std::string& sid) override {
    telephony::hang_up_twilio(http_, api_base_, telephony::twilio_account_of(n.number), sid);
  }

  // Twilio leaves the call's TwiML (its stream ends) for a <Dial> of the destination.
  bool transfers() const override { return true; }
  // <Number url>/<Sip url>: Twilio runs that TwiML on the destination's leg when it answers.
  bool warm_transfers() const override { return true; }
  void transfer(const DialingNumber& n, const std::string& sid, const telephony::Decision& decision,
                const telephony::RenderContext& ctx,
                std::function<void(std::string error)> done) override {
    telephony::redirect_twilio(http_, api_base_, telephony::twilio_account_of(n.number), sid,
                               telephony::render_twiml(decision, ctx), std::move(done));
  }

  CarrierReport report(const http::Fields& params) const override {
    return report_in_twilio_words(params, dial_failed_reason());
  }

  bool status_authentic(const DialingNumber& n, const http::Request& request,
                        const std::string& url, const http::Fields& params) const override {
    const auto token = string_at(n.number, "twilioAuthToken");
    std::string_view account;
    for (const auto& [k, v] : params)
      if (k == "AccountSid") account = v;
    return !token.empty() &&
           (account.empty() || account == string_at(n.number, "twilioAccountSid")) &&
           telephony::twilio_signature_valid(token, url, params,
                                             request.header("x-twilio-signature"));
  }

 private:
  net::HttpClient& http_;
  std::string api_base_;
  std::function<std::string()> public_url_;
};

}  // namespace

std::unique_ptr<OutboundCarrier> twilio_carrier(net::HttpClient& http, std::string api_base,
                                                std::function<std::string()> public_url) {
  return std::make_unique<TwilioCarrier>(http, std::move(api_base), std::move(public_url));
}

}  // namespace sb::voice
