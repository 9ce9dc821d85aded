#include "telephony/sip/trunk_call.hpp"

#include <spdlog/spdlog.h>

namespace sb::telephony::sip {

std::shared_ptr<TrunkCall> TrunkCall::start(SipDialer& dialer, std::vector<TrunkTarget> targets,
                                            std::string offer,
                                            std::shared_ptr<TrunkCallListener> listener) {
  std::shared_ptr<TrunkCall> call(
      new TrunkCall(dialer, std::move(targets), std::move(offer), std::move(listener)));
  call->self_ = call;
  call->dial_next();
  return call;
}

TrunkCall::TrunkCall(SipDialer& dialer, std::vector<TrunkTarget> targets, std::string offer,
                     std::shared_ptr<TrunkCallListener> listener)
    : dialer_(dialer),
      targets_(std::move(targets)),
      offer_(std::move(offer)),
      listener_(std::move(listener)) {}

void TrunkCall::dial_next() {
  if (next_target_ >= targets_.size()) {
    end(kFailedToConnectReason, 0);
    return;
  }
  const auto& t = targets_[next_target_++];
  SipDialRequest request;
  request.request_uri = t.request_uri;
  request.to_uri = t.to_uri;
  request.from_uri = t.from_uri;
  request.headers = t.headers;
  request.sdp = offer_;
  request.auth_username = t.auth_username;
  request.auth_password = t.auth_password;
  dialog_ = dialer_.dial(std::move(request), shared_from_this());
}

void TrunkCall::end(const std::string& reason, int status) {
  if (ended_) return;
  ended_ = true;
  listener_->on_ended(reason, status);
  self_.reset();  // may destroy this: nothing after it
}

void TrunkCall::hang_up(std::string ended_reason) {
  if (ended_ || hangup_reason_) return;
  hangup_reason_ = std::move(ended_reason);
  dialer_.hang_up(dialog_);
}

void TrunkCall::on_progress(DialogId dialog, const SipDialResponse&) {
  if (dialog != dialog_ || ringing_ || ended_) return;
  ringing_ = true;
  listener_->on_ringing();
}

void TrunkCall::on_answered(DialogId dialog, const SipDialResponse& response) {
  if (dialog != dialog_ || ended_) return;
  answered_ = true;
  std::optional<AgreedAudio> audio;
  try {
    audio = read_answer(parse_sdp(response.sdp));
  } catch (const SdpError& e) {
    spdlog::warn("sip: outbound Call-ID {}: unreadable SDP answer: {}", response.call_id, e.what());
  }
  if (!audio) {
    // Nothing to speak over: end the dialog; on_ended then ends the call with this reason.
    if (!hangup_reason_) hangup_reason_ = kFailedToConnectReason;
    dialer_.hang_up(dialog_);
    return;
  }
  if (hangup_reason_) {  // hung up while the 200 was on its way: BYE it
    dialer_.hang_up(dialog_);
    return;
  }
  listener_->on_answered(dialog, *audio, response);
}

void TrunkCall::on_failed(DialogId dialog, const SipDialResponse& response) {
  if (dialog != dialog_ || ended_) return;
  if (hangup_reason_) {
    end(*hangup_reason_, response.status);
    return;
  }
  const auto outcome = dial_outcome(response.status);
  if (outcome.try_next && next_target_ < targets_.size()) {
    spdlog::info("sip: outbound {} answered {}, trying the next gateway",
                 targets_[next_target_ - 1].gateway, response.status);
    dial_next();
    return;
  }
  end(outcome.ended_reason, response.status);
}

void TrunkCall::on_ended(DialogId dialog, const std::string&) {
  if (dialog != dialog_ || ended_) return;
  end(hangup_reason_ ? *hangup_reason_ : "customer-ended-call", 0);
}

}  // namespace sb::telephony::sip
