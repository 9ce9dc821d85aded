#pragma once
// The pure pieces of running tool calls, apart from any I/O: the `tool-calls` server message
// and the matching of its reply to the calls, and the HTTP request an `apiRequest` tool makes
// and what its response tells the model. ToolRunner sends and waits; these decide the content.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "runtime/chat/tool_runner.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::chat {

/// A call that failed: content "Error: <reason>".
ToolOutcome failed_outcome(const llm::ToolCall& call, std::string_view reason);

/// The model's arguments as the server sees them: the parsed JSON object, {} for empty text,
/// and otherwise (not JSON, or JSON that is not an object) the text as it was written.
boost::json::value arguments_value(std::string_view arguments);

/// {"id", "type": "function", "function": {"name", "arguments": arguments_value(...)}}.
boost::json::object tool_call_object(const llm::ToolCall& call);

/// The inner `tool-calls` message for `calls`, which all go to one server.
boost::json::object tool_calls_message(const ToolContext& context,
                                       const std::vector<const ToolInvocation*>& calls,
                                       EpochMs timestamp);

/// One outcome per call, in the order of `calls`, from the server's reply to their message:
/// each call's result is found by its toolCallId. A reply that is not ok fails every call.
std::vector<ToolOutcome> outcomes_from_reply(const std::vector<const ToolInvocation*>& calls,
                                             const webhooks::Reply& reply);

/// The request an `apiRequest` tool makes for `call`: its method, its url with `{{argument}}`
/// placeholders rendered, its headers (from the `headers` schema's properties' `value`), and
/// the arguments as a JSON body or, for GET and DELETE, as query parameters. Bounded by the
/// tool's timeoutSeconds (default 20) and by `deadline`. nullopt with `error` set to the
/// reason (for the model) when it cannot be made. `clock` is the templates' "now".
std::optional<net::OutboundRequest> api_request(const boost::json::object& tool,
                                                const llm::ToolCall& call,
                                                std::chrono::milliseconds deadline,
                                                std::string& error,
                                                const Clock& clock = system_clock());

/// What the model reads from an `apiRequest` tool's response to `url`: the body on a 2xx
/// (cut to 10,000 characters), else why it failed.
ToolOutcome api_outcome(const llm::ToolCall& call, std::string_view url,
                        const net::OutboundResponse& response);

}  // namespace sb::chat
