#pragma once
// A routing Decision as TeXML, the answer to Telnyx's TeXML voice webhook. TeXML mirrors
// TwiML, so transfers and speech read the same; the media stream differs (below).

#include <string>

#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::telephony {

/// The whole TeXML document (XML text):
/// - kTransfer, kSay, kHangup: as render_twiml (<Dial>, <Say>+<Hangup/>, <Reject/>)
/// - kAssistant: <Connect><Stream url="...?callId=..." bidirectionalMode="rtp"/></Connect>.
///   Telnyx identifies a stream by its own call_control_id, so our call id rides in the URL;
///   bidirectionalMode="rtp" lets the stream send audio back to the caller.
std::string render_texml(const Decision& decision, const RenderContext& ctx);

}  // namespace sb::telephony
