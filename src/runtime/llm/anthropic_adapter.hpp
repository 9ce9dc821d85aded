#pragma once
// Anthropic's Messages API: the conversation (given in OpenAI's chat format) translated to
// its request, and the decoder of its typed stream events.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "net/http_client.hpp"
#include "runtime/llm/stream_decoder.hpp"

namespace sb::llm {

inline constexpr std::int64_t kAnthropicDefaultMaxTokens = 1024;  // the API requires one

/// {model, max_tokens, system (every system message, joined by a blank line), messages,
/// tools [{name, description, input_schema}], temperature?, stream: true}. Messages become
/// user/assistant turns of content blocks: assistant tool_calls become `tool_use` blocks (their
/// arguments parsed; {} when they are not a JSON object), `tool` messages `tool_result` blocks
/// of a user turn, and adjacent turns of one role are merged (the API wants them alternating).
boost::json::object anthropic_request_body(const CompletionRequest& request);

/// POST {base_url}/v1/messages with `x-api-key` (when there is a key) and `anthropic-version`.
net::OutboundRequest anthropic_request(const CompletionRequest& request);

/// Anthropic's stop_reason as OpenAI's finish_reason: end_turn and stop_sequence → stop,
/// tool_use → tool_calls, max_tokens → length, refusal → content_filter; others unchanged.
std::string anthropic_finish_reason(std::string_view stop_reason);

/// message_start (input tokens), content_block_start (a text block, or a tool_use with id and
/// name), content_block_delta (text_delta, or input_json_delta: a piece of a tool's
/// arguments), message_delta (stop_reason, output tokens), message_stop (the end), error.
class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  explicit AnthropicStreamDecoder(std::string provider) : provider_(std::move(provider)) {}

  DecodeStep on_event(const SseEvent& event) override;
  DecodeStep on_json(std::string_view body) override;
  std::string_view end_marker() const override { return "message_stop"; }
  Completion take() override;

 private:
  DecodeStep on_message(std::string_view type, const boost::json::object& data);
  void block_start(const boost::json::object& data);
  DecodeStep block_delta(const boost::json::object& data);
  void read_usage(const boost::json::object& usage);

  std::string provider_;
  Completion completion_;
  std::map<std::int64_t, std::size_t> tool_blocks_;  // block index → its tool_calls position
};

}  // namespace sb::llm
