#include "contract/messages.hpp"

#include "contract/formats.hpp"
#include "contract/schema.hpp"

namespace sb::contract {
namespace {

std::string count(std::uint32_t n) {
  return std::to_string(n);
}

std::string listing(const Message& m) {
  if (!m.listing.empty() || !m.schema) return std::string(m.listing);
  const auto* e = resolve(*m.schema).enumeration;
  return e ? e->listing : std::string();
}

// The text after "<subject> ".
std::string tail(const Message& m) {
  const Schema* s = m.schema ? &resolve(*m.schema) : nullptr;
  switch (m.code) {
    case Code::kString:
      return "must be a string";
    case Code::kNumber:
      return "must be a number conforming to the specified constraints";
    case Code::kInteger:
      return "must be an integer number";
    case Code::kBoolean:
      return "must be a boolean value";
    case Code::kNull:
      return "must be null";
    case Code::kArray:
      return "must be an array";
    case Code::kMap:
      return "must be an object";
    case Code::kEnum:
      return "must be one of the following values: " + listing(m);
    case Code::kMinLength:
      return "must be longer than or equal to " + count(s->min_length) + " characters";
    case Code::kMaxLength:
      return "must be shorter than or equal to " + count(s->max_length) + " characters";
    case Code::kMinimum:
      return "must not be less than " + js_number(s->minimum);
    case Code::kMaximum:
      return "must not be greater than " + js_number(s->maximum);
    case Code::kMinItems:
      return "must contain at least " + count(s->min_items) + " elements";
    case Code::kMaxItems:
      return "must contain no more than " + count(s->max_items) + " elements";
    case Code::kUuid:
      return "must be a UUID";
    case Code::kDateTime:
      return "must be a valid ISO 8601 date string";
    case Code::kUri:
      return "must be a URL address";
    case Code::kPattern:
      return "must match " + s->pattern->literal + " regular expression";
    case Code::kDefined:
      return "should not be null or undefined";
    default:
      return {};
  }
}

std::string text(const Message& m) {
  std::string subject(m.subject);
  switch (m.code) {
    case Code::kUnknown:
      return "property " + subject + " should not exist";
    case Code::kNested:
      return "nested property " + subject + " must be either object or array";
    case Code::kBodyObject:
      return "body must be an object";
    case Code::kTooDeep:
      return "body is nested too deeply";
    case Code::kTooComplex:
      return "body is too complex to validate";
    default:
      break;
  }
  return (m.each ? "each value in " + subject : subject) + " " + tail(m);
}

}  // namespace

std::string render(std::span<const Segment> path, const Message& message) {
  std::string out;
  if (message.code != Code::kTooDeep && message.code != Code::kTooComplex) {
    for (const auto& seg : path) {
      if (seg.is_index) {
        out += std::to_string(seg.index);
      } else {
        out.append(seg.name);
      }
      out += '.';
    }
  }
  out += text(message);
  return out;
}

}  // namespace sb::contract
