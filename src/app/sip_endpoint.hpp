#pragma once
// The server's SIP side, when --sip-port is given: the user agent, the RTP port range and the
// SIP calls behind them, routed by the inbound routing engine and run as live calls (see
// docs/sip.md).

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"

namespace sb::telephony {
class InboundCalls;
}
namespace sb::voice {
class LiveCalls;
class RtpStreams;
class SipLine;
class TransfersByTransport;
}  // namespace sb::voice
namespace sb::telephony::sip {
class SipAgent;
class SipMetrics;
}  // namespace sb::telephony::sip

namespace sb::app {

struct SipEndpointOptions {
  std::string bind_host;                          ///< the server's --host
  std::uint16_t port = 0;                         ///< --sip-port; 0 = no SIP listener
  std::string public_host;                        ///< --sip-public-host; "" = bind_host
  std::string rtp_ports;                          ///< --rtp-ports, "FIRST-LAST"
  telephony::sip::SipMetrics* metrics = nullptr;  ///< SIP transactions, for /metrics
};

/// What SIP calls are routed by and run on.
struct SipCallDeps {
  const telephony::InboundCalls& inbound;
  voice::LiveCalls& live;
  boost::asio::io_context& io;  ///< the calls' context: SIP events and RTP run on it
  const Clock& clock;
  voice::RtpStreams& streams;  ///< for /metrics
  /// SIP calls' transfers are added to it while the agent runs (none: SIP calls do not
  /// transfer).
  voice::TransfersByTransport* transfers = nullptr;
  /// Where calls dialled out find the agent, while it runs; none: they do not.
  voice::SipLine* line = nullptr;
};

/// "20000-20999" as its two ports; throws std::invalid_argument naming the option otherwise.
std::pair<std::uint16_t, std::uint16_t> parse_port_range(const std::string& range);

class SipEndpoint {
 public:
  /// Starts listening when options.port is set (throws std::runtime_error if it cannot, and
  /// std::invalid_argument for a bad --rtp-ports); otherwise does nothing.
  SipEndpoint(const SipEndpointOptions& options, SipCallDeps deps);
  ~SipEndpoint();  ///< stop()
  /// Shuts the agent down and joins its thread (SIP calls no longer transfer); before the
  /// calls' context stops.
  void stop();
  /// The user agent (to dial out and ping gateways through); nullptr without --sip-port.
  telephony::sip::SipAgent* agent();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  voice::SipLine* line_ = nullptr;
};

}  // namespace sb::app
