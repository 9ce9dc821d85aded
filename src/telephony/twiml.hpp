#pragma once
// A routing Decision as TwiML, the answer to Twilio's voice webhook.

#include <string>

#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::telephony {

/// The whole TwiML document (XML text):
/// - kTransfer: [<Say>message</Say>]<Dial callerId="..."><Number sendDigits="ww{ext}">
///   or <Sip>uri?X-Header=value</Sip></Dial>
/// - kSay: <Say>text</Say><Hangup/>
/// - kAssistant: <Connect><Stream url="..."><Parameter name="callId" value="..."/></Stream>
///   </Connect>: a bidirectional media stream toward this server
/// - kHangup: <Reject/>. As the first verb it keeps the call from ever being answered: nobody
///   is billed for an answered call, and the caller hears the network's standard
///   not-in-service response at once instead of an answered line going dead.
std::string render_twiml(const Decision& decision, const RenderContext& ctx);

}  // namespace sb::telephony
