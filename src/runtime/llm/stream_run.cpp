#include "runtime/llm/stream_run.hpp"

#include <exception>

#include <spdlog/spdlog.h>

#include "runtime/llm/failures.hpp"

namespace sb::llm {

namespace {

bool is_json_type(std::string_view content_type) {
  return content_type.find("application/json") != std::string_view::npos;
}

}  // namespace

StreamRun::StreamRun(std::string provider, StreamCallbacks callbacks,
                     std::unique_ptr<StreamDecoder> decoder)
    : provider_(std::move(provider)),
      callbacks_(std::move(callbacks)),
      decoder_(std::move(decoder)) {}

bool StreamRun::on_body(std::string_view chunk) {
  got_body_ = true;
  if (!settled_) {
    try {
      consume(chunk);
    } catch (const std::exception& e) {
      internal_error(e);
    }
  }
  // After a complete answer the rest is drained, so the connection can be reused.
  return !failed_;
}

void StreamRun::on_done(const net::OutboundResponse& response) {
  if (settled_) return;
  try {
    if (!response.error.empty()) {
      const bool broke_off = got_body_ && response.error != "timeout";
      fail(broke_off ? invalid_stream(provider_, response.error)
                     : no_answer(provider_, response.error));
      return;
    }
    if (!response.ok()) {
      fail(upstream_error(provider_, response.status, response.body));
      return;
    }
    if (!got_body_) {  // the client collected the body rather than streaming it
      if (is_json_type(response.header("Content-Type"))) format_ = Format::kJson;
      consume(response.body);
    }
    end_of_answer();
  } catch (const std::exception& e) {
    internal_error(e);
  }
}

// The format is told by the first byte that is not blank: a JSON answer opens with '{', an
// event stream with a field name or a comment.
void StreamRun::consume(std::string_view bytes) {
  if (format_ == Format::kUnknown) {
    const auto first = bytes.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return;
    bytes.remove_prefix(first);
    format_ = bytes.front() == '{' ? Format::kJson : Format::kEvents;
  }
  if (format_ == Format::kEvents) {
    consume_events(bytes);
  } else if (json_.size() + bytes.size() > kMaxJsonAnswer) {
    fail(invalid_stream(provider_, "the answer is over 8 MiB"));
  } else {
    json_.append(bytes);
  }
}

void StreamRun::consume_events(std::string_view bytes) {
  const bool more = events_.feed(bytes, [this](SseEvent& event) { return on_event(event); });
  if (!more && events_.too_large()) fail(invalid_stream(provider_, "an event is over 1 MiB"));
}

bool StreamRun::on_event(SseEvent& event) {
  return !settled_ && apply(decoder_->on_event(event));
}

// False once the run is settled: the events after it are not read.
bool StreamRun::apply(DecodeStep step) {
  if (step.failure) {
    fail(std::move(*step.failure));
    return false;
  }
  if (!step.text.empty() && callbacks_.on_delta && !callbacks_.on_delta(step.text)) {
    fail(cancelled());
    return false;
  }
  if (step.finished) {
    complete();
    return false;
  }
  return true;
}

// The whole answer is in: a JSON one is decoded now; a stream should have ended already (an
// event left without its blank line still counts).
void StreamRun::end_of_answer() {
  if (settled_) return;
  if (format_ == Format::kJson) {
    apply(decoder_->on_json(json_));
    if (settled_) return;
  }
  if (format_ == Format::kUnknown) {
    fail(invalid_stream(provider_, "the answer was empty"));
    return;
  }
  events_.finish([this](SseEvent& event) { return on_event(event); });
  if (!settled_)
    fail(invalid_stream(provider_, "it ended before " + std::string(decoder_->end_marker())));
}

// A throwing callback of the caller's must not leave the run unsettled, nor unwind into the
// HttpClient.
void StreamRun::internal_error(const std::exception& e) {
  if (settled_) {
    spdlog::error("llm: a completion callback threw: {}", e.what());
  } else {
    fail(invalid_stream(provider_, std::string("internal error: ") + e.what()));
  }
}

void StreamRun::complete() {
  if (settled_) return;
  settled_ = true;
  auto completion = decoder_->take();
  if (callbacks_.on_complete) callbacks_.on_complete(std::move(completion));
}

void StreamRun::fail(Failure failure) {
  if (settled_) return;
  settled_ = failed_ = true;
  if (failure.message != "cancelled") spdlog::debug("llm: {}", failure.message);
  if (callbacks_.on_failure) callbacks_.on_failure(std::move(failure));
}

}  // namespace sb::llm
