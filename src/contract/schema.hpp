#pragma once
// The compiled schema graph (private to src/contract/). Nodes are built once by the compiler
// (compile.cpp + link.cpp), owned by the Arena, and never change afterwards, so validation
// can walk them from any thread through plain pointers.

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contract/contract.hpp"

namespace sb::contract {

enum class Kind : std::uint8_t {
  kAny,   // no constraint ({} or a prose-only schema)
  kNull,  // `type: null`
  kString,
  kNumber,
  kInteger,
  kBoolean,
  kArray,
  kObject,  // declared properties; undeclared ones are errors unless `open`
  kMap,     // `type: object` without properties: any object
  kOneOf,   // discriminator, or "at least one branch" (NestJS never enforced exactly one)
  kAnyOf,
  kAlias,  // $ref / single allOf carrying its own `nullable`: `target` holds the real node
};

enum class Format : std::uint8_t { kNone, kDateTime, kUuid, kUri };

inline constexpr std::uint32_t kUnbounded = std::numeric_limits<std::uint32_t>::max();

/// The values of an `enum`. `listing` is the message text ("a, b, c", declaration order),
/// built once at compile time; `sorted` indexes `strings` for binary search.
struct EnumValues {
  std::vector<std::string> strings;  // declaration order
  std::vector<std::uint32_t> sorted;
  std::vector<double> numbers;
  std::string listing;

  bool contains(std::string_view s) const;
  bool contains(double d) const;
  bool single_string() const { return strings.size() == 1 && numbers.empty(); }
};

/// A `pattern`, compiled once. `literal` is how class-validator prints it: /body/flags.
struct Pattern {
  std::regex regex;
  std::string literal;
};

struct Property {
  std::string name;
  const Schema* schema = nullptr;
  bool required = false;
};

/// oneOf + discriminator: the value of `property` picks the branch.
struct Discriminator {
  std::string property;
  std::vector<std::pair<std::string, const Schema*>> mapping;  // declaration order
  std::string listing;                                         // mapping keys, ", "-joined

  const Schema* find(std::string_view value) const;
};

/// A oneOf without discriminator whose object branches all declare `property` with a string
/// enum (`type`, `provider`, `on`…): used to try only the plausible branches and to name the
/// property in the message when none is plausible.
struct UnionTag {
  std::string property;
  std::vector<const EnumValues*> per_branch;  // nullptr: branch is not an object
  std::string listing;
};

class Schema {
 public:
  Kind kind = Kind::kAny;
  Format format = Format::kNone;
  bool nullable = false;
  bool open = false;  // kObject: additionalProperties present, extra keys allowed
  bool has_minimum = false;
  bool has_maximum = false;
  double minimum = 0;
  double maximum = 0;
  std::uint32_t min_length = 0;
  std::uint32_t max_length = kUnbounded;
  std::uint32_t min_items = 0;
  std::uint32_t max_items = kUnbounded;
  const EnumValues* enumeration = nullptr;
  const Pattern* pattern = nullptr;
  const Schema* items = nullptr;        // kArray
  const Schema* target = nullptr;       // kAlias
  std::vector<Property> properties;     // kObject, declaration order
  std::vector<std::uint32_t> by_name;   // kObject: indexes into properties, sorted by name
  std::vector<const Schema*> branches;  // kOneOf / kAnyOf
  std::unique_ptr<Discriminator> discriminator;
  std::unique_ptr<UnionTag> tag;

  /// Index of the declared property `name`, or -1.
  int find_property(std::string_view name) const;
};

/// Follows kAlias links to the node that carries the constraints.
const Schema& resolve(const Schema& schema);
/// True when null is accepted: the node or an alias on the way is nullable.
bool accepts_null(const Schema& schema);

/// Owns every node of one contract. Deques keep addresses stable while growing.
struct Arena {
  std::deque<Schema> nodes;
  std::deque<EnumValues> enums;
  std::deque<Pattern> patterns;
  std::map<std::string, Schema*, std::less<>> named;

  Schema* make() { return &nodes.emplace_back(); }
};

}  // namespace sb::contract
