#include "telephony/ncco.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"

#include <boost/json/array.hpp>

namespace sb::telephony {
namespace {

namespace json = boost::json;

std::string without_plus(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  return std::string(number);
}

json::object talk(std::string_view text) {
  return {{"action", "talk"}, {"text", text}};
}

json::object endpoint(const json::object& destination) {
  if (string_at(destination, "type") == "sip") {
    json::object sip{{"type", "sip"}, {"uri", string_at(destination, "sipUri")}};
    const auto headers = sip_headers(destination);
    if (!headers.empty()) {
      json::object h;
      for (const auto& [name, value] : headers) h[name] = value;
      sip["headers"] = std::move(h);
    }
    return sip;
  }
  json::object phone{{"type", "phone"}, {"number", without_plus(string_at(destination, "number"))}};
  if (auto digits = extension_digits(destination, "p"); !digits.empty()) {
    phone["dtmfAnswer"] = std::move(digits);
  }
  return phone;
}

json::array transfer(const json::object& destination, const RenderContext& ctx) {
  json::array ncco;
  if (const auto message = transfer_message(destination); !message.empty()) {
    ncco.push_back(talk(message));
  }
  json::object connect{{"action", "connect"}};
  if (const auto from = transfer_caller_id(destination, ctx); !from.empty()) {
    connect["from"] = without_plus(from);
  }
  json::array endpoints;
  endpoints.push_back(endpoint(destination));
  connect["endpoint"] = std::move(endpoints);
  ncco.push_back(std::move(connect));
  return ncco;
}

json::array stream(const RenderContext& ctx) {
  json::object websocket{
      {"type", "websocket"}, {"uri", ctx.stream_url}, {"content-type", "audio/l16;rate=16000"}};
  websocket["headers"] = json::object{{"callId", ctx.call_id}};
  json::array endpoints;
  endpoints.push_back(std::move(websocket));
  json::object connect{{"action", "connect"}};
  connect["endpoint"] = std::move(endpoints);
  json::array ncco;
  ncco.push_back(std::move(connect));
  return ncco;
}

}  // namespace

std::string render_ncco(const Decision& decision, const RenderContext& ctx) {
  json::array ncco;
  switch (decision.kind) {
    case Decision::Kind::kTransfer:
      ncco = transfer(decision.destination, ctx);
      break;
    case Decision::Kind::kSay:
      if (!decision.text.empty()) ncco.push_back(talk(decision.text));
      break;
    case Decision::Kind::kAssistant:
      ncco = stream(ctx);
      break;
    case Decision::Kind::kHangup:
      break;
  }
  return json_text(ncco);
}

}  // namespace sb::telephony
