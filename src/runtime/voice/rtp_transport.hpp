#pragma once
// A SIP call's media as a live call's CallTransport: its RtpSession carries the audio, and
// ending the call is the SIP dialog's business (a BYE), so hang_up() closes the stream and then
// calls back whoever owns the dialog. RTP plays what it gets at once and cannot take it back,
// so the call paces its audio (paced() is true) and the session keeps it on a steady 20 ms grid.
// Keys the assistant presses go out as RFC 4733 events in the audio's place when the SDP
// agreed telephone-event, or as SIP INFO through the dialog's owner (the dtmf tool's
// sipInfoDtmfEnabled).

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "runtime/voice/call_transport.hpp"
#include "runtime/voice/rtp_session.hpp"

namespace sb::voice {

class RtpTransport final : public CallTransport {
 public:
  /// `hang_up` runs once, on the first hang_up() (from the call's strand); `info_digit` sends
  /// a key as a SIP INFO (none: keys cannot go that way).
  RtpTransport(std::shared_ptr<RtpSession> session, std::function<void()> hang_up,
               std::function<void(char key)> info_digit = {});

  bool paced() const override { return true; }
  bool send_audio(std::span<const std::int16_t> pcm) override {
    return !released_ && session_->send_audio(pcm);
  }
  /// Drops the few frames queued ahead (at most the call's lead).
  void clear() override {
    if (!released_) session_->clear();
  }
  /// What is sent is played as it goes: there is nothing to wait for.
  void mark(const std::string&) override {}
  void send_message(const boost::json::object&) override {}
  void hang_up() override;
  bool sends_digits(bool sip_info) const override;
  void send_digit(char key, bool sip_info) override;

  RtpSession& session() { return *session_; }
  /// The stream and the dialog now belong to someone else (a bridge to a second leg): the
  /// call's audio and keys are no longer sent, and its hang_up() neither closes the stream nor
  /// ends the dialog. Any thread.
  void release() {
    released_ = true;
    session_->clear();  // what the assistant had queued
  }

 private:
  std::shared_ptr<RtpSession> session_;
  std::atomic<bool> released_{false};
  std::once_flag once_;
  std::function<void()> on_hang_up_;
  std::function<void(char)> info_digit_;
};

}  // namespace sb::voice
