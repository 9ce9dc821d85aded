#include "runtime/voice/sip_calls.hpp"

#include <cctype>
#include <mutex>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "http/message.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/rtp_ports.hpp"
#include "runtime/voice/rtp_session.hpp"
#include "runtime/voice/rtp_streams.hpp"
#include "runtime/voice/rtp_transport.hpp"
#include "runtime/voice/sip_media.hpp"
#include "telephony/inbound_calls.hpp"
#include "telephony/sip/sdp.hpp"
#include "telephony/sip/sdp_negotiation.hpp"
#include "telephony/sip/sip_info_dtmf.hpp"
#include "telephony/sip/sip_routing.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;
namespace sip = telephony::sip;
using telephony::RingOutcome;

// The caller hung up (CANCEL, or the INVITE transaction failed) before the call was answered.
constexpr const char* kCallerGone = "call.ringing.sip-inbound-caller-hungup-before-call-connect";
// The call was routed to an assistant but its media could not be set up.
constexpr const char* kNotConnected = "call.ringing.error-sip-inbound-call-failed-to-connect";
// How long a key sent as INFO says it is pressed (as its RFC 4733 events last).
constexpr int kInfoDigitMs = 100;

struct Reject {
  int status;
  std::string reason;
  std::string warning;  ///< for the peer's logs
};

// Transfer destinations as a Contact a SIP peer can follow.
std::string contact_of(const json::object& destination) {
  if (const auto uri = string_at(destination, "sipUri"); !uri.empty())
    return "<" + std::string(uri) + ">";
  return "<tel:" + std::string(string_at(destination, "number")) + ">";
}

}  // namespace

struct SipCalls::Impl : std::enable_shared_from_this<SipCalls::Impl> {
  struct Dialog {
    sip::SessionDescription offer;
    sip::AgreedAudio audio;
    std::string sip_call_id;         ///< for the log
    std::string source;              ///< the INVITE's, "ip:port"
    std::string call_id;             ///< ours, once an assistant takes it
    std::shared_ptr<LiveCall> call;  ///< once answered
    std::shared_ptr<RtpSession> session;
    std::shared_ptr<RtpTransport> transport;
    std::function<void()> end_other;  ///< bridged to a second leg: hangs that leg up
    bool over = false;                ///< the caller left
  };

  SipCallsDeps deps;
  std::mutex mutex;
  std::unordered_map<sip::DialogId, std::shared_ptr<Dialog>> dialogs;

  explicit Impl(SipCallsDeps d) : deps(std::move(d)) {}

  void reject(sip::DialogId dialog, const Reject& r) {
    auto text = r.warning;  // a quoted-string: no quotes, backslashes or line ends inside
    for (auto& c : text)
      if (c == '"' || c == '\\' || c == '\r' || c == '\n') c = '\'';
    std::vector<sip::SipHeader> headers{
        {"Warning", "399 " + deps.warn_agent + " \"" + text + "\""}};
    if (r.status == 503) headers.emplace_back("Retry-After", "5");
    deps.responder.respond(dialog, r.status, r.reason, std::move(headers));
  }

  std::shared_ptr<Dialog> find(sip::DialogId dialog) {
    std::lock_guard lock(mutex);
    const auto it = dialogs.find(dialog);
    return it == dialogs.end() ? nullptr : it->second;
  }

  // What the offer agrees to, or why the INVITE cannot be taken.
  std::optional<Reject> check_offer(const sip::SipInvite& invite, Dialog& d) const {
    if (invite.sdp.empty())
      return Reject{488, "Not Acceptable Here",
                    "the INVITE needs an SDP offer (offers in the ACK are not supported)"};
    try {
      d.offer = sip::parse_sdp(invite.sdp);
    } catch (const sip::SdpError& e) {
      return Reject{488, "Not Acceptable Here", std::string("malformed SDP: ") + e.what()};
    }
    auto audio = sip::answer_offer(d.offer, {deps.media_host, 0, 0, 0}).audio;
    if (!audio)
      return Reject{488, "Not Acceptable Here", "no audio stream with PCMU or PCMA over RTP/AVP"};
    boost::system::error_code ec;
    boost::asio::ip::make_address(audio->remote_address, ec);
    if (ec)
      return Reject{488, "Not Acceptable Here",
                    "the SDP's connection address is not an IP address"};
    d.audio = *audio;
    return std::nullopt;
  }

