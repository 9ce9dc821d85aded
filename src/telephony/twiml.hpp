#pragma once
// A routing Decision as TwiML, the answer to Twilio's voice webhook.

#include <chrono>
#include <string>
#include <string_view>

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

// What a warm transfer runs on the destination's leg (the <Number url>/<Sip url> document)
// before Twilio connects the caller: whole TwiML documents.

/// <Play> of the introduction's audio.
std::string whisper_play(std::string_view audio_url);
/// Waits up to `timeout` for the operator to speak (<Gather input="speech">, which posts to
/// `action_url` once they have, or once the time is up): that answer then plays the audio.
std::string whisper_wait(std::chrono::seconds timeout, std::string_view action_url);
/// The user's transferPlan.twiml: a whole document as given, else its verbs in a <Response>.
std::string whisper_document(std::string_view twiml);

}  // namespace sb::telephony
