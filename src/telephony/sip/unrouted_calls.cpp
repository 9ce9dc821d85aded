#include "telephony/sip/unrouted_calls.hpp"

namespace sb::telephony::sip {

UnroutedCalls::UnroutedCalls(SipResponder& responder, std::string warn_agent)
    : responder_(responder), warn_agent_(std::move(warn_agent)) {}

std::string unrouted_warning(const std::string& warn_agent) {
  // 399: miscellaneous warning, the text for a human reading the peer's logs.
  return "399 " + warn_agent + " \"SIP calls are not routed to assistants yet\"";
}

void UnroutedCalls::on_invite(const SipInvite& invite) {
  responder_.respond(invite.dialog, 480, "Temporarily Unavailable",
                     {{"Warning", unrouted_warning(warn_agent_)}});
}

}  // namespace sb::telephony::sip
