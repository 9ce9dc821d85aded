#include "domain/calls/websocket_call.hpp"

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"

namespace sb::calls {
namespace json = boost::json;

namespace {

// What a new call copies from its request as it is.
constexpr std::string_view kCopied[] = {"assistantId", "assistant", "assistantOverrides",
                                        "squadId",     "squad",     "squadOverrides",
                                        "customer",    "name",      "metadata"};

[[noreturn]] void refuse(std::string message) {
  throw ApiError(ErrorCode::kBadRequest, std::move(message));
}

}  // namespace

bool wants_websocket_transport(const json::object& body) {
  const auto* transport = object_at(body, "transport");
  return transport && string_at(*transport, "provider") == kWebsocketProvider;
}

AudioFormat check_websocket_call(const json::object& body) {
  if (body.contains("phoneNumberId") || body.contains("phoneNumber"))
    refuse("phoneNumberId and phoneNumber cannot be used with the vapi.websocket transport");
  const bool has_agent = body.contains("assistantId") || body.contains("assistant") ||
                         body.contains("squadId") || body.contains("squad");
  if (!has_agent) refuse("Need Either `assistantId`, `assistant`, `squadId`, Or `squad`.");
  AudioFormat format;
  const auto* transport = object_at(body, "transport");
  const auto* audio = transport ? object_at(*transport, "audioFormat") : nullptr;
  if (!audio) return format;
  const auto encoding = string_at(*audio, "format");
  if (encoding == "mulaw") {
    format.encoding = AudioFormat::Encoding::kMulaw;
    format.sample_rate = 8'000;
  }
  const auto rate = int_at(*audio, "sampleRate", format.sample_rate);
  if (format.encoding == AudioFormat::Encoding::kMulaw && rate != 8'000)
    refuse("transport.audioFormat.sampleRate must be 8000 for mulaw audio");
  // speexdsp converts any rate; outside telephone to studio rates is a mistake, not audio.
  if (rate < 8'000 || rate > 48'000 || rate % 50 != 0)
    refuse("transport.audioFormat.sampleRate must be a multiple of 50 between 8000 and 48000");
  format.sample_rate = static_cast<int>(rate);
  return format;
}

std::string websocket_base_url(std::string_view public_url) {
  std::string url(public_url);
  if (url.rfind("https://", 0) == 0)
    url.replace(0, 5, "wss");
  else if (url.rfind("http://", 0) == 0)
    url.replace(0, 4, "ws");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string websocket_call_url(std::string_view public_url, std::string_view call_id) {
  return websocket_base_url(public_url) + "/" + std::string(call_id) + "/transport";
}

json::object new_websocket_call(std::string_view id, std::string_view org_id,
                                const json::object& body, const AudioFormat& format,
                                std::string_view public_url, std::int64_t now_ms) {
  const auto now = format_iso8601(now_ms);
  json::object call{{"id", id},           {"orgId", org_id},  {"type", "vapi.websocketCall"},
                    {"status", "queued"}, {"createdAt", now}, {"updatedAt", now},
                    {"cost", 0}};
  for (const auto field : kCopied)
    if (const auto* v = body.if_contains(field)) call[field] = *v;
  const bool mulaw = format.encoding == AudioFormat::Encoding::kMulaw;
  call["transport"] = json::object{{"provider", kWebsocketProvider},
                                   {"websocketCallUrl", websocket_call_url(public_url, id)},
                                   {"audioFormat",
                                    {{"format", mulaw ? "mulaw" : "pcm_s16le"},
                                     {"container", "raw"},
                                     {"sampleRate", format.sample_rate}}}};
  return call;
}

}  // namespace sb::calls
