#include "net/access_log.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "core/clock.hpp"

namespace sb::net {
namespace {

// Paths arrive percent-decoded and may hold quotes or control bytes; keep the line valid JSON.
std::string json_escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void log_access(spdlog::logger* log, const AccessEntry& e) {
  if (!log) return;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - e.started)
          .count();
  log->info(
      R"({{"time":"{}","type":"access","requestId":"{}","method":"{}","path":"{}","status":{},"bytes":{},"ms":{:.3f},"remote":"{}"}})",
      format_iso8601(now_ms()), e.request_id, e.method, json_escaped(e.path), e.status, e.bytes, ms,
      e.remote);
}

}  // namespace sb::net
