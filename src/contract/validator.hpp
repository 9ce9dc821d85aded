#pragma once
// Validation of a JSON body against a compiled schema, with NestJS ValidationPipe semantics
// (whitelist + forbidNonWhitelisted, class-validator messages).
//
// The same walk runs in three modes: kCheck stops at the first failure and builds nothing
// (trying oneOf branches), kCount counts failures (choosing the closest branch when none
// passes), kCollect renders messages. A valid body therefore never builds a string.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <boost/json/value.hpp>

#include "contract/messages.hpp"
#include "contract/schema.hpp"

namespace sb::contract {

inline constexpr std::size_t kMaxMessages = 100;
inline constexpr int kMaxDepth = 64;
/// Node visits per request; only nested oneOf retries on a hostile body get near it.
inline constexpr std::size_t kMaxVisits = 1'000'000;

/// State of one validate() call, shared by the nested validators of branch trials.
struct Walk {
  std::vector<std::string>* out = nullptr;
  std::vector<const boost::json::value*> slots;  // property values of the objects on the stack
  std::vector<Segment> path;
  std::size_t visits = 0;
  std::optional<Code> aborted;  // kTooDeep / kTooComplex: the one message returned
  bool full = false;            // kMaxMessages collected
  /// Failures of the branch trials already run, by (branch, value, counting). A union nested
  /// in a union's branch is tried again for every trial of the outer one, so without this the
  /// time grew exponentially with the nesting: four handoff levels of a 427-byte assistant
  /// whose models lacked `provider` used up kMaxVisits. A trial's outcome depends only on the
  /// branch and the value (the value's position fixes the depth), so it is run once.
  std::map<std::tuple<const Schema*, const boost::json::value*, bool>, std::size_t> trials;
};

/// The message for a required value that is missing or null: its type check ("x must be a
/// string", the enum message, "x should not be null or undefined" for nested objects).
Message missing_message(const Schema& schema, std::string_view name);

enum class Mode : std::uint8_t { kCheck, kCount, kCollect };

/// What a message is about: the body itself, a property, or an element of an array
/// property (`name` is then the array's name).
struct Subject {
  std::string_view name;
  std::uint32_t index = 0;
  bool element = false;
  bool root = false;
};

class Validator {
 public:
  Validator(Mode mode, Walk& walk, int depth) : mode_(mode), walk_(walk), depth_(depth) {}

  /// The request body; `discriminator_default` picks the branch of a top-level discriminated
  /// oneOf when the body lacks the discriminator (PATCH).
  void root(const Schema& s, const boost::json::value& v, std::string_view discriminator_default);
  void value(const Schema& s, const boost::json::value& v, Subject subject);

  bool failed() const { return errors_ > 0 || walk_.aborted.has_value(); }
  std::size_t errors() const { return errors_; }

 private:
  void string(const Schema& s, const boost::json::value& v, Subject subject);
  void number(const Schema& s, const boost::json::value& v, Subject subject);
  void array(const Schema& s, const boost::json::value& v, Subject subject);
  void object(const Schema& s, const boost::json::object& o, Subject subject,
              std::string_view skip);
  void property(const Property& p, const boost::json::value* v, std::string_view skip);
  void discriminated(const Schema& s, const boost::json::value& v, Subject subject,
                     std::string_view fallback);
  void any_branch(const Schema& s, const boost::json::value& v, Subject subject);
  template <class Candidate>
  const Schema* closest(const Schema& s, const boost::json::value& v, Subject subject,
                        Candidate&& candidate);
  bool passes(const Schema& s, const boost::json::value& v, Subject subject);
  std::size_t count(const Schema& s, const boost::json::value& v, Subject subject);
  /// Failures of `s` on `v` in `mode` (kCheck or kCount), run at most once per Walk.
  std::size_t trial(Mode mode, const Schema& s, const boost::json::value& v, Subject subject);

  void report(Message m, Subject subject);
  void report_bits(std::uint32_t failures, const Schema& s, Subject subject);
  void report_missing(const Schema& s, Subject subject);
  void report_inner(Message m, Subject parent);
  void abort(Code why);
  bool halted() const { return stop_ || walk_.aborted || walk_.full; }

  Mode mode_;
  Walk& walk_;
  int depth_;
  std::size_t errors_ = 0;
  bool stop_ = false;
};

}  // namespace sb::contract
