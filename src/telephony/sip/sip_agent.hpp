#pragma once
// The server's SIP user agent: sofia-sip's nua on a thread of its own (its su_root loop),
// listening on UDP and TCP. OPTIONS are answered by the agent itself (200 with Allow and
// Accept: application/sdp); INVITEs, CANCELs and the ends of dialogs are handed to SipEvents
// on the application's executor, and the application answers through SipResponder. Each
// dialog is logged with its Call-ID. Outbound INVITEs and OPTIONS pings: SipDialer, SipPinger
// (sip_agent_outbound.cpp). Only sip_agent*.cpp include sofia-sip's headers.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "telephony/sip/sip_dial.hpp"
#include "telephony/sip/sip_events.hpp"

namespace sb::telephony::sip {

class SipMetrics;

struct SipAgentOptions {
  std::string bind_host = "127.0.0.1";  ///< the address listened on (UDP and TCP)
  std::uint16_t port = 5060;
  /// The name peers reach this server by (Contact, Via); "" = bind_host.
  std::string public_host;
  SipMetrics* metrics = nullptr;  ///< counts transactions (GET /metrics) when set
};

class SipAgent : public SipResponder,
                 public SipDialer,
                 public SipPinger,
                 public SipTransfers,
                 public SipInfoSender {
 public:
  /// Events are posted to `executor`, which must stay valid until stop() has returned.
  SipAgent(SipAgentOptions options, boost::asio::any_io_executor executor);
  ~SipAgent() override;  ///< stop()
  SipAgent(const SipAgent&) = delete;
  SipAgent& operator=(const SipAgent&) = delete;

  /// Starts the SIP thread and waits until it listens; throws std::runtime_error (naming the
  /// address) when it cannot. `events` must stay valid until stop() has returned.
  void start(SipEvents& events);
  /// Shuts the agent down (nua_shutdown: open transactions are finished or dropped), then
  /// joins its thread. Idempotent; not from an SipEvents call.
  void stop();
  void respond(DialogId dialog, int status, std::string reason, std::vector<SipHeader> headers,
               std::string sdp) override;
  /// Inbound dialogs: BYE. Outbound ones (SipDialer): CANCEL while ringing, BYE once answered.
  void hang_up(DialogId dialog) override;
  DialogId dial(SipDialRequest request, std::shared_ptr<SipDialEvents> events) override;
  void ping(const std::string& uri, std::function<void(int status)> done) override;
  void refer(DialogId dialog, std::string refer_to, std::vector<SipHeader> headers,
             std::function<void(int status)> done,
             std::function<void(int status)> outcome) override;
  void info(DialogId dialog, std::string content_type, std::string body) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::telephony::sip
