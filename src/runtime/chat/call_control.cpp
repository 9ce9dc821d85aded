#include "runtime/chat/call_control.hpp"

namespace sb::chat {

bool is_call_control_tool(std::string_view type) {
  return type == "endCall" || type == "transferCall" || type == "dtmf" || type == "voicemail";
}

}  // namespace sb::chat
