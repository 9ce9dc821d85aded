#pragma once
// What a provider adapter's decoder turns its answer into, one event at a time. Pure: no
// I/O, so each protocol is tested on literal events.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/llm/llm_client.hpp"
#include "runtime/llm/sse_parser.hpp"

namespace sb::llm {

/// What one event (or one whole JSON answer) meant.
struct DecodeStep {
  std::string text;                ///< a text delta to pass on; "" when none
  bool finished = false;           ///< the answer is whole: take() may be called
  std::optional<Failure> failure;  ///< the answer is invalid or reports an error: stop

  static DecodeStep end() {
    DecodeStep step;
    step.finished = true;
    return step;
  }
  static DecodeStep failed(Failure failure) {
    DecodeStep step;
    step.failure = std::move(failure);
    return step;
  }
};

class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  /// One event of the streamed answer.
  virtual DecodeStep on_event(const SseEvent& event) = 0;
  /// A whole JSON answer, from a server that ignored `stream: true`.
  virtual DecodeStep on_json(std::string_view body) = 0;
  /// What ends a whole stream, for the message when a stream stops short ("[DONE]").
  virtual std::string_view end_marker() const = 0;
  /// The turn, once a step said finished; tool calls without an id get one.
  virtual Completion take() = 0;
};

}  // namespace sb::llm
