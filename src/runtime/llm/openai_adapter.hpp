#pragma once
// The OpenAI chat-completions protocol, spoken by every provider of the OpenAI-compatible
// family: the request, and the decoder of its `data:` chunks (or of one whole JSON
// completion from a server that does not stream).

#include <cstdint>
#include <map>
#include <string>

#include <boost/json/object.hpp>

#include "net/http_client.hpp"
#include "runtime/llm/stream_decoder.hpp"

namespace sb::llm {

/// {model, messages, stream: true, stream_options: {include_usage: true}, temperature?,
/// max_tokens?, tools? (absent when there are none), response_format?}.
boost::json::object openai_request_body(const CompletionRequest& request);

/// POST {base_url}/chat/completions with the body above, `Authorization: Bearer <key>` when
/// there is a key, and the request's timeouts; on_body is left for the caller.
net::OutboundRequest openai_request(const CompletionRequest& request);

/// Chunks carry choices[0].delta.content (text), choices[0].delta.tool_calls (fragments of
/// calls, by `index`: id and name first, then the arguments in pieces), finish_reason, and,
/// in the last chunk, usage; `[DONE]` ends the stream. A chunk with `error` fails it.
class OpenAiStreamDecoder final : public StreamDecoder {
 public:
  explicit OpenAiStreamDecoder(std::string provider) : provider_(std::move(provider)) {}

  DecodeStep on_event(const SseEvent& event) override;
  DecodeStep on_json(std::string_view body) override;
  std::string_view end_marker() const override { return "[DONE]"; }
  Completion take() override;

 private:
  DecodeStep on_chunk(const boost::json::object& chunk);
  void add_fragment(const boost::json::object& fragment);
  void read_usage(const boost::json::object& chunk);

  std::string provider_;
  Completion completion_;
  std::map<std::int64_t, ToolCall> calls_;  // by the fragments' index, which orders them
  std::int64_t last_index_ = -1;
};

}  // namespace sb::llm
