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

}  // namespace sb::telephony
