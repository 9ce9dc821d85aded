#include "runtime/voice/sip_carrier.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <map>

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "net/timer.hpp"
#include "runtime/voice/live_call.hpp"
#include "runtime/voice/rtp_session.hpp"
#include "runtime/voice/sip_media.hpp"
#include "telephony/sip/sdp_negotiation.hpp"
#include "telephony/sip/sip_routing.hpp"
#include "telephony/sip/trunk_call.hpp"
#include "telephony/sip/trunk_dialing.hpp"

namespace sb::voice {

void SipLine::attach(std::shared_ptr<const SipLineParts> parts) {
  std::lock_guard lock(mutex_);
  parts_ = std::move(parts);
}

void SipLine::detach() {
  std::lock_guard lock(mutex_);
  parts_.reset();
}

std::shared_ptr<const SipLineParts> SipLine::parts() const {
  std::lock_guard lock(mutex_);
  return parts_;
}

void SipLine::add_leg(const std::string& call_id, SipLeg leg) {
  std::lock_guard lock(mutex_);
  legs_[call_id] = std::move(leg);
}

void SipLine::remove_leg(const std::string& call_id) {
  std::lock_guard lock(mutex_);
  legs_.erase(call_id);
}

std::optional<SipLeg> SipLine::leg(std::string_view call_id) const {
  std::lock_guard lock(mutex_);
  const auto it = legs_.find(call_id);
  if (it == legs_.end()) return std::nullopt;
  return it->second;
}

namespace {

namespace sip = telephony::sip;

// One call dialled out, from the INVITE to the end of its dialog. Every method runs on the
// line's events strand (the TrunkCall's), the ring timer's too.
class SipCallOut final : public sip::TrunkCallListener,
                         public std::enable_shared_from_this<SipCallOut> {
 public:
  SipCallOut(SipLine& legs, std::shared_ptr<const SipLineParts> line, const Clock& clock,
             std::string id, std::shared_ptr<RtpSession> session, DialEvents events,
             std::function<void()> forget)
      : legs_(legs),
        line_(std::move(line)),
        id_(std::move(id)),
        session_(std::move(session)),
        events_(std::move(events)),
        forget_(std::move(forget)),
        timer_(line_->events, clock) {}

  void start(std::vector<sip::TrunkTarget> targets, std::string offer, std::chrono::seconds ring) {
    trunk_ = sip::TrunkCall::start(line_->dialer, std::move(targets), std::move(offer),
                                   shared_from_this());
    if (ended_) return;
    timer_.arm_after(ring, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && !self->answered_) {
        spdlog::info("sip: call {}: no answer, CANCEL", self->id_);
        self->hang_up(sip::kNoAnswerReason);
      }
    });
  }

  // CANCEL while ringing, BYE once answered; `reason` ends a call that has not ended yet.
  void hang_up(const std::string& reason) {
    hung_up_here_ = true;
    if (auto trunk = trunk_.lock()) trunk->hang_up(reason);
  }

  void on_ringing() override {
    CarrierReport report;
    report.status = "ringing";
    events_.report(report);
  }

  void on_answered(sip::DialogId dialog, const sip::AgreedAudio& audio,
                   const sip::SipDialResponse& answer) override {
    answered_ = true;
    timer_.cancel();
    if (!aim_at_answer(*session_, audio)) {
      spdlog::warn("sip: call {}: the answer's connection address '{}' is not an IP address", id_,
                   audio.remote_address);
      return hang_up(sip::kFailedToConnectReason);
    }
    auto call = events_.claim();
    if (!call) return hang_up("the call ended before the customer answered");
    CarrierReport report;
    report.sid = answer.call_id;
    events_.report(report);
    call_ = call;
    if (auto trunk = trunk_.lock()) legs_.add_leg(id_, SipLeg{dialog, trunk->gateway()});
    join_rtp(line_->streams, id_, session_, call,
             [weak = weak_from_this(), events = line_->events] {
               boost::asio::post(events, [weak] {
                 if (auto self = weak.lock()) self->hang_up("the call ended");
               });
             });
    spdlog::info("sip: call {} answered (Call-ID {}), RTP {} <-> {}:{}", id_, answer.call_id,
                 session_->local_port(), audio.remote_address, audio.remote_rtp_port);
  }

