#include "runtime/llm/sse_parser.hpp"

namespace sb::llm {

namespace {
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
}

bool SseParser::feed(std::string_view bytes, const Sink& sink) {
  if (stopped_) return false;
  while (!bytes.empty()) {
    if (after_cr_) {
      after_cr_ = false;
      if (bytes.front() == '\n') {  // the LF of a CRLF split between two chunks
        bytes.remove_prefix(1);
        continue;
      }
    }
    const auto end = bytes.find_first_of("\r\n");
    line_.append(bytes.substr(0, end));
    if (line_.size() + event_.data.size() + event_.type.size() > max_event_bytes_) {
      too_large_ = stopped_ = true;
      return false;
    }
    if (end == std::string_view::npos) return true;
    after_cr_ = bytes[end] == '\r';
    if (after_cr_ && end + 1 < bytes.size() && bytes[end + 1] == '\n') {
      after_cr_ = false;
      bytes.remove_prefix(end + 2);
    } else {
      bytes.remove_prefix(end + 1);
    }
    if (!end_line(sink)) {
      stopped_ = true;
      return false;
    }
  }
  return true;
}

bool SseParser::finish(const Sink& sink) {
  if (stopped_) return false;
  stopped_ = true;  // spent either way
  if (!line_.empty() && !end_line(sink)) return false;
  return end_line(sink);  // line_ is empty now: the blank line that dispatches
}

// One whole line in line_: a field, a comment, or the blank line that dispatches.
bool SseParser::end_line(const Sink& sink) {
  std::string_view line = line_;
  if (!started_) {
    started_ = true;
    if (line.starts_with(kByteOrderMark)) line.remove_prefix(kByteOrderMark.size());
  }
  bool keep_going = true;
  if (line.empty()) {
    if (has_data_) keep_going = sink(event_);
    event_ = SseEvent{};
    has_data_ = false;
  } else if (line.front() != ':') {
    const auto colon = line.find(':');
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (value.starts_with(' ')) value.remove_prefix(1);
    }
    field(line.substr(0, colon), value);
  }
  line_.clear();
  return keep_going;
}

// `id` and `retry` concern reconnecting, which a one-shot completion never does.
void SseParser::field(std::string_view name, std::string_view value) {
  if (name == "data") {
    if (has_data_) event_.data.push_back('\n');
    event_.data.append(value);
    has_data_ = true;
  } else if (name == "event") {
    event_.type.assign(value);
  }
}

}  // namespace sb::llm
