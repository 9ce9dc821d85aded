#pragma once
// One completion in flight: the bytes of the provider's answer, as the HttpClient hands them
// over, through the SSE parser and the provider's decoder to the caller's callbacks. The
// HttpClient calls on_body and on_done of one exchange one at a time, so there is no lock.

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "runtime/llm/sse_parser.hpp"
#include "runtime/llm/stream_decoder.hpp"

namespace sb::llm {

class StreamRun {
 public:
  /// A whole (non-streamed) JSON answer larger than this fails the completion.
  static constexpr std::size_t kMaxJsonAnswer = 8 << 20;

  StreamRun(std::string provider, StreamCallbacks callbacks,
            std::unique_ptr<StreamDecoder> decoder);

  /// OutboundRequest::on_body: false stops the exchange (the run has failed or was cancelled).
  bool on_body(std::string_view chunk);
  /// The exchange's end: settles the run unless a chunk already did.
  void on_done(const net::OutboundResponse& response);
  /// Settles the run with `failure` (unless it is settled already).
  void fail(Failure failure);

 private:
  enum class Format { kUnknown, kEvents, kJson };

  void consume(std::string_view bytes);
  void consume_events(std::string_view bytes);
  bool on_event(SseEvent& event);
  bool apply(DecodeStep step);
  void end_of_answer();
  void complete();
  void internal_error(const std::exception& e);

  std::string provider_;
  StreamCallbacks callbacks_;
  std::unique_ptr<StreamDecoder> decoder_;
  SseParser events_;
  Format format_ = Format::kUnknown;
  std::string json_;       // a whole JSON answer, collected
  bool got_body_ = false;  // on_body has run: the answer was streamed to us
  bool settled_ = false;   // on_complete or on_failure has run
  bool failed_ = false;
};

}  // namespace sb::llm
