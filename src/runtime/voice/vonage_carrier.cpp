// Vonage as a carrier that dials out (outbound_carrier.hpp).

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "runtime/voice/outbound_carrier.hpp"
#include "telephony/ncco.hpp"
#include "telephony/signatures.hpp"
#include "telephony/vonage_outbound.hpp"

namespace sb::voice {
namespace {

telephony::VonageApplication application_of(const DialingNumber& n) {
  return {std::string(string_at(n.credential, "vonageApplicationId")),
          std::string(string_at(n.credential, "vonageApplicationPrivateKey"))};
}

class VonageCarrier final : public TokenStreamCarrier {
 public:
  VonageCarrier(net::HttpClient& http, std::string api_base)
      : http_(http), api_base_(std::move(api_base)) {}

  std::string_view provider() const override { return "vonage"; }
  std::string_view dial_failed_reason() const override { return "vonage-failed-to-connect-call"; }
  bool keys_on_credential() const override { return true; }

  // The application's key signs the dial; the apiSecret verifies the events (as inbound).
  void check(const DialingNumber& n) const override {
    if (string_at(n.credential, "apiSecret").empty())
      throw ApiError::bad_request(
          "The number's credentialId must name a vonage credential with its apiKey and apiSecret "
          "to dial out through Vonage");
    const auto app = application_of(n);
    if (app.id.empty() || app.private_pem.empty())
      throw ApiError::bad_request(
          "The number's vonage credential holds no application key yet: import the number again "
          "(delete it and POST /phone-number), and this server makes its Vonage application a "
          "key to dial out with");
  }

  void dial(const DialingNumber& n, const telephony::OutboundDial& order, DialDone done,
            DialEvents) override {
    telephony::dial_vonage(http_, api_base_, application_of(n), order, std::move(done));
  }

  void hang_up(const DialingNumber& n, const std::string& sid) override {
    telephony::hang_up_vonage(http_, api_base_, application_of(n), sid);
  }

  // Vonage runs an NCCO that connects the caller to the destination instead (its stream ends).
  bool transfers() const override { return true; }
  void transfer(const DialingNumber& n, const std::string& sid, const telephony::Decision& decision,
                const telephony::RenderContext& ctx,
                std::function<void(std::string error)> done) override {
    telephony::transfer_vonage(http_, api_base_, application_of(n), sid,
                               telephony::render_ncco(decision, ctx), std::move(done));
  }

  // Vonage's event statuses (Voice API "Call events") in the Call's words; its advanced machine
  // detection's (status human or machine, then machine with sub_state beep_start, or
  // beep_timeout when none came) in Twilio's AnsweredBy words, which the voicemail plan uses.
  CarrierReport report(const http::Fields& params) const override {
    CarrierReport report;
    std::string status;
    std::string sub_state;
    for (const auto& [k, v] : params) {
      if (k == "uuid") report.sid = v;
      if (k == "status") status = v;
      if (k == "sub_state") sub_state = v;
    }
    if (status == "human") report.answered_by = "human";
    if (status == "machine")
      report.answered_by = sub_state == "beep_start"     ? "machine_end_beep"
                           : sub_state == "beep_timeout" ? "machine_end_other"
                                                         : "machine_start";
    if (status == "ringing") report.status = "ringing";
    if (status == "answered") report.status = "in-progress";
    if (status == "completed") report.ended_reason = "customer-ended-call";
    if (status == "busy") report.ended_reason = "customer-busy";
    if (status == "unanswered" || status == "timeout")
      report.ended_reason = "customer-did-not-answer";
    if (status == "rejected") report.ended_reason = "vonage-rejected";
    if (status == "disconnected") report.ended_reason = "vonage-disconnected";
    if (status == "failed" || status == "cancelled") report.ended_reason = dial_failed_reason();
    return report;
  }

  bool status_authentic(const DialingNumber& n, const http::Request& request, const std::string&,
                        const http::Fields&) const override {
    const auto secret = string_at(n.credential, "apiSecret");
    return !secret.empty() && telephony::vonage_signature_valid(secret, request.authorization,
                                                                request.body, now_ms() / 1000);
  }

 private:
  net::HttpClient& http_;
  std::string api_base_;
};

}  // namespace

std::unique_ptr<OutboundCarrier> vonage_carrier(net::HttpClient& http, std::string api_base) {
  return std::make_unique<VonageCarrier>(http, std::move(api_base));
}

}  // namespace sb::voice
