#pragma once
// The XML that TwiML (Twilio) and TeXML (Telnyx) share: TeXML is built to be TwiML-compatible,
// so a transfer and a spoken message are written the same way for both.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::telephony::markup {

/// `text` escaped for XML text and attribute values (& < > " '). Characters XML 1.0 forbids
/// (control characters but tab, LF and CR) are dropped, so the document always parses.
std::string escape(std::string_view text);

/// The XML declaration and <Response> around `verbs`.
std::string response(std::string_view verbs);

/// <Say> of `text` (nothing when empty: both providers reject an empty <Say>).
std::string say(std::string_view text);

/// The destination's message (if any) as <Say>, then <Dial callerId=...> with <Number
/// sendDigits=...> or <Sip> (sipHeaders as URI headers), each with url=ctx.whisper_url when set.
std::string dial(const boost::json::object& destination, const RenderContext& ctx);

/// The whole document for `decision`: <Dial> for kTransfer, <Say> then <Hangup/> for kSay,
/// <Reject/> for kHangup, and for kAssistant what `connect_stream` writes (the <Connect>
/// around the media stream, where TwiML and TeXML differ).
std::string document(const Decision& decision, const RenderContext& ctx,
                     std::string (*connect_stream)(const RenderContext& ctx));

}  // namespace sb::telephony::markup
