#pragma once
// The server's SIP side, when --sip-port is given: the user agent and, until SIP calls are
// routed to assistants, the handler that refuses every INVITE with 480 (see docs/sip.md).

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace sb::telephony::sip {
class SipAgent;
}

namespace sb::app {

struct SipEndpointOptions {
  std::string bind_host;    ///< the server's --host
  std::uint16_t port = 0;   ///< --sip-port; 0 = no SIP listener
  std::string public_host;  ///< --sip-public-host; "" = bind_host
};

class SipEndpoint {
 public:
  /// Starts listening when options.port is set (throws std::runtime_error if it cannot);
  /// otherwise does nothing. SIP events run on `executor`.
  SipEndpoint(const SipEndpointOptions& options, boost::asio::any_io_executor executor);
  ~SipEndpoint();  ///< stop()
  /// Shuts the agent down and joins its thread; before `executor`'s threads stop.
  void stop();
  /// The user agent (to dial out and ping gateways through); nullptr without --sip-port.
  telephony::sip::SipAgent* agent();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace sb::app
