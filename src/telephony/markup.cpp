#include "telephony/markup.hpp"

#include "core/json_fields.hpp"

namespace sb::telephony::markup {
namespace {

std::string attribute(std::string_view name, std::string_view value) {
  if (value.empty()) return {};
  return " " + std::string(name) + "=\"" + escape(value) + "\"";
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
          break;  // not allowed anywhere in an XML 1.0 document
        }
        out += ch;
    }
  }
  return out;
}

std::string response(std::string_view verbs) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + std::string(verbs) +
         "</Response>";
}

std::string say(std::string_view text) {
  if (text.empty()) return {};
  return "<Say>" + escape(text) + "</Say>";
}

std::string dial(const boost::json::object& destination, const RenderContext& ctx) {
  std::string noun;
  if (string_at(destination, "type") == "sip") {
    const std::string uri =
        sip_uri_with_headers(string_at(destination, "sipUri"), sip_headers(destination));
    noun = "<Sip" + attribute("url", ctx.whisper_url) + ">" + escape(uri) + "</Sip>";
  } else {
    noun = "<Number" + attribute("sendDigits", extension_digits(destination, "w")) +
           attribute("url", ctx.whisper_url) + ">" + escape(string_at(destination, "number")) +
           "</Number>";
  }
  return say(transfer_message(destination)) + "<Dial" +
         attribute("callerId", transfer_caller_id(destination, ctx)) + ">" + noun + "</Dial>";
}

std::string document(const Decision& decision, const RenderContext& ctx,
                     std::string (*connect_stream)(const RenderContext& ctx)) {
  switch (decision.kind) {
    case Decision::Kind::kTransfer:
      return response(dial(decision.destination, ctx));
    case Decision::Kind::kSay:
      return response(say(decision.text) + "<Hangup/>");
    case Decision::Kind::kAssistant:
      return response(connect_stream(ctx));
    case Decision::Kind::kHangup:
      break;
  }
  return response("<Reject/>");
}

}  // namespace sb::telephony::markup
