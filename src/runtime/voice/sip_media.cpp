#include "runtime/voice/sip_media.hpp"

#include "runtime/voice/live_call.hpp"
#include "runtime/voice/rtp_streams.hpp"
#include "runtime/voice/rtp_transport.hpp"

namespace sb::voice {

RtpSessionConfig rtp_config(const boost::asio::ip::address& bind,
                            const telephony::sip::AgreedAudio& audio) {
  RtpSessionConfig config;
  config.local_address = bind;
  config.remote = {boost::asio::ip::make_address(audio.remote_address), audio.remote_rtp_port};
  config.codec = audio.codec == media::G711Law::kAlaw ? RtpCodec::kPcma : RtpCodec::kPcmu;
  config.event_payload_type = audio.telephone_event_type
                                  ? std::optional<std::uint8_t>(*audio.telephone_event_type)
                                  : std::nullopt;
  return config;
}

bool aim_at_answer(RtpSession& session, const telephony::sip::AgreedAudio& audio) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(audio.remote_address, ec);
  if (ec) return false;
  const auto config = rtp_config({}, audio);
  session.set_peer(config.remote, config.codec, config.event_payload_type);
  return true;
}

std::shared_ptr<RtpTransport> join_rtp(RtpStreams& streams, const std::string& id,
                                       std::shared_ptr<RtpSession> session,
                                       std::shared_ptr<LiveCall> call,
                                       std::function<void()> hang_up,
                                       std::function<void(char key)> info_digit) {
  streams.add(id, session);
  auto transport = std::make_shared<RtpTransport>(
      session,
      [&streams, id, hang_up = std::move(hang_up)] {
        streams.remove(id);
        hang_up();
      },
      std::move(info_digit));
  session->start(call);
  call->connected(transport);
  return transport;
}

}  // namespace sb::voice