  void on_ended(const std::string& ended_reason, int sip_status) override {
    ended_ = true;
    timer_.cancel();
    legs_.remove_leg(id_);
    if (call_) {
      // The customer's BYE; after ours the call has ended already.
      if (!hung_up_here_) call_->hung_up("BYE");
    } else {
      session_->close();
      spdlog::info("sip: call {} not connected: {} ({})", id_, ended_reason, sip_status);
      CarrierReport report;
      report.ended_reason = ended_reason.empty() ? sip::kFailedToConnectReason : ended_reason;
      events_.report(report);
    }
    session_.reset();  // its port goes back once closed (the transport holds a joined one)
    forget_();
  }

 private:
  SipLine& legs_;
  std::shared_ptr<const SipLineParts> line_;
  std::string id_;
  std::shared_ptr<RtpSession> session_;
  DialEvents events_;
  std::function<void()> forget_;
  net::Timer timer_;
  std::weak_ptr<sip::TrunkCall> trunk_;  ///< it keeps itself (and us) alive until its end
  std::shared_ptr<LiveCall> call_;       ///< once answered and joined
  bool answered_ = false;
  bool hung_up_here_ = false;
  bool ended_ = false;
};

// The calls under way, by call id (the sid the carrier names them by). Shared with each
// call's forget(), which may run after the carrier has gone at shutdown.
struct CallsOut {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<SipCallOut>, std::less<>> by_id;
};

class SipCarrier final : public TokenStreamCarrier {
 public:
  /// `trunk`: byo-phone-numbers, through their credential's gateways; else vapi numbers, which
  /// dial customers' SIP URIs only.
  SipCarrier(SipLine& line, const Clock& clock, bool trunk)
      : line_(line), clock_(clock), trunk_(trunk) {}

  std::string_view provider() const override { return trunk_ ? "byo-phone-number" : "vapi"; }
  std::string_view call_provider() const override { return "vapi"; }
  std::string_view call_transport() const override { return "sip"; }
  bool calls_back() const override { return false; }
  std::string_view dial_failed_reason() const override { return sip::kFailedToConnectReason; }
  bool keys_on_credential() const override { return trunk_; }

  void check(const DialingNumber& n) const override {
    const auto line = line_.parts();
    if (!line)
      throw ApiError(ErrorCode::kNotImplemented,
                     std::string(trunk_ ? "byo-phone-number numbers dial out through their SIP "
                                          "trunk"
                                        : "vapi numbers dial SIP URIs (customer.sipUri)") +
                         ", which needs this server's SIP side: start it with --sip-port");
    if (!trunk_) return;
    const auto& credential = n.credential;
    if (credential.empty())
      throw ApiError(ErrorCode::kBadRequest,
                     "The phone number's credentialId names no byo-sip-trunk credential: there "
                     "is no SIP trunk to dial out through");
    if (const auto provider = string_at(credential, "provider"); provider != "byo-sip-trunk")
      throw ApiError(ErrorCode::kBadRequest, "The phone number's credential is a " +
                                                 std::string(provider) +
                                                 " credential, not byo-sip-trunk");
    const auto targets = sip::trunk_targets(credential, "0", "0", line->host);
    if (targets.targets.empty()) {
      std::string why;
      for (const auto& skipped : targets.skipped) why += "; " + skipped;
      throw ApiError(ErrorCode::kBadRequest,
                     "The SIP trunk credential has no gateway to dial out through (one with "
                     "outboundEnabled over udp or tcp)" +
                         why);
    }
  }

