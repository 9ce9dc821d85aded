#pragma once
// The pure rules between a chat request and a model call: which request fields may go
// together, how input and stored messages map to the model's (OpenAI) format, how overrides
// merge into an assistant, and what an assistant's model and tools say. No I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::chat {

/// Throws ApiError (400) when the request combines what cannot go together: sessionId with
/// previousChatId; sessionId with assistantId/assistant/squadId/squad (a session has its
/// own); more than one of assistantId/assistant/squadId/squad; none of them and no
/// sessionId/previousChatId to take one from.
void check_chat_request(const boost::json::object& body);

/// The request's `input` as stored messages: a string is one user message; message objects
/// keep their role, and their text moves to `content` (Vapi's UserMessage/SystemMessage say
/// `message`). Throws ApiError (400) for an empty input.
boost::json::array input_messages(const boost::json::value& input);

/// Stored messages (user/system/assistant/tool/developer) in OpenAI's chat format.
boost::json::array to_model_messages(const boost::json::array& stored);

/// `assistant` with `overrides` merged in: objects key by key (recursively), anything else
/// replaced. `variableValues` is not part of an assistant and is left out.
boost::json::object apply_overrides(boost::json::object assistant,
                                    const boost::json::object& overrides);

/// What the assistant's `model` says for a model call.
struct ModelSetup {
  std::string provider;
  std::string model;
  std::string url;                     ///< custom-llm's `url`; ""
  std::string credential_id;           ///< model.credentialId; ""
  boost::json::array system_messages;  ///< model.messages of role system, OpenAI format
  std::optional<double> temperature;
  std::optional<std::int64_t> max_tokens;
};
/// Throws ApiError (400) when the assistant has no model or the model no provider/model.
ModelSetup model_setup(const boost::json::object& assistant);

/// The text the chat opens with, if the assistant has one and starts with it.
std::optional<std::string> first_message(const boost::json::object& assistant);

/// A handoff the model can ask for, by the function name it sees.
struct HandoffTarget {
  std::string function_name;
  boost::json::object
      destination;  ///< {"type": "assistant", "assistantId"|"assistantName"|"assistant"...}
};

/// The tools an assistant offers the model: the function definitions (OpenAI format) and,
/// by function name, the Vapi tool behind each, or the handoff it stands for.
struct ToolSet {
  boost::json::array definitions;
  std::vector<std::pair<std::string, boost::json::object>> tools;
  std::vector<HandoffTarget> handoffs;

  const boost::json::object* tool(std::string_view name) const;
  /// The handoff `name` with `arguments` (a `destination` argument picks among several).
  const HandoffTarget* handoff(std::string_view name, std::string_view arguments) const;
};
/// `tools`: the assistant's model.tools plus the tools of its model.toolIds (loaded), as Vapi
/// tool objects; `squad_destinations`: the assistantDestinations of its squad membership.
/// With `call_tools` (a call runs the conversation), call-control tools without a function of
/// their own are offered as endCall / transferCall(destination) / dtmf(digits) / voicemail;
/// a chat leaves them out, as it always has.
ToolSet tool_set(const boost::json::array& tools, const boost::json::array& squad_destinations,
                 bool call_tools = false);

}  // namespace sb::chat
