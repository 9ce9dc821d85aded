#include "app/sip_endpoint.hpp"

#include "telephony/sip/sip_agent.hpp"
#include "telephony/sip/unrouted_calls.hpp"

namespace sb::app {

struct SipEndpoint::Parts {
  telephony::sip::SipAgent agent;
  telephony::sip::UnroutedCalls unrouted;

  Parts(telephony::sip::SipAgentOptions o, boost::asio::any_io_executor executor)
      : agent(o, std::move(executor)),
        unrouted(agent, o.public_host.empty() ? o.bind_host : o.public_host) {}
};

SipEndpoint::SipEndpoint(const SipEndpointOptions& options, boost::asio::any_io_executor executor) {
  if (options.port == 0) return;
  parts_ = std::make_unique<Parts>(
      telephony::sip::SipAgentOptions{options.bind_host, options.port, options.public_host},
      std::move(executor));
  parts_->agent.start(parts_->unrouted);
}

SipEndpoint::~SipEndpoint() {
  stop();
}

telephony::sip::SipAgent* SipEndpoint::agent() {
  return parts_ ? &parts_->agent : nullptr;
}

void SipEndpoint::stop() {
  if (parts_) parts_->agent.stop();
}

}  // namespace sb::app
