#pragma once
// What a tool's `messages` make a live call say around the tool's run: request-start when it
// starts, request-response-delayed after `timingMilliseconds` without a result,
// request-complete / request-failed when its result is in. A message applies when every one of
// its `conditions` holds on the call's arguments; several of one type (of one timing, for the
// delayed ones) are variants, of which one is picked. Pure.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::voice {

struct ToolSpeech {
  std::string content;
  /// role "system": the content goes to the model as a system message and is not said.
  bool to_model = false;
  /// endCallAfterSpokenEnabled: the call ends once it has been said.
  bool end_call = false;
  std::chrono::milliseconds delay{0};  ///< request-response-delayed's timing
  /// request-start's `blocking`: the tool runs once the message has been said.
  bool blocking = false;
};

/// The Vapi tool that a model's tool call named `function_name` runs, among `tools` (Vapi tool
/// objects): the one whose function has that name, else a call-control tool of that type
/// (endCall, transferCall, dtmf, voicemail); null when none.
const boost::json::object* find_tool(const boost::json::array& tools,
                                     std::string_view function_name);

/// The message of `type` (request-start, request-complete, request-failed) `tool` has for a
/// call with `arguments` (JSON text), variant `pick` modulo how many apply; nullopt for none.
std::optional<ToolSpeech> tool_speech(const boost::json::object& tool, std::string_view type,
                                      std::string_view arguments, std::size_t pick);

/// The request-response-delayed messages that apply, one per timing (variant `pick`), by
/// ascending delay.
std::vector<ToolSpeech> delayed_tool_speech(const boost::json::object& tool,
                                            std::string_view arguments, std::size_t pick);

/// Whether `condition` ({param, operator: eq|neq|gt|gte|lt|lte, value}) holds on `arguments`:
/// numbers compare as numbers, anything else as text; a missing parameter fails every operator
/// but neq.
bool condition_holds(const boost::json::object& condition, const boost::json::object& arguments);

}  // namespace sb::voice
