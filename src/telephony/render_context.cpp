#include "telephony/render_context.hpp"

#include <boost/json/value.hpp>

#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// A header name for a SIP URI: only token characters, so a name cannot inject another header.
std::string header_name(std::string_view name) {
  std::string out;
  if (!starts_with_ignoring_case(name, "X-") && !starts_with_ignoring_case(name, "User-to-User")) {
    out = "X-";
  }
  for (const char c : name) {
    if (is_unreserved(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

}  // namespace

std::string transfer_caller_id(const json::object& destination, const RenderContext& ctx) {
  const std::string_view caller_id = string_at(destination, "callerId");
  if (caller_id.empty() || caller_id == "{{customer.number}}") return ctx.caller;
  if (caller_id == "{{phoneNumber.number}}") return ctx.our_number;
  return std::string(caller_id);
}

std::string transfer_message(const json::object& destination) {
  const auto* message = destination.if_contains("message");
  if (!message) return {};
  if (message->is_string()) return std::string(message->get_string());
  if (message->is_object()) return std::string(string_at(message->get_object(), "content"));
  return {};
}

std::vector<std::pair<std::string, std::string>> sip_headers(const json::object& destination) {
  std::vector<std::pair<std::string, std::string>> headers;
  const auto* object = destination.if_contains("sipHeaders");
  if (!object || !object->is_object()) return headers;
  for (const auto& header : object->get_object()) {
    const auto& value = header.value();
    headers.emplace_back(std::string(header.key()),
                         value.is_string() ? std::string(value.get_string()) : json_text(value));
  }
  return headers;
}

std::string sip_uri_with_headers(std::string_view sip_uri,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out(sip_uri);
  char separator = out.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : headers) {
    const std::string clean = header_name(name);
    if (clean.empty() || clean == "X-") continue;
    out += separator;
    out += clean;
    out += '=';
    out += percent_encode(value);
    separator = '&';
  }
  return out;
}

std::string with_query_parameter(std::string_view url, std::string_view name,
                                 std::string_view value) {
  std::string out(url);
  const auto fragment = out.find('#');
  const std::string tail = fragment == std::string::npos ? "" : out.substr(fragment);
  if (fragment != std::string::npos) out.erase(fragment);
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += percent_encode(name);
  out += '=';
  out += percent_encode(value);
  return out + tail;
}

std::string extension_digits(const json::object& destination, std::string_view pause) {
  const std::string_view extension = string_at(destination, "extension");
  if (extension.empty()) return {};
  return std::string(pause) + std::string(pause) + std::string(extension);
}

}  // namespace sb::telephony
