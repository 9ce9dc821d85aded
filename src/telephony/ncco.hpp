#pragma once
// A routing Decision as an NCCO, the answer to Vonage's answer webhook.

#include <string>

#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::telephony {

/// The NCCO (JSON array text). Vonage writes numbers without '+', so every number is written
/// that way.
/// - kTransfer: [talk message]?, connect {from: callerId, endpoint: [{type: phone, number,
///   dtmfAnswer: "pp{ext}"}] or [{type: sip, uri, headers: sipHeaders}]}
/// - kSay: [{talk, text}]: the call ends when the NCCO runs out
/// - kAssistant: connect {endpoint: [{type: websocket, uri, content-type:
///   audio/l16;rate=16000, headers: {callId}}]}
/// - kHangup: [] (an NCCO with nothing to do ends the call; NCCOs have no reject action)
std::string render_ncco(const Decision& decision, const RenderContext& ctx);

}  // namespace sb::telephony
