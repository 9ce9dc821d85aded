#pragma once
// The Prometheus text exposition format (version 0.0.4), as GET /metrics serves it: every
// metric's HELP and TYPE lines, then its samples.

#include <concepts>
#include <string>
#include <string_view>

namespace sb {

/// Appends "# HELP <name> <help>\n# TYPE <name> <type>\n" (type: "counter", "gauge",
/// "histogram").
void append_metric_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);

/// Appends the metric's header and its one sample, "<name> <value>\n".
template <std::integral Value>
void append_metric(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, Value value) {
  append_metric_header(out, name, type, help);
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

}  // namespace sb
