#pragma once
// One structured (JSON) line per request. Never carries bodies, headers or query values that
// could hold secrets: method, path, status, size, time, request id and peer only.

#include <chrono>
#include <string_view>

namespace spdlog {
class logger;
}

namespace sb::net {

struct AccessEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view path;
  std::string_view remote;
  int status = 0;
  std::size_t bytes = 0;
  std::chrono::steady_clock::time_point started;
};

/// No-op when `log` is null (access logging disabled).
void log_access(spdlog::logger* log, const AccessEntry& entry);

}  // namespace sb::net
