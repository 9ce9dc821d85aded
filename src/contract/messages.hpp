#pragma once
// class-validator message texts. Messages are rendered only when a value fails, so the
// success path never builds a string.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sb::contract {

class Schema;

/// What failed. Values below 32 are scalar checks and may be combined in a bit mask.
enum class Code : std::uint8_t {
  kString,
  kNumber,
  kInteger,
  kBoolean,
  kNull,
  kArray,
  kMap,  // a plain `type: object`
  kEnum,
  kMinLength,
  kMaxLength,
  kMinimum,
  kMaximum,
  kMinItems,
  kMaxItems,
  kUuid,
  kDateTime,
  kUri,
  kPattern,
  kNested,   // an object-typed property holding a non-object
  kDefined,  // a required nested object that is missing
  kUnknown,  // a property the schema does not declare
  kBodyObject,
  kTooDeep,
  kTooComplex,
};

constexpr std::uint32_t bit(Code c) {
  return 1u << static_cast<unsigned>(c);
}

/// One segment of the path from the body to the failing value's parent: a property name or
/// an array index.
struct Segment {
  std::string_view name;
  std::uint32_t index = 0;
  bool is_index = false;
};

struct Message {
  Message(Code c, std::string_view subj, const Schema* s = nullptr, std::string_view list = {})
      : code(c), subject(subj), schema(s), listing(list) {}

  Code code;
  std::string_view subject;        // the property (or array) the message is about
  const Schema* schema = nullptr;  // bounds, enum, pattern of the failing check
  std::string_view listing;        // enum values when they do not come from `schema`
  bool each = false;               // "each value in <subject> …": a failing array element
};

/// "<path>.<subject> <text>", NestJS-style: the parent path prefixes the whole message.
std::string render(std::span<const Segment> path, const Message& message);

}  // namespace sb::contract
