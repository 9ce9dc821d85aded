#include "net/request_conversion.hpp"

#include <ctime>

#include <boost/url/parse.hpp>

#include "core/ids.hpp"

namespace sb::net {

bool parse_target(std::string_view target, http::Request& out) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return false;
  out.path = url->path();
  if (out.path.empty()) out.path = "/";
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto param : url->params(opts)) out.query.emplace_back(param.key, param.value);
  return true;
}

std::string request_id_for(std::string_view supplied) {
  if (!supplied.empty() && supplied.size() <= 128) {
    bool plain = true;
    for (char c : supplied)
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
    if (plain) return std::string(supplied);
  }
  return new_uuid();
}

std::string_view http_date_now() {
  thread_local std::time_t cached_second = 0;
  thread_local char text[40] = {};
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return text;
}

}  // namespace sb::net
