#include "runtime/voice/rtp_transport.hpp"

namespace sb::voice {

RtpTransport::RtpTransport(std::shared_ptr<RtpSession> session, std::function<void()> hang_up,
                           std::function<void(char)> info_digit)
    : session_(std::move(session)),
      on_hang_up_(std::move(hang_up)),
      info_digit_(std::move(info_digit)) {}

bool RtpTransport::sends_digits(bool sip_info) const {
  return sip_info ? static_cast<bool>(info_digit_) : session_->sends_events();
}

// The placeholder audio that follows is sent as it is (silence) for INFO, and replaced by the
// event's packets for RFC 4733.
void RtpTransport::send_digit(char key, bool sip_info) {
  if (released_) return;
  if (sip_info) {
    if (info_digit_) info_digit_(key);
    return;
  }
  session_->send_digits(std::string_view(&key, 1));
}

void RtpTransport::hang_up() {
  std::call_once(once_, [this] {
    if (released_) return;
    session_->close();
    if (on_hang_up_) on_hang_up_();
  });
}

}  // namespace sb::voice
