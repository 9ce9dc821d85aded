#include "runtime/voice/rtp_transport.hpp"

namespace sb::voice {

RtpTransport::RtpTransport(std::shared_ptr<RtpSession> session, std::function<void()> hang_up)
    : session_(std::move(session)), on_hang_up_(std::move(hang_up)) {}

void RtpTransport::hang_up() {
  std::call_once(once_, [this] {
    session_->close();
    if (on_hang_up_) on_hang_up_();
  });
}

}  // namespace sb::voice
