#include "telephony/form.hpp"

#include <string>

#include <boost/json/parse.hpp>

namespace sb::telephony {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

http::Fields parse_form(std::string_view body) {
  http::Fields fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      fields.emplace_back(decode(pair), std::string());
    } else {
      fields.emplace_back(decode(pair.substr(0, eq)), decode(pair.substr(eq + 1)));
    }
  }
  return fields;
}

// The string fields of a JSON body, or of its Call Control envelope's data.payload.
http::Fields json_fields(std::string_view body) {
  http::Fields out;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return out;
  const boost::json::object* obj = &parsed.as_object();
  if (const auto* data = obj->if_contains("data"); data && data->is_object())
    if (const auto* payload = data->as_object().if_contains("payload");
        payload && payload->is_object()) {
      for (const auto& [k, v] : data->as_object())
        if (v.is_string()) out.emplace_back(k, std::string(v.get_string()));
      obj = &payload->as_object();
    }
  for (const auto& [k, v] : *obj)
    if (v.is_string()) out.emplace_back(k, std::string(v.get_string()));
  return out;
}

http::Fields webhook_fields(const http::Request& request) {
  if (request.method == http::Method::kGet) return request.query;
  return request.content_type.find("json") != std::string::npos ? json_fields(request.body)
                                                                : parse_form(request.body);
}

}  // namespace sb::telephony
