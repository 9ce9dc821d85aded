#pragma once
// OPTIONS pings to the gateways of byo-sip-trunk credentials that ask for them
// (optionsPingEnabled): each gateway is pinged when it is added and then `interval` after each
// answer, and its reachability (up/down) is logged when it changes and rendered for /metrics.
// A gateway is up when it answers at all, except with 408 or 5xx (sofia-sip reports no answer
// as 408 and a transport failure as 503).

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "telephony/sip/sip_dial.hpp"

namespace sb::telephony::sip {

/// One gateway to ping.
struct PingTarget {
  std::string gateway;  ///< "ip:port", the name in logs and metrics
  std::string uri;      ///< sip:ip:port;transport=udp|tcp
  bool operator==(const PingTarget&) const = default;
};

/// The gateways of one byo-sip-trunk credential with optionsPingEnabled, over their
/// outboundProtocol (udp by default); tls gateways are left out (this agent has no TLS).
std::vector<PingTarget> ping_targets(const boost::json::object& credential);

/// Whether a ping's final status means the gateway is reachable.
bool ping_says_up(int status);

class OptionsPinger {
 public:
  /// How long after a ping's answer the gateway is pinged again. A ping nothing answers
  /// takes 32 s (SIP timer F) to report 408, so a dead gateway is seen within about a minute.
  static constexpr std::chrono::seconds kDefaultInterval{30};

  /// Timers and state run on `executor` (one strand); `pinger` and `clock` must outlive
  /// this. Nothing is pinged before set_targets().
  OptionsPinger(SipPinger& pinger, boost::asio::any_io_executor executor, const Clock& clock,
                std::chrono::milliseconds interval = kDefaultInterval);
  ~OptionsPinger();  ///< stop()
  OptionsPinger(const OptionsPinger&) = delete;
  OptionsPinger& operator=(const OptionsPinger&) = delete;

  /// Replaces the gateways pinged (any thread; applied on the executor): new ones are
  /// pinged at once, kept ones keep their state, removed ones are forgotten.
  void set_targets(std::vector<PingTarget> targets);
  /// No more pings (answers still on their way are ignored). Any thread.
  void stop();

  struct GatewayState {
    std::string gateway;
    std::optional<bool> up;  ///< unknown until the first answer
    int last_status = 0;
    std::uint64_t pings = 0;  ///< answered (any status)
  };
  /// Any thread.
  std::vector<GatewayState> states() const;
  /// Prometheus text: switchboard_sip_gateway_up{gateway="ip:port"} 1|0 (gateways with an
  /// answer) and switchboard_sip_gateway_pings_total. Any thread.
  std::string render_metrics() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sb::telephony::sip
