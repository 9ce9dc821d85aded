#pragma once
// What dialling one call out asks a carrier for, whichever carrier it is.

#include <optional>
#include <string>

#include "telephony/render_context.hpp"
#include "telephony/routing.hpp"

namespace sb::telephony {

/// Answering machine detection run in the background while the call talks (Twilio's and
/// Telnyx's TeXML async AMD, Vonage's advanced machine detection in its asynchronous mode): its
/// verdicts go to `callback` (Vonage's, with the call's events, to its event URL); Twilio's
/// tuning is sent only when set, as each carrier takes it (Vonage takes none of it).
struct MachineDetection {
  std::string callback;  ///< https://.../<carrier>/amd_status/{callId}
  std::optional<int> timeout_seconds;
  std::optional<int> speech_threshold_ms;
  std::optional<int> speech_end_threshold_ms;
  std::optional<int> silence_timeout_ms;
};

struct OutboundDial {
  std::string to;               ///< the customer, E.164
  std::string from;             ///< our number, E.164
  std::string stream_url;       ///< where the call's media stream connects back (wss://...)
  std::string call_id;          ///< our Call id
  std::string status_callback;  ///< https://.../<carrier>/outbound_status/{callId}
  int ring_seconds = 0;         ///< how long the phone rings; 0 leaves the carrier's default
  std::optional<MachineDetection> machine_detection;  ///< carriers without it ignore it
  std::string to_uri;  ///< the customer's sipUri, when given (SIP carriers dial it)
};

/// What a dialled call runs once answered: the carrier's markup (render_twiml, render_texml,
/// render_ncco) of an assistant's answer, the call's media streamed to `dial.stream_url`.
inline std::string answered_markup(const OutboundDial& dial,
                                   std::string (*render)(const Decision&, const RenderContext&)) {
  Decision answer;
  answer.kind = Decision::Kind::kAssistant;
  RenderContext ctx;
  ctx.stream_url = dial.stream_url;
  ctx.call_id = dial.call_id;
  return render(answer, ctx);
}

}  // namespace sb::telephony
