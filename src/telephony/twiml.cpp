#include "telephony/twiml.hpp"

#include "telephony/markup.hpp"

namespace sb::telephony {

std::string render_twiml(const Decision& decision, const RenderContext& ctx) {
  return markup::document(decision, ctx, [](const RenderContext& c) {
    using markup::escape;
    return "<Connect><Stream url=\"" + escape(c.stream_url) +
           "\"><Parameter name=\"callId\" value=\"" + escape(c.call_id) + "\"/></Stream></Connect>";
  });
}

std::string whisper_play(std::string_view audio_url) {
  return markup::response("<Play>" + markup::escape(audio_url) + "</Play>");
}

// speechTimeout is a number: Twilio refuses "auto" with its default speech model.
std::string whisper_wait(std::chrono::seconds timeout, std::string_view action_url) {
  return markup::response("<Gather input=\"speech\" timeout=\"" + std::to_string(timeout.count()) +
                          "\" speechTimeout=\"1\" actionOnEmptyResult=\"true\" action=\"" +
                          markup::escape(action_url) + "\" method=\"POST\"/>");
}

std::string whisper_document(std::string_view twiml) {
  if (twiml.find("<Response") != std::string_view::npos) return std::string(twiml);
  return markup::response(twiml);
}

}  // namespace sb::telephony