  void on_invite(const sip::SipInvite& invite) {
    auto d = std::make_shared<Dialog>();
    d->sip_call_id = invite.call_id;
    d->source = invite.source;
    if (auto refused = check_offer(invite, *d)) return reject(invite.dialog, *refused);
    const auto user = sip::uri_user(invite.request_uri);
    if (user.empty())
      return reject(invite.dialog, {404, "Not Found", "the request-URI names no user"});
    if (deps.live.full())
      return reject(invite.dialog, {503, "Service Unavailable",
                                    "this server is at its limit of concurrent calls"});
    {
      std::lock_guard lock(mutex);
      dialogs[invite.dialog] = d;
    }
    deps.responder.respond(invite.dialog, 180, "Ringing");
    telephony::InboundRing ring;
    ring.info = {"vapi", invite.call_id, sip::caller_number(invite.from), "sip", invite.from};
    ring.to_number = user;
    ring.lookups = sip::number_lookups(user);
    ring.variables = sip::header_variables(invite.x_headers);
    ring.live_stream = true;
    // A vapi number takes any caller (no registration, as Vapi's); a trunk's number only the
    // sources its gateways name.
    auto verify = [source = invite.source](const telephony::CandidateNumber& c) {
      return string_at(c.number, "provider") == "vapi" || sip::gateway_admits(c.credential, source);
    };
    deps.inbound.ring(std::move(ring), std::move(verify),
                      [weak = weak_from_this(), dialog = invite.dialog](RingOutcome out) {
                        if (auto self = weak.lock()) self->routed(dialog, std::move(out));
                      });
  }

  void routed(sip::DialogId dialog, RingOutcome out) {
    using Status = RingOutcome::Status;
    using Kind = telephony::Decision::Kind;
    if (out.status != Status::kRouted || out.decision.kind != Kind::kAssistant) {
      forget(dialog);
      return answer_unrouted(dialog, out);
    }
    const std::string id(string_at(out.call, "id"));
    if (auto d = find(dialog)) {
      std::lock_guard lock(mutex);
      d->call_id = id;
    }
    spdlog::info("sip: dialog {} is call {}", dialog, id);
    // Registered like a carrier's call waiting for its stream; the stream is ours to connect.
    deps.live.adopt(
        std::move(out.call), [](const http::Request&) { return true; },
        [weak = weak_from_this(), dialog, id] {
          if (auto self = weak.lock()) self->answer(dialog, id);
        });
  }

  void answer_unrouted(sip::DialogId dialog, const RingOutcome& out) {
    using Status = RingOutcome::Status;
    switch (out.status) {
      case Status::kUnknownNumber:
        return reject(dialog, {404, "Not Found", "no phone number has this SIP user or number"});
      case Status::kForbidden:
        return reject(dialog,
                      {403, "Forbidden",
                       "no inbound gateway of the number's SIP trunk has this source address"});
      case Status::kError:
        return reject(dialog, {500, "Server Internal Error", "the call could not be routed"});
      case Status::kRouted:
        break;
    }
    if (out.decision.kind == telephony::Decision::Kind::kTransfer)
      return deps.responder.respond(dialog, 302, "Moved Temporarily",
                                    {{"Contact", contact_of(out.decision.destination)}});
    // Hang-up, or a message to say: no assistant takes the call (the message is not spoken).
    reject(dialog, {480, "Temporarily Unavailable",
                    "no assistant takes this call (" +
                        std::string(string_at(out.call, "endedReason")) + ")"});
  }

  // The adopted call `id` can take its media: open RTP, answer 200, connect.
  void answer(sip::DialogId dialog, const std::string& id) {
    auto d = find(dialog);  // gone once the caller left
    if (!d) {
      deps.live.end(id, kCallerGone);
      return;
    }
    std::string error;
    auto session = RtpSession::open(deps.io, deps.clock, deps.ports,
                                    rtp_config(deps.rtp_bind, d->audio), error);
    if (!session) {
      spdlog::warn("sip: call {}: {}", id, error);
      deps.live.end(id, kNotConnected);
      forget(dialog);
      return reject(dialog, {503, "Service Unavailable", "no RTP port is free"});
    }
    auto [claim, call] = deps.live.claim(id, http::Request{});
    if (claim != LiveCalls::Claim::kClaimed) {
      session->close();
      forget(dialog);
      return reject(dialog,
                    {480, "Temporarily Unavailable", "the call's assistant could not start"});
    }
    const auto now = static_cast<std::uint64_t>(deps.clock.wall_ms());
    const auto sdp =
        sip::answer_offer(d->offer, {deps.media_host, session->local_port(), now, 1}).sdp;
    deps.responder.respond(dialog, 200, "OK", {}, sdp);
    std::function<void(char)> info_digit;
    if (auto* info = deps.info)
      info_digit = [info, dialog](char key) {
        const auto upper = static_cast<char>(std::toupper(static_cast<unsigned char>(key)));
        info->info(dialog, sip::kDtmfRelayType, sip::dtmf_relay_body(upper, kInfoDigitMs));
      };
    auto transport = join_rtp(
        deps.streams, id, session, call,
        [weak = weak_from_this(), dialog] {
          if (auto self = weak.lock()) self->deps.responder.hang_up(dialog);
        },
        std::move(info_digit));
    bool gone = false;
    {
      std::lock_guard lock(mutex);
      d->call = call;
      d->session = session;
      d->transport = std::move(transport);
      gone = d->over;
    }
    spdlog::info("sip: call {} answered, RTP {} <-> {}:{}", id, session->local_port(),
                 d->audio.remote_address, d->audio.remote_rtp_port);
    if (gone) call->hung_up("the caller left while the call was answered");
  }

