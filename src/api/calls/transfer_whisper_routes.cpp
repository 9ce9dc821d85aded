#include "api/calls/transfer_whisper_routes.hpp"

#include "core/api_error.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "runtime/voice/transfer_whispers.hpp"
#include "telephony/form.hpp"
#include "telephony/signatures.hpp"
#include "telephony/twiml.hpp"

namespace sb::api {

namespace {

http::Response twiml(std::string document) {
  http::Response r;
  r.body = std::move(document);
  r.content_type = "text/xml; charset=utf-8";
  return r;
}

}  // namespace

int TransferWhisperRoutes::register_routes(http::Router& router) {
  // The TwiML of the destination's leg: on answer (`spoken` false), or after the wait.
  auto leg = [this](bool spoken) {
    http::Route route;
    route.method = http::Method::kPost;
    route.path = "/twilio/transfer_whisper/{token}" + std::string(spoken ? "/spoken" : "");
    route.authenticated = false;  // Twilio's signature instead
    route.body_check = http::BodyCheck::kHandler;
    route.body_limit = 64 * 1024;
    route.secret_params = {"token"};
    route.headers = {"x-twilio-signature"};
    route.handler = [this, spoken](http::Context&& ctx, http::Reply reply) {
      const auto& request = ctx.request;
      auto whisper = whispers_.find(request.param("token"));
      if (!whisper)
        return reply(http::error_response(ApiError::not_found("Transfer introduction not found")));
      if (!telephony::twilio_signature_valid(
              whisper->twilio_auth_token, public_url_() + request.target,
              telephony::webhook_fields(request), request.header("x-twilio-signature")))
        return reply(http::error_response(
            ApiError(ErrorCode::kForbidden,
                     "The twilio signature of this request is missing or does not "
                     "match")));
      const auto base = public_url_() + voice::TransferWhispers::path(request.param("token"));
      const auto& plan = whisper->plan;
      if (plan.mode == calls::TransferMode::kWarmTwiml)
        return reply(twiml(telephony::whisper_document(plan.twiml)));
      if (whisper->audio_wav.empty()) return reply(twiml(telephony::whisper_document("")));
      if (plan.waits_for_operator() && !spoken)
        return reply(twiml(telephony::whisper_wait(plan.operator_timeout, base + "/spoken")));
      reply(twiml(telephony::whisper_play(base + "/audio.wav")));
    };
    return route;
  };
  router.add(leg(false));
  router.add(leg(true));

  http::Route audio;
  audio.method = http::Method::kGet;
  audio.path = "/twilio/transfer_whisper/{token}/audio.wav";
  audio.authenticated = false;
  audio.secret_params = {"token"};
  audio.handler = [this](http::Context&& ctx, http::Reply reply) {
    auto whisper = whispers_.find(ctx.request.param("token"));
    if (!whisper || whisper->audio_wav.empty())
      return reply(http::error_response(ApiError::not_found("Transfer introduction not found")));
    http::Response r;
    // The WAV is served from the kept whisper, not copied per request.
    r.shared_body = std::shared_ptr<const std::string>(whisper, &whisper->audio_wav);
    r.content_type = "audio/wav";
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    reply(std::move(r));
  };
  router.add(std::move(audio));
  return 3;
}

}  // namespace sb::api
