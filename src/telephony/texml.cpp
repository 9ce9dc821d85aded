#include "telephony/texml.hpp"

#include "telephony/markup.hpp"

namespace sb::telephony {

std::string render_texml(const Decision& decision, const RenderContext& ctx) {
  return markup::document(decision, ctx, [](const RenderContext& c) {
    return "<Connect><Stream url=\"" +
           markup::escape(with_query_parameter(c.stream_url, "callId", c.call_id)) +
           "\" bidirectionalMode=\"rtp\"/></Connect>";
  });
}

}  // namespace sb::telephony