  void forget(sip::DialogId dialog) {
    std::lock_guard lock(mutex);
    dialogs.erase(dialog);
  }

  // A bridge is over: the caller's stream closes and the other leg is hung up (`end_other`
  // with `d` no longer listed).
  void unbridge(const Dialog& d) {
    d.session->close();
    deps.streams.remove(d.call_id);
    spdlog::info("sip: call {}: the bridge ended", d.call_id);
    d.end_other();
  }

  // The caller left: CANCEL, BYE, or the dialog failed.
  void caller_left(sip::DialogId dialog, const std::string& why) {
    std::shared_ptr<Dialog> d;
    {
      std::lock_guard lock(mutex);
      const auto it = dialogs.find(dialog);
      if (it == dialogs.end()) return;
      d = it->second;
      d->over = true;
      dialogs.erase(it);
    }
    if (d->end_other) return unbridge(*d);
    const auto& call = d->call;
    const auto& id = d->call_id;
    if (call) return call->hung_up(why);
    // Routed and waiting for its media: it ends here; still routing: answer() ends it.
    if (!id.empty()) deps.live.end(id, kCallerGone);
  }
};

void SipCalls::on_info(sip::DialogId dialog, const std::string& content_type,
                       const std::string& body) {
  const auto digit = sip::info_dtmf_digit(content_type, body);
  if (!digit) return;
  auto d = impl_->find(dialog);
  std::shared_ptr<LiveCall> call;
  if (d) {
    std::lock_guard lock(impl_->mutex);
    call = d->call;
  }
  if (call) call->dtmf(std::string(1, *digit));
}

std::optional<SipLeg> SipCalls::leg(std::string_view call_id) const {
  std::lock_guard lock(impl_->mutex);
  for (const auto& [dialog, d] : impl_->dialogs)
    if (d->call && !d->over && !d->end_other && d->call_id == call_id)
      return SipLeg{dialog, d->source};
  return std::nullopt;
}

bool SipCalls::bridge(std::string_view call_id, const std::shared_ptr<RtpSession>& other,
                      std::function<void()> end_other) {
  std::shared_ptr<Impl::Dialog> d;
  {
    std::lock_guard lock(impl_->mutex);
    for (const auto& [dialog, candidate] : impl_->dialogs)
      if (candidate->call && !candidate->over && !candidate->end_other &&
          candidate->call_id == call_id)
        d = candidate;
    if (!d) return false;
    d->end_other = std::move(end_other);
  }
  d->transport->release();
  d->session->relay_to(other);
  other->relay_to(d->session);
  return true;
}

void SipCalls::end_bridge(std::string_view call_id) {
  std::shared_ptr<Impl::Dialog> d;
  sip::DialogId dialog = 0;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto it = impl_->dialogs.begin(); it != impl_->dialogs.end(); ++it)
      if (it->second->end_other && it->second->call_id == call_id) {
        dialog = it->first;
        d = it->second;
        impl_->dialogs.erase(it);
        break;
      }
  }
  if (!d) return;
  d->end_other = [] {};  // that leg has ended already
  impl_->unbridge(*d);
  impl_->deps.responder.hang_up(dialog);
}

void SipCalls::end_bridges() {
  std::vector<std::pair<sip::DialogId, std::shared_ptr<Impl::Dialog>>> bridged;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto it = impl_->dialogs.begin(); it != impl_->dialogs.end();)
      if (it->second->end_other) {
        bridged.emplace_back(*it);
        it = impl_->dialogs.erase(it);
      } else {
        ++it;
      }
  }
  for (const auto& [dialog, d] : bridged) {
    impl_->unbridge(*d);
    impl_->deps.responder.hang_up(dialog);
  }
}

SipCalls::SipCalls(SipCallsDeps deps) : impl_(std::make_shared<Impl>(std::move(deps))) {}

SipCalls::~SipCalls() = default;

void SipCalls::on_invite(const sip::SipInvite& invite) {
  impl_->on_invite(invite);
}

void SipCalls::on_cancelled(sip::DialogId dialog) {
  impl_->caller_left(dialog, "CANCEL");
}

void SipCalls::on_ended(sip::DialogId dialog, const std::string& why) {
  impl_->caller_left(dialog, why);
}

}  // namespace sb::voice
