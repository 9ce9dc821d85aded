#include "runtime/voice/sip_bridge.hpp"

#include <boost/asio/post.hpp>
#include <cstring>

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "media/wav.hpp"
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

constexpr std::size_t kIntroRate = 16000;  ///< the introduction's samples a second
// After the introduction's last frame is queued, before the caller joins: the session's own
// lead and the far end's playout.
constexpr std::chrono::milliseconds kIntroTail{200};

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
            std::vector<std::int16_t> intro, std::function<void(std::string)> done)
      : line_(std::move(line)),
        calls_(calls),
        call_id_(std::move(call_id)),
        session_(std::move(session)),
        ring_(ring),
        intro_(std::move(intro)),
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
    spdlog::info("call {}: transfer: answered (Call-ID {}), RTP {}:{}", call_id_, answer.call_id,
                 audio.remote_address, audio.remote_rtp_port);
    if (intro_.empty()) return bridge();
    // The session's queue holds the whole introduction (opened so); the caller joins once it
    // has been sent.
    session_->send_audio(intro_);
    const auto lasts = std::chrono::milliseconds(intro_.size() * 1000 / kIntroRate);
    intro_.clear();
    spdlog::info("call {}: transfer: introducing the caller ({} ms)", call_id_, lasts.count());
    timer_.arm_after(lasts + kIntroTail, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && !self->ended_) self->bridge();
    });
  }

  void bridge() {
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
    spdlog::info("call {}: transfer: bridged", call_id_);
    tell("");
  }

  void on_ended(const std::string& ended_reason, int sip_status) override {
    ended_ = true;
    timer_.cancel();
    session_->close();
    if (bridged_) {
      spdlog::info("call {}: transfer: the destination's leg ended", call_id_);
      if (!hung_up_here_) calls_.end_bridge(call_id_);
      return;
    }
    if (answered_) return tell("the destination hung up before the caller was connected");
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
  std::vector<std::int16_t> intro_;  ///< until it is sent
  std::function<void(std::string)> done_;
  net::Timer timer_;                     ///< the ring timeout, then the introduction's end
  std::weak_ptr<sip::TrunkCall> trunk_;  ///< it keeps itself (and us) alive until its end
  bool answered_ = false;
  bool ended_ = false;
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

// A warm transfer's spoken introduction as 16 kHz samples; none when there is none (or it is
// not what the live call makes: 16 kHz mono 16-bit WAV).
std::vector<std::int16_t> intro_pcm(const std::string& wav) {
  const auto parsed = media::parse_wav(wav);
  if (!parsed || parsed->format.sample_rate != static_cast<int>(kIntroRate) ||
      parsed->format.channels != 1)
    return {};
  std::vector<std::int16_t> pcm(parsed->samples.size() / sizeof(std::int16_t));
  std::memcpy(pcm.data(), parsed->samples.data(), pcm.size() * sizeof(std::int16_t));
  return pcm;
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
                      const calls::TransferPlan& plan, const std::string& intro_wav,
                      std::function<void(std::string)> done) {
  if (auto refused = refusal(destination)) return done(std::move(*refused));
  auto intro = intro_pcm(intro_wav);
  RtpSessionConfig config;
  config.local_address = line_->rtp_bind;
  config.max_queued_frames += intro.size() * 50 / kIntroRate + 1;  // the whole introduction
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
                                         std::move(session), plan.dial_timeout, std::move(intro),
                                         std::move(done));
  boost::asio::post(line_->events, [leg, target = std::move(target), offer]() mutable {
    leg->start(std::move(target), std::move(offer));
  });
}

}  // namespace sb::voice
