#pragma once
// One outbound call through a SIP trunk, at the signalling level: the INVITE goes to each
// target (trunk_targets) in turn until one answers, fails for good, or none is left; the
// result is told to a TrunkCallListener in the Call's terms (ringing, answered with the
// agreed audio, ended with its endedReason). Media is not opened here: on_answered hands over
// the established dialog and the agreed audio, and the live call joins them to an RtpSession.
//
// Threading: every method, and every listener call, runs on the executor the SipDialer posts
// its events to (one strand per call).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "telephony/sip/sdp_negotiation.hpp"
#include "telephony/sip/sip_dial.hpp"
#include "telephony/sip/trunk_dialing.hpp"

namespace sb::telephony::sip {

class TrunkCallListener {
 public:
  virtual ~TrunkCallListener() = default;
  /// The first 180/183 of the call (the Call's status becomes "ringing").
  virtual void on_ringing() = 0;
  /// Answered: `dialog` is established (hang it up with TrunkCall::hang_up) and `audio` is
  /// what the answer agreed to: the RTP session's codec, payload types and remote address.
  virtual void on_answered(DialogId dialog, const AgreedAudio& audio,
                           const SipDialResponse& answer) = 0;
  /// The last call: the call ended (never answered, or answered and hung up). `sip_status`
  /// is the last final response (0 when the answered call ended with a BYE).
  virtual void on_ended(const std::string& ended_reason, int sip_status) = 0;
};

class TrunkCall : public SipDialEvents, public std::enable_shared_from_this<TrunkCall> {
 public:
  /// Starts dialling `targets` in order with the SDP `offer`; an empty list ends the call at
  /// once with kFailedToConnectReason. The call keeps itself alive until its last event.
  static std::shared_ptr<TrunkCall> start(SipDialer& dialer, std::vector<TrunkTarget> targets,
                                          std::string offer,
                                          std::shared_ptr<TrunkCallListener> listener);

  /// Ends the call: CANCEL while ringing, BYE once answered. `ended_reason` is what
  /// on_ended reports (e.g. customer-did-not-answer for a ring timeout, or the live call's
  /// own reason). Ignored once ended.
  void hang_up(std::string ended_reason);
  /// The target now dialled (the one that answered, once answered): its "host:port".
  const std::string& gateway() const { return targets_[next_target_ - 1].gateway; }

  void on_progress(DialogId dialog, const SipDialResponse& response) override;
  void on_answered(DialogId dialog, const SipDialResponse& response) override;
  void on_failed(DialogId dialog, const SipDialResponse& response) override;
  void on_ended(DialogId dialog, const std::string& why) override;

 private:
  TrunkCall(SipDialer& dialer, std::vector<TrunkTarget> targets, std::string offer,
            std::shared_ptr<TrunkCallListener> listener);
  void dial_next();
  void end(const std::string& reason, int status);

  SipDialer& dialer_;
  std::vector<TrunkTarget> targets_;
  std::size_t next_target_ = 0;
  std::string offer_;
  std::shared_ptr<TrunkCallListener> listener_;
  std::shared_ptr<TrunkCall> self_;  ///< alive until the last event
  DialogId dialog_ = 0;
  bool ringing_ = false;
  bool answered_ = false;
  std::optional<std::string> hangup_reason_;  ///< set by our own hang_up
  bool ended_ = false;
};

}  // namespace sb::telephony::sip
