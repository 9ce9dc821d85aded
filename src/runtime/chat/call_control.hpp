#pragma once
// The call a conversation runs in, as the model's call-control tools (endCall, transferCall,
// dtmf, voicemail) act on it. A call's host implements it and puts it in the Conversation;
// a chat has none, and its model keeps hearing that these tools are not available in chats.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::chat {

class CallControl {
 public:
  virtual ~CallControl() = default;

  /// Each asks the host to act on the call and returns at once (the host acts on its own
  /// strand) with the text the model reads back, e.g. "Ending the call". Called with the
  /// turn's lock held (see ChatEvents): it must not wait for the turn. `tool` is the Vapi
  /// tool object the model called.
  virtual std::string end_call(const boost::json::object& tool) = 0;
  /// `destination`: the one of tool.destinations the model picked (by its `destination`
  /// argument, a number or SIP URI), else the first; {} when the tool has none.
  virtual std::string transfer(const boost::json::object& tool,
                               const boost::json::object& destination) = 0;
  virtual std::string send_dtmf(const boost::json::object& tool, std::string_view digits) = 0;
  virtual std::string voicemail(const boost::json::object& tool) = 0;
};

/// True for the tool types a CallControl runs.
bool is_call_control_tool(std::string_view type);

}  // namespace sb::chat
