#include "contract/validator.hpp"

#include <algorithm>
#include <limits>

#include "contract/checks.hpp"

namespace sb::contract {
namespace json = boost::json;
namespace {

// Pushes the path segments that lead into `subject`'s value; pops them when done.
class Descent {
 public:
  Descent(std::vector<Segment>& path, Subject s) : path_(path), size_(path.size()) {
    if (s.root) return;
    path_.push_back(Segment{s.name});
    if (s.element) path_.push_back(Segment{{}, s.index, true});
  }
  ~Descent() { path_.resize(size_); }
  Descent(const Descent&) = delete;
  Descent& operator=(const Descent&) = delete;

 private:
  std::vector<Segment>& path_;
  std::size_t size_;
};

// Whether `v` has the JSON type `schema` asks for (unions: unknown, so yes).
bool same_shape(const Schema& schema, const json::value& v) {
  switch (resolve(schema).kind) {
    case Kind::kString:
      return v.is_string();
    case Kind::kNumber:
    case Kind::kInteger:
      return v.is_number();
    case Kind::kBoolean:
      return v.is_bool();
    case Kind::kNull:
      return v.is_null();
    case Kind::kArray:
      return v.is_array();
    case Kind::kObject:
    case Kind::kMap:
      return v.is_object();
    default:
      return true;
  }
}

void dedupe_from(std::vector<std::string>& out, std::size_t start) {
  for (std::size_t i = start + 1; i < out.size();) {
    bool seen = std::find(out.begin() + start, out.begin() + i, out[i]) != out.begin() + i;
    if (seen) {
      out.erase(out.begin() + i);
    } else {
      ++i;
    }
  }
}

}  // namespace

Message missing_message(const Schema& schema, std::string_view name) {
  const Schema& s = resolve(schema);
  auto typed = [&](Code c) { return Message{s.enumeration ? Code::kEnum : c, name, &s}; };
  switch (s.kind) {
    case Kind::kString:
      return typed(Code::kString);
    case Kind::kNumber:
      return typed(Code::kNumber);
    case Kind::kInteger:
      return typed(Code::kInteger);
    case Kind::kBoolean:
      return Message{Code::kBoolean, name};
    case Kind::kNull:
      return Message{Code::kNull, name};
    case Kind::kArray:
      return Message{Code::kArray, name, &s};
    case Kind::kMap:
      return Message{Code::kMap, name};
    case Kind::kOneOf:
    case Kind::kAnyOf: {
      if (s.branches.empty()) return Message{Code::kDefined, name};
      const Schema& first = resolve(*s.branches.front());
      bool scalar = !s.discriminator && !s.tag && first.kind != Kind::kObject &&
                    first.kind != Kind::kMap && first.kind != Kind::kOneOf;
      return scalar ? missing_message(first, name) : Message{Code::kDefined, name};
    }
    default:
      return Message{Code::kDefined, name};
  }
}

void Validator::root(const Schema& schema, const json::value& v, std::string_view fallback) {
  const Schema& s = resolve(schema);
  Subject subject;
  subject.root = true;
  if (v.is_null() && accepts_null(schema)) return;
  if (s.discriminator) return discriminated(s, v, subject, fallback);
  value(s, v, subject);
}

void Validator::value(const Schema& s, const json::value& v, Subject subject) {
  if (halted()) return;
  if (++walk_.visits > kMaxVisits) return abort(Code::kTooComplex);
  if (v.is_null() && s.nullable) return;
  switch (s.kind) {
    case Kind::kAlias:
      return value(*s.target, v, subject);
    case Kind::kAny:
      return;
    case Kind::kNull:
      if (!v.is_null()) report(Message{Code::kNull, subject.name}, subject);
      return;
    case Kind::kString:
      return string(s, v, subject);
    case Kind::kNumber:
    case Kind::kInteger:
      return number(s, v, subject);
    case Kind::kBoolean:
      if (!v.is_bool()) report(Message{Code::kBoolean, subject.name}, subject);
      return;
    case Kind::kArray:
      return array(s, v, subject);
    case Kind::kObject:
      if (!v.is_object()) return report(Message{Code::kNested, subject.name}, subject);
      return object(s, v.get_object(), subject, {});
    case Kind::kMap:
      if (!v.is_object()) report(Message{Code::kMap, subject.name}, subject);
      return;
    case Kind::kOneOf:
    case Kind::kAnyOf:
      if (s.discriminator) return discriminated(s, v, subject, {});
      return any_branch(s, v, subject);
  }
}

void Validator::string(const Schema& s, const json::value& v, Subject subject) {
  if (!v.is_string()) {
    return report(Message{s.enumeration ? Code::kEnum : Code::kString, subject.name, &s}, subject);
  }
  const auto& str = v.get_string();
  report_bits(string_failures(s, std::string_view(str.data(), str.size())), s, subject);
}

void Validator::number(const Schema& s, const json::value& v, Subject subject) {
  if (!v.is_number()) {
    Code c = s.enumeration              ? Code::kEnum
             : s.kind == Kind::kInteger ? Code::kInteger
                                        : Code::kNumber;
    return report(Message{c, subject.name, &s}, subject);
  }
  report_bits(number_failures(s, v.to_number<double>()), s, subject);
}

void Validator::array(const Schema& s, const json::value& v, Subject subject) {
  if (!v.is_array()) return report(Message{Code::kArray, subject.name}, subject);
  const auto& a = v.get_array();
  if (a.size() < s.min_items) report(Message{Code::kMinItems, subject.name, &s}, subject);
  if (a.size() > s.max_items) report(Message{Code::kMaxItems, subject.name, &s}, subject);
  if (resolve(*s.items).kind == Kind::kAny || a.empty()) return;
  if (depth_ >= kMaxDepth) return abort(Code::kTooDeep);
  ++depth_;
  const std::size_t before = walk_.out ? walk_.out->size() : 0;
  for (std::size_t i = 0; i < a.size() && !halted(); ++i) {
    value(*s.items, a[i], Subject{subject.name, static_cast<std::uint32_t>(i), true});
  }
  --depth_;
  // class-validator reports "each value in x …" once, however many elements fail.
  if (mode_ == Mode::kCollect) dedupe_from(*walk_.out, before);
}

void Validator::object(const Schema& s, const json::object& o, Subject subject,
                       std::string_view skip) {
  if (depth_ >= kMaxDepth) return abort(Code::kTooDeep);
  ++depth_;
  Descent descent(walk_.path, subject);
  auto& slots = walk_.slots;
  const std::size_t base = slots.size();
  slots.resize(base + s.properties.size(), nullptr);
  std::size_t unknown = 0;
  for (const auto& kv : o) {
    int i = s.find_property(kv.key());
    if (i < 0) {
      ++unknown;
    } else {
      slots[base + i] = &kv.value();
    }
  }
  for (std::size_t i = 0; i < s.properties.size() && !halted(); ++i) {
    property(s.properties[i], slots[base + i], skip);  // slots may move: index each time
  }
  slots.resize(base);
  if (unknown > 0 && !s.open) {
    for (const auto& kv : o) {
      if (halted()) break;
      if (s.find_property(kv.key()) < 0)
        report(Message{Code::kUnknown, kv.key()}, Subject{kv.key()});
    }
  }
  --depth_;
}

void Validator::property(const Property& p, const json::value* v, std::string_view skip) {
  if (!v || v->is_null()) {
    // class-validator's @IsOptional skips null and undefined alike.
    if (v && accepts_null(*p.schema)) return;
    if (!p.required || p.name == skip) return;
    return report_missing(*p.schema, Subject{p.name});
  }
  value(*p.schema, *v, Subject{p.name});
}

void Validator::discriminated(const Schema& s, const json::value& v, Subject subject,
                              std::string_view fallback) {
  if (!v.is_object()) return report(Message{Code::kNested, subject.name}, subject);
  const auto& o = v.get_object();
  const Discriminator& d = *s.discriminator;
  const json::value* tag = o.if_contains(d.property);
  std::string_view key;
  std::string_view skip;
  if (!tag || tag->is_null()) {
    key = fallback;
    skip = d.property;  // the default stands in for the missing property
  } else if (tag->is_string()) {
    key = std::string_view(tag->get_string().data(), tag->get_string().size());
  }
  const Schema* branch = key.empty() ? nullptr : d.find(key);
  if (!branch) return report_inner(Message{Code::kEnum, d.property, nullptr, d.listing}, subject);
  const Schema& b = resolve(*branch);
  if (b.kind == Kind::kObject) return object(b, o, subject, skip);
  value(b, v, subject);
}

// oneOf without discriminator, and anyOf: valid when at least one branch is (NestJS never
// enforced "exactly one"). A union tag narrows the branches worth trying.
void Validator::any_branch(const Schema& s, const json::value& v, Subject subject) {
  if (s.branches.empty()) return;
  const UnionTag* tag = s.tag.get();
  const json::value* t = tag && v.is_object() ? v.get_object().if_contains(tag->property) : nullptr;
  const bool tagged = t && t->is_string();
  const std::string_view tv = tagged ? std::string_view(t->get_string()) : std::string_view();
  auto candidate = [&](std::size_t i) {
    return !tagged || (tag->per_branch[i] && tag->per_branch[i]->contains(tv));
  };
  std::size_t candidates = 0;
  const Schema* best = nullptr;
  for (std::size_t i = 0; i < s.branches.size(); ++i) {
    if (!candidate(i)) continue;
    ++candidates;
    best = best ? best : s.branches[i];
    if (passes(*s.branches[i], v, subject)) return;
    if (walk_.aborted) return;
  }
  if (candidates == 0) {
    return report_inner(Message{Code::kEnum, tag->property, nullptr, tag->listing}, subject);
  }
  if (mode_ == Mode::kCheck) return report(Message{Code::kDefined, subject.name}, subject);
  if (candidates > 1) best = closest(s, v, subject, candidate);
  value(*best, v, subject);
}

// The branch to report when none passes: one of the value's own JSON type if any (an object
// is not "a string"), then the one with the fewest failures, then the first.
template <class Candidate>
const Schema* Validator::closest(const Schema& s, const json::value& v, Subject subject,
                                 Candidate&& candidate) {
  std::size_t shaped = 0;
  const Schema* best = nullptr;
  for (std::size_t i = 0; i < s.branches.size(); ++i) {
    if (!candidate(i) || !same_shape(*s.branches[i], v)) continue;
    ++shaped;
    best = s.branches[i];
  }
  if (shaped == 1) return best;  // no need to count
  const bool any_shape = shaped > 0;
  std::size_t fewest = std::numeric_limits<std::size_t>::max();
  for (std::size_t i = 0; i < s.branches.size(); ++i) {
    if (!candidate(i) || (any_shape && !same_shape(*s.branches[i], v))) continue;
    std::size_t n = count(*s.branches[i], v, subject);
    if (n < fewest) fewest = n, best = s.branches[i];
  }
  return best;
}

bool Validator::passes(const Schema& s, const json::value& v, Subject subject) {
  return trial(Mode::kCheck, s, v, subject) == 0 && !walk_.aborted;
}

std::size_t Validator::count(const Schema& s, const json::value& v, Subject subject) {
  return trial(Mode::kCount, s, v, subject);
}

std::size_t Validator::trial(Mode mode, const Schema& s, const json::value& v, Subject subject) {
  const auto key = std::make_tuple(&s, &v, mode == Mode::kCount);
  if (const auto it = walk_.trials.find(key); it != walk_.trials.end()) return it->second;
  Validator run(mode, walk_, depth_);
  run.value(s, v, subject);
  // An aborted or truncated walk says nothing about the branch: not remembered.
  if (!walk_.aborted && !walk_.full) walk_.trials.emplace(key, run.errors());
  return run.errors();
}

void Validator::report_bits(std::uint32_t failures, const Schema& s, Subject subject) {
  for_each_failure(failures, [&](Code c) {
    if (!halted()) report(Message{c, subject.name, &s}, subject);
  });
}

void Validator::report_missing(const Schema& s, Subject subject) {
  report(missing_message(s, subject.name), subject);
}

// A message about a property inside `parent`'s value (a discriminator or a union tag).
void Validator::report_inner(Message m, Subject parent) {
  Descent descent(walk_.path, parent);
  report(m, Subject{m.subject});
}

void Validator::report(Message m, Subject subject) {
  ++errors_;
  if (mode_ == Mode::kCheck) {
    stop_ = true;
    return;
  }
  if (mode_ == Mode::kCount) {
    stop_ = errors_ >= kMaxMessages;
    return;
  }
  auto& path = walk_.path;
  const std::size_t size = path.size();
  if (subject.root && (m.code == Code::kNested || m.code == Code::kMap)) m.code = Code::kBodyObject;
  if (subject.element) {
    // NestJS: "x.nested property x …" for a non-object element, "each value in x …" else.
    if (m.code == Code::kNested) {
      path.push_back(Segment{subject.name});
    } else {
      m.each = true;
    }
  }
  walk_.out->push_back(render(path, m));
  path.resize(size);
  walk_.full = walk_.out->size() >= kMaxMessages;
}

void Validator::abort(Code why) {
  if (!walk_.aborted) walk_.aborted = why;
}

}  // namespace sb::contract
