#pragma once
// What Twilio fetches for a warm transfer's destination leg (runtime/voice/transfer_whispers):
// - POST /twilio/transfer_whisper/{token}: the TwiML run once the destination answers — <Play>
//   of the introduction, a <Gather> that first waits for the operator to speak, or the plan's
//   own TwiML (<Response/> when the introduction could not be made: the caller is connected
//   at once);
// - POST .../{token}/spoken: where that <Gather> goes once the operator spoke (or the wait is
//   over): the <Play>;
// - GET .../{token}/audio.wav: the introduction itself.
// The POSTs must carry the X-Twilio-Signature of the call's number (403 otherwise); the token,
// a capability, is all the audio needs. An unknown or expired token is 404.

#include <functional>
#include <string>

#include "api/common/route_provider.hpp"

namespace sb::voice {
class TransferWhispers;
}

namespace sb::api {

class TransferWhisperRoutes final : public RouteProvider {
 public:
  /// `whispers` must outlive the routes; `public_url` is this server's, as Twilio reaches it.
  TransferWhisperRoutes(const voice::TransferWhispers& whispers,
                        std::function<std::string()> public_url)
      : whispers_(whispers), public_url_(std::move(public_url)) {}
  int register_routes(http::Router& router) override;

 private:
  const voice::TransferWhispers& whispers_;
  std::function<std::string()> public_url_;
};

}  // namespace sb::api
