#include "telephony/texml.hpp"

#include "telephony/markup.hpp"

namespace sb::telephony {

std::string render_texml(const Decision& decision, const RenderContext& ctx) {
  using markup::escape;
  switch (decision.kind) {
    case Decision::Kind::kTransfer:
      return markup::response(markup::dial(decision.destination, ctx));
    case Decision::Kind::kSay:
      return markup::response(markup::say(decision.text) + "<Hangup/>");
    case Decision::Kind::kAssistant:
      return markup::response("<Connect><Stream url=\"" +
                              escape(with_query_parameter(ctx.stream_url, "callId", ctx.call_id)) +
                              "\" bidirectionalMode=\"rtp\"/></Connect>");
    case Decision::Kind::kHangup:
      break;
  }
  return markup::response("<Reject/>");
}

}  // namespace sb::telephony
