#include "telephony/sip/sip_metrics.hpp"

#include "core/prometheus_text.hpp"

namespace sb::telephony::sip {

std::size_t SipMetrics::method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i)
    if (kMethods[i] == method) return i;
  return kMethods.size() - 1;  // OTHER
}

void SipMetrics::count(std::array<ByClass, kMethods.size()>& table, std::string_view method,
                       int status) {
  if (status < 100 || status > 699) return;
  table[method_index(method)][static_cast<std::size_t>(status / 100 - 1)].fetch_add(
      1, std::memory_order_relaxed);
}

void SipMetrics::request_received(std::string_view method) {
  received_[method_index(method)].fetch_add(1, std::memory_order_relaxed);
}

void SipMetrics::response_sent(std::string_view method, int status) {
  if (status >= 200) count(sent_, method, status);
}

void SipMetrics::response_received(std::string_view method, int status) {
  if (status >= 200) count(answered_, method, status);
}

std::string SipMetrics::render() const {
  std::string out;
  append_metric_header(out, "switchboard_sip_requests_received_total", "counter",
                       "SIP requests received, by method");
  for (std::size_t m = 0; m < kMethods.size(); ++m)
    if (const auto n = received_[m].load(std::memory_order_relaxed))
      out += "switchboard_sip_requests_received_total{method=\"" + std::string(kMethods[m]) +
             "\"} " + std::to_string(n) + "\n";
  const auto by_class = [&](std::string_view name, std::string_view help,
                            const std::array<ByClass, kMethods.size()>& table) {
    append_metric_header(out, name, "counter", help);
    for (std::size_t m = 0; m < kMethods.size(); ++m)
      for (std::size_t c = 0; c < 6; ++c)
        if (const auto n = table[m][c].load(std::memory_order_relaxed))
          out += std::string(name) + "{method=\"" + std::string(kMethods[m]) + "\",class=\"" +
                 std::to_string(c + 1) + "xx\"} " + std::to_string(n) + "\n";
  };
  by_class("switchboard_sip_responses_sent_total",
           "Final SIP responses this server sent, by the request's method and the status class",
           sent_);
  by_class("switchboard_sip_responses_received_total",
           "Final SIP responses to the requests this server sent, by method and status class",
           answered_);
  return out;
}

}  // namespace sb::telephony::sip