  void check_customer(const DialingNumber& n, const boost::json::object& customer) const override {
    const std::string uri(string_at(customer, "sipUri"));
    if (uri.empty()) {
      if (trunk_) return TokenStreamCarrier::check_customer(n, customer);
      throw ApiError(ErrorCode::kBadRequest,
                     "customer.sipUri is needed: a vapi number calls SIP URIs (phone numbers "
                     "are dialled through a byo-phone-number on a SIP trunk)");
    }
    if (const auto problem = sip::sip_uri_problem(uri); !problem.empty())
      throw ApiError(ErrorCode::kBadRequest, "customer.sipUri '" + uri + "': " + problem);
  }

  void dial(const DialingNumber& n, const telephony::OutboundDial& order, DialDone done,
            DialEvents events) override {
    const auto line = line_.parts();
    if (!line) return done("", "the server's SIP side has stopped");
    auto targets = dial_targets(n, order, line->host);
    for (const auto& skipped : targets.skipped)
      spdlog::info("sip: call {}: gateway {}", order.call_id, skipped);
    // Opened before the INVITE, whose offer names its port; the answer names the peer.
    RtpSessionConfig config;
    config.local_address = line->rtp_bind;
    std::string error;
    auto session = RtpSession::open(line->io, clock_, line->ports, config, error);
    if (!session) return done("", error);
    const auto offer = sip::make_offer(
        {line->host, session->local_port(), static_cast<std::uint64_t>(clock_.wall_ms()), 1});
    auto forget = [table = std::weak_ptr<CallsOut>(calls_), id = order.call_id] {
      if (auto t = table.lock()) {
        std::lock_guard lock(t->mutex);
        t->by_id.erase(id);
      }
    };
    auto call = std::make_shared<SipCallOut>(line_, line, clock_, order.call_id, std::move(session),
                                             std::move(events), std::move(forget));
    {
      std::lock_guard lock(calls_->mutex);
      calls_->by_id[order.call_id] = call;
    }
    const std::chrono::seconds ring(order.ring_seconds > 0 ? order.ring_seconds
                                                           : kDefaultRingSeconds);
    boost::asio::post(line->events,
                      [call, targets = std::move(targets.targets), offer, ring]() mutable {
                        call->start(std::move(targets), offer, ring);
                      });
    done(order.call_id, "");
  }

  void hang_up(const DialingNumber&, const std::string& sid) override {
    const auto line = line_.parts();
    std::shared_ptr<SipCallOut> call;
    {
      std::lock_guard lock(calls_->mutex);
      const auto it = calls_->by_id.find(sid);
      if (it == calls_->by_id.end()) return;
      call = it->second;
    }
    if (!line) return;
    // The call has ended already: the reason is never the one it keeps.
    boost::asio::post(line->events, [call] { call->hang_up("manually-canceled"); });
  }

  // Its events come through DialEvents: no HTTP callback is its.
  CarrierReport report(const http::Fields&) const override { return {}; }
  bool status_authentic(const DialingNumber&, const http::Request&, const std::string&,
                        const http::Fields&) const override {
    return false;
  }

 private:
  // A customer's sipUri is dialled as it stands; a number through the trunk's gateways.
  sip::TrunkTargets dial_targets(const DialingNumber& n, const telephony::OutboundDial& order,
                                 const std::string& host) const {
    std::string ours(string_at(n.number, "number"));
    if (const auto uri = string_at(n.number, "sipUri"); !uri.empty())
      ours = sip::uri_user(uri);  // a vapi number's own SIP user
    if (!order.to_uri.empty())
      return {{sip::uri_target(order.to_uri, ours.empty() ? "switchboard" : ours, host)}, {}};
    return sip::trunk_targets(n.credential, ours, order.to, host);
  }

  SipLine& line_;
  const Clock& clock_;
  const bool trunk_;
  std::shared_ptr<CallsOut> calls_ = std::make_shared<CallsOut>();
};

}  // namespace

std::unique_ptr<OutboundCarrier> sip_trunk_carrier(SipLine& line, const Clock& clock) {
  return std::make_unique<SipCarrier>(line, clock, true);
}

std::unique_ptr<OutboundCarrier> sip_uri_carrier(SipLine& line, const Clock& clock) {
  return std::make_unique<SipCarrier>(line, clock, false);
}

}  // namespace sb::voice
