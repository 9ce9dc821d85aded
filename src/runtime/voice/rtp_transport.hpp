#pragma once
// A SIP call's media as a live call's CallTransport: its RtpSession carries the audio, and
// ending the call is the SIP dialog's business (a BYE), so hang_up() closes the stream and then
// calls back whoever owns the dialog. RTP plays what it gets at once and cannot take it back,
// so the call paces its audio (paced() is true) and the session keeps it on a steady 20 ms grid.

#include <functional>
#include <memory>
#include <mutex>

#include "runtime/voice/call_transport.hpp"
#include "runtime/voice/rtp_session.hpp"

namespace sb::voice {

class RtpTransport final : public CallTransport {
 public:
  /// `hang_up` runs once, on the first hang_up() (from the call's strand).
  RtpTransport(std::shared_ptr<RtpSession> session, std::function<void()> hang_up);

  bool paced() const override { return true; }
  bool send_audio(std::span<const std::int16_t> pcm) override { return session_->send_audio(pcm); }
  /// Drops the few frames queued ahead (at most the call's lead).
  void clear() override { session_->clear(); }
  /// What is sent is played as it goes: there is nothing to wait for.
  void mark(const std::string&) override {}
  void send_message(const boost::json::object&) override {}
  void hang_up() override;

  RtpSession& session() { return *session_; }

 private:
  std::shared_ptr<RtpSession> session_;
  std::once_flag once_;
  std::function<void()> on_hang_up_;
};

}  // namespace sb::voice
