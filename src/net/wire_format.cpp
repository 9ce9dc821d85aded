#include "net/wire_format.hpp"

#include <cstdio>
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

std::string response_head(const http::Response& response, std::string_view request_id,
                          unsigned version, bool keep_alive) {
  const std::string_view reason = http::reason_phrase(response.status);
  std::string head;
  head.reserve(256);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(response.status);
  head += ' ';
  head += reason;
  head += "\r\nServer: switchboard\r\nDate: ";
  head += http_date_now();
  head += "\r\nContent-Type: ";
  head += response.content_type;
  if (!response.stream) {
    head += "\r\nContent-Length: ";
    head += std::to_string(response.body_size());
  } else if (version != 10) {
    head += "\r\nTransfer-Encoding: chunked";
  }
  head += "\r\nX-Request-Id: ";
  head += request_id;
  // HTTP/1.1 stays open unless told otherwise; HTTP/1.0 closes unless told otherwise.
  if (!keep_alive && version != 10)
    head += "\r\nConnection: close";
  else if (keep_alive && version == 10)
    head += "\r\nConnection: keep-alive";
  for (const auto& [name, value] : response.headers) {
    head += "\r\n";
    head += name;
    head += ": ";
    head += value;
  }
  head += "\r\n\r\n";
  return head;
}

ChunkFrame chunk_frame(std::size_t size, bool last) {
  if (size == 0) return {{}, last ? "0\r\n\r\n" : ""};
  char hex[2 * sizeof size + 3];
  const int n = std::snprintf(hex, sizeof hex, "%zx\r\n", size);
  return {std::string(hex, static_cast<std::size_t>(n)), last ? "\r\n0\r\n\r\n" : "\r\n"};
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
