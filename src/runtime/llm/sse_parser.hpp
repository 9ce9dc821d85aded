#pragma once
// An incremental Server-Sent Events parser (the WHATWG event-stream format): bytes may arrive
// split anywhere, lines end in CRLF, LF or CR, `data:` lines are joined with '\n', comment
// lines (`:`) are ignored, and an event is dispatched on a blank line. Memory is bounded: an
// event larger than the limit fails the stream instead of growing without end.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sb::llm {

struct SseEvent {
  std::string type;  ///< the `event:` field; "" when the event had none
  std::string data;  ///< the `data:` lines joined with '\n'
};

class SseParser {
 public:
  /// Return false to stop parsing (feed then returns false too).
  using Sink = std::function<bool(SseEvent& event)>;

  explicit SseParser(std::size_t max_event_bytes = 1 << 20) : max_event_bytes_(max_event_bytes) {}

  /// Parses `bytes`, calling `sink` for each event they complete. False when the sink asked
  /// to stop or the stream is over the limit (too_large()); the parser is then spent.
  bool feed(std::string_view bytes, const Sink& sink);

  /// The stream's end: an event whose blank line never came is dispatched after all (the
  /// format would drop it, but hand-written servers end on `data: [DONE]\n`). False when the
  /// sink asked to stop.
  bool finish(const Sink& sink);

  /// An event grew past the limit.
  bool too_large() const { return too_large_; }
  /// Bytes of an event that has not been dispatched yet (a stream cut off mid-event).
  bool pending() const { return !line_.empty() || has_data_; }

 private:
  bool end_line(const Sink& sink);
  void field(std::string_view name, std::string_view value);

  std::size_t max_event_bytes_;
  std::string line_;  // the current line, without its terminator
  SseEvent event_;
  bool has_data_ = false;  // a data: field was seen (even an empty one)
  bool after_cr_ = false;  // the last byte was a CR: a following LF belongs to it
  bool started_ = false;   // past a leading byte order mark, if any
  bool too_large_ = false;
  bool stopped_ = false;
};

}  // namespace sb::llm
