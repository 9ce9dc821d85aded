#include "app/sip_endpoint.hpp"

#include <boost/asio/strand.hpp>
#include <charconv>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/rtp_ports.hpp"
#include "runtime/voice/sip_bridge.hpp"
#include "runtime/voice/sip_call_transfers.hpp"
#include "runtime/voice/sip_calls.hpp"
#include "runtime/voice/sip_carrier.hpp"
#include "telephony/sip/sip_agent.hpp"

namespace sb::app {
namespace {

std::uint16_t port_of(std::string_view text, const std::string& range) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    throw std::invalid_argument("--rtp-ports must be FIRST-LAST (UDP ports 1-65535), not '" +
                                range + "'");
  return static_cast<std::uint16_t>(value);
}

// Where RTP sockets bind: --host when it is an address, else every IPv4 address.
boost::asio::ip::address rtp_bind(const std::string& host) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return ec ? boost::asio::ip::address(boost::asio::ip::address_v4::any()) : address;
}

}  // namespace

std::pair<std::uint16_t, std::uint16_t> parse_port_range(const std::string& range) {
  const auto dash = range.find('-');
  if (dash == std::string::npos)
    throw std::invalid_argument("--rtp-ports must be FIRST-LAST, e.g. 20000-20999, not '" + range +
                                "'");
  const auto first = port_of(std::string_view(range).substr(0, dash), range);
  const auto last = port_of(std::string_view(range).substr(dash + 1), range);
  if (first > last)
    throw std::invalid_argument("--rtp-ports: the first port is above the last in '" + range + "'");
  return {first, last};
}

struct SipEndpoint::Parts {
  voice::RtpPorts ports;
  // One strand: a dialog's events (INVITE, then CANCEL) are handled in order.
  boost::asio::any_io_executor events;
  telephony::sip::SipAgent agent;
  voice::SipCalls calls;
  std::shared_ptr<const voice::SipLineParts> line;  ///< what dialling out uses
  voice::SipBridges bridges;
  voice::SipCallTransfers transfers;
  voice::TransfersByTransport* joined = nullptr;  ///< where `transfers` is set while running

  Parts(const SipEndpointOptions& o, std::pair<std::uint16_t, std::uint16_t> range,
        SipCallDeps deps)
      : ports(range.first, range.second),
        events(boost::asio::make_strand(deps.io)),
        agent({o.bind_host, o.port, o.public_host, o.metrics}, events),
        calls({agent, deps.inbound, deps.live, ports, deps.io, deps.clock, deps.streams, shown(o),
               rtp_bind(o.bind_host), shown(o), &agent}),
        line(std::make_shared<voice::SipLineParts>(voice::SipLineParts{
            agent, events, ports, deps.io, deps.streams, shown(o), rtp_bind(o.bind_host)})),
        bridges(line, deps.clock, calls),
        transfers(
            [this, line = deps.line](std::string_view id) {
              auto leg = calls.leg(id);
              if (!leg && line) leg = line->leg(id);  // a call dialled out
              return leg;
            },
            agent, &bridges, {events, &deps.clock}),
        joined(deps.transfers) {}

  static std::string shown(const SipEndpointOptions& o) {
    return o.public_host.empty() ? o.bind_host : o.public_host;
  }
};

SipEndpoint::SipEndpoint(const SipEndpointOptions& options, SipCallDeps deps) {
  if (options.port == 0) return;
  const auto range = parse_port_range(options.rtp_ports);
  try {
    parts_ = std::make_unique<Parts>(options, range, deps);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("--rtp-ports " + options.rtp_ports + ": " + e.what());
  }
  const auto media = Parts::shown(options);
  if (media == "0.0.0.0" || media == "::")
    spdlog::warn(
        "SIP: --sip-public-host is not set and --host is {}: SDP answers would name no "
        "reachable address; set --sip-public-host",
        media);
  parts_->agent.start(parts_->calls);
  if (parts_->joined) parts_->joined->set_sip(&parts_->transfers);
  spdlog::info("SIP: RTP on UDP ports {}", parts_->ports.describe());
  if ((line_ = deps.line)) line_->attach(parts_->line);
}

SipEndpoint::~SipEndpoint() {
  stop();
}

telephony::sip::SipAgent* SipEndpoint::agent() {
  return parts_ ? &parts_->agent : nullptr;
}

void SipEndpoint::stop() {
  if (line_) line_->detach();
  if (!parts_) return;
  if (parts_->joined) parts_->joined->set_sip(nullptr);
  parts_->calls.end_bridges();
  parts_->agent.stop();
}

}  // namespace sb::app
