#pragma once
// The SipEvents of a server whose SIP calls are not routed to assistants yet: every INVITE is
// refused with 480 Temporarily Unavailable and a Warning saying why, never answered with a
// 200 that no assistant would speak on. The SIP call work replaces it with the real router.

#include <string>

#include "telephony/sip/sip_events.hpp"

namespace sb::telephony::sip {

class UnroutedCalls : public SipEvents {
 public:
  /// `warn_agent` names this server in the Warning header (RFC 3261 20.43): its SIP host.
  UnroutedCalls(SipResponder& responder, std::string warn_agent);

  void on_invite(const SipInvite& invite) override;
  void on_cancelled(DialogId) override {}
  void on_ended(DialogId, const std::string&) override {}

 private:
  SipResponder& responder_;
  std::string warn_agent_;
};

/// The Warning header's value UnroutedCalls sends.
std::string unrouted_warning(const std::string& warn_agent);

}  // namespace sb::telephony::sip
