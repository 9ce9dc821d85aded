#pragma once
// Counters of SIP transactions for GET /metrics: the requests this server received, by method;
// its final responses to them, by method and class; the final responses to the requests it
// sent, by method and class. Counted on the SIP thread, rendered on any (relaxed atomics).

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace sb::telephony::sip {

class SipMetrics {
 public:
  void request_received(std::string_view method);
  /// A final response (status ≥ 200) this server sent to a request it received.
  void response_sent(std::string_view method, int status);
  /// A final response to a request this server sent (a timeout counts as the 408 it is).
  void response_received(std::string_view method, int status);
  /// Prometheus text: every method and class seen at least once.
  std::string render() const;

  static constexpr std::array<std::string_view, 10> kMethods{
      "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "REFER", "NOTIFY", "PRACK", "OTHER"};

 private:
  using ByClass = std::array<std::atomic<std::uint64_t>, 6>;  // 1xx … 6xx
  static std::size_t method_index(std::string_view method);
  static void count(std::array<ByClass, kMethods.size()>& table, std::string_view method,
                    int status);

  std::array<std::atomic<std::uint64_t>, kMethods.size()> received_{};
  std::array<ByClass, kMethods.size()> sent_{};
  std::array<ByClass, kMethods.size()> answered_{};
};

}  // namespace sb::telephony::sip
