#include "runtime/voice/sip_bridge.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "net/timer.hpp"
#include "runtime/voice/rtp_session.hpp"
#include "runtime/voice/sip_calls.hpp"
#include "runtime/voice/sip_carrier.hpp"
#include "runtime/voice/sip_media.hpp"
#include "telephony/sip/sdp_negotiation.hpp"
#include "telephony/sip/sip_routing.hpp"
#include "telephony/sip/trunk_call.hpp"
#include "telephony/sip/trunk_dialing.hpp"

namespace sb::voice {

namespace json = boost::json;
namespace sip = telephony::sip;

namespace {

// What the model hears when the second leg did not take the call.
std::string failure(const std::string& ended_reason, int status, std::chrono::seconds ring) {
  if (ended_reason == sip::kNoAnswerReason)
    return "the destination did not answer within " + std::to_string(ring.count()) + " s";
  const auto code = status > 0 ? " (SIP " + std::to_string(status) + ")" : std::string();
  if (ended_reason == "customer-busy") return "the destination is busy" + code;
  return "the destination could not be reached" + code;
}

// The second leg: rings, then is bridged to the caller (SipCalls::bridge) or fails. Every
// method runs on the line's events strand (the TrunkCall's), the ring timer's too.
class SecondLeg final : public sip::TrunkCallListener,
                        public std::enable_shared_from_this<SecondLeg> {
 public:
  SecondLeg(std::shared_ptr<const SipLineParts> line, const Clock& clock, SipCalls& calls,
            std::string call_id, std::shared_ptr<RtpSession> session, std::chrono::seconds ring,
            std::function<void(std::string)> done)
      : line_(std::move(line)),
        calls_(calls),
        call_id_(std::move(call_id)),
        session_(std::move(session)),
        ring_(ring),
        done_(std::move(done)),
        timer_(line_->events, clock) {}

  void start(sip::TrunkTarget target, std::string offer) {
    spdlog::info("call {}: transfer: dialling {} (sipVerb dial)", call_id_, target.request_uri);
    trunk_ = sip::TrunkCall::start(line_->dialer, {std::move(target)}, std::move(offer),
                                   shared_from_this());
    if (!done_) return;  // it failed at once
    timer_.arm_after(ring_, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && !self->answered_) self->hang_up(sip::kNoAnswerReason);
    });
  }

  void on_ringing() override { spdlog::info("call {}: transfer: ringing", call_id_); }

  void on_answered(sip::DialogId, const sip::AgreedAudio& audio,
                   const sip::SipDialResponse& answer) override {
    answered_ = true;
    timer_.cancel();
    if (!aim_at_answer(*session_, audio)) {
      hang_up(sip::kFailedToConnectReason);
      return tell("the destination's answer names no IP address for its audio");
    }
    session_->start(nullptr);
    auto end_other = [weak = weak_from_this(), events = line_->events] {
      boost::asio::post(events, [weak] {
        if (auto self = weak.lock()) self->hang_up("the caller hung up");
      });
    };
    if (!calls_.bridge(call_id_, session_, std::move(end_other))) {
      hang_up("the caller left");
      return tell("the caller left before the destination answered");
    }
    bridged_ = true;
    spdlog::info("call {}: transfer: answered (Call-ID {}), bridged to RTP {}:{}", call_id_,
                 answer.call_id, audio.remote_address, audio.remote_rtp_port);
    tell("");
  }

  void on_ended(const std::string& ended_reason, int sip_status) override {
    timer_.cancel();
    session_->close();
    if (bridged_) {
      spdlog::info("call {}: transfer: the destination's leg ended", call_id_);
      if (!hung_up_here_) calls_.end_bridge(call_id_);
      return;
    }
    spdlog::info("call {}: transfer: not connected: {} ({})", call_id_, ended_reason, sip_status);
    tell(failure(ended_reason, sip_status, ring_));
  }

 private:
  // CANCEL while ringing, BYE once answered.
  void hang_up(const std::string& reason) {
    hung_up_here_ = true;
    if (auto trunk = trunk_.lock()) trunk->hang_up(reason);
  }

  void tell(std::string error) {
    if (!done_) return;
    auto once = std::move(done_);
    done_ = nullptr;
    once(std::move(error));
  }

  std::shared_ptr<const SipLineParts> line_;
  SipCalls& calls_;
  std::string call_id_;
  std::shared_ptr<RtpSession> session_;
  std::chrono::seconds ring_;
  std::function<void(std::string)> done_;
  net::Timer timer_;
  std::weak_ptr<sip::TrunkCall> trunk_;  ///< it keeps itself (and us) alive until its end
  bool answered_ = false;
  bool bridged_ = false;
  bool hung_up_here_ = false;
};

// Who the destination sees calling: the caller's number or SIP user, else this server.
std::string from_user(const json::object& call) {
  const auto* customer = object_at(call, "customer");
  if (!customer) return "switchboard";
  if (const auto number = string_at(*customer, "number"); !number.empty())
    return std::string(number);
  if (const auto user = sip::uri_user(string_at(*customer, "sipUri")); !user.empty()) return user;
  return "switchboard";
}

}  // namespace

std::optional<std::string> SipBridges::refusal(const json::object& destination) const {
  if (string_at(destination, "type") != "sip")
    return std::string(
        "transferPlan.sipVerb dial calls a sip destination's sipUri; a number destination would "
        "need a trunk to dial it through, which this server does not pick yet (use refer, or a "
        "sip destination)");
  const std::string uri(string_at(destination, "sipUri"));
  if (const auto problem = sip::sip_uri_problem(uri); !problem.empty())
    return "the destination's sipUri '" + uri + "' cannot be dialled: " + problem;
  return std::nullopt;
}

void SipBridges::dial(const json::object& call, const json::object& destination,
                      const calls::TransferPlan& plan, std::function<void(std::string)> done) {
  if (auto refused = refusal(destination)) return done(std::move(*refused));
  RtpSessionConfig config;
  config.local_address = line_->rtp_bind;
  std::string error;
  auto session = RtpSession::open(line_->io, clock_, line_->ports, config, error);
  if (!session) return done("no RTP port for the destination's leg: " + error);
  // Opened before the INVITE, whose offer names its port; the answer names the peer.
  const auto offer = sip::make_offer(
      {line_->host, session->local_port(), static_cast<std::uint64_t>(clock_.wall_ms()), 1});
  auto target =
      sip::uri_target(std::string(string_at(destination, "sipUri")), from_user(call), line_->host);
  if (const auto* headers = object_at(destination, "sipHeaders"))
    for (const auto& [name, value] : *headers)
      if (value.is_string())
        target.headers.emplace_back(std::string(name), std::string(value.get_string()));
  auto leg = std::make_shared<SecondLeg>(line_, clock_, calls_, std::string(string_at(call, "id")),
                                         std::move(session), plan.dial_timeout, std::move(done));
  boost::asio::post(line_->events, [leg, target = std::move(target), offer]() mutable {
    leg->start(std::move(target), std::move(offer));
  });
}

}  // namespace sb::voice
