#include "runtime/chat/template.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include "runtime/chat/date_filter.hpp"
#include "runtime/chat/liquid_filters.hpp"
#include "runtime/chat/liquid_value.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;
using liquid::Budget;
using liquid::Env;
using liquid::Val;

// One render may produce or scan this many bytes in values and filters (see liquid::Budget).
constexpr std::size_t kWorkBudgetBytes = 32 << 20;
// How far a `{{` looks for its `}}` past quotes; an unbalanced quote falls back to the first `}}`.
constexpr std::size_t kMaxQuotedTagBytes = 1024;

// ---------------------------------------------------------------------------------------------
// Parsing `expr | filter: arg, arg`

struct Step {
  std::string key;
  std::int64_t index = 0;
  bool is_index = false;
};

struct Operand {
  std::optional<json::value> literal;
  std::vector<Step> path;  // when not a literal
};

struct FilterCall {
  std::string name;
  std::vector<Operand> args;
};

struct Expression {
  std::optional<Operand> head;  // none for an empty tag
  std::vector<FilterCall> filters;
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  /// The whole input as an expression, or nullopt when any of it does not parse.
  std::optional<Expression> expression() {
    Expression e;
    skip_space();
    if (done()) return e;
    e.head = operand();
    if (!e.head) return std::nullopt;
    for (skip_space(); eat('|'); skip_space()) {
      skip_space();
      FilterCall call;
      call.name = identifier();
      if (call.name.empty()) return std::nullopt;
      skip_space();
      if (eat(':')) {
        do {
          skip_space();
          auto arg = operand();
          if (!arg) return std::nullopt;
          call.args.push_back(std::move(*arg));
          skip_space();
        } while (eat(','));
      }
      e.filters.push_back(std::move(call));
    }
    if (!done()) return std::nullopt;
    return e;
  }

 private:
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void skip_space() {
    while (!done() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string identifier() {
    const std::size_t start = i_;
    if (!std::isalpha(static_cast<unsigned char>(peek())) && peek() != '_') return {};
    while (is_word_char(peek())) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

  std::optional<std::string> quoted() {
    const char quote = s_[i_];
    const std::size_t close = s_.find(quote, i_ + 1);
    if (close == std::string_view::npos) return std::nullopt;
    std::string text(s_.substr(i_ + 1, close - i_ - 1));
    i_ = close + 1;
    return text;
  }

  std::optional<json::value> number() {
    const std::size_t start = i_;
    eat('-');
    const std::size_t int_start = i_;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
    if (i_ == int_start) return std::nullopt;
    bool fraction = false;
    if (peek() == '.' && i_ + 1 < s_.size() &&
        std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
      fraction = true;
      for (++i_; std::isdigit(static_cast<unsigned char>(peek()));) ++i_;
    }
    const std::string_view text = s_.substr(start, i_ - start);
    std::int64_t whole = 0;
    if (!fraction) {
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
      if (ec == std::errc() && p == text.data() + text.size()) return json::value(whole);
    }
    double d = 0;
    std::from_chars(text.data(), text.data() + text.size(), d);
    return json::value(d);
  }

  std::optional<Operand> operand() {
    Operand op;
    const char c = peek();
    if (c == '"' || c == '\'') {
      auto text = quoted();
      if (!text) return std::nullopt;
      op.literal = json::value(json::string(*text));
      return op;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      op.literal = number();
      if (!op.literal) return std::nullopt;
      return op;
    }
    if (!path(op.path)) return std::nullopt;
    if (op.path.size() == 1) {
      const std::string& word = op.path.front().key;
      if (word == "true" || word == "false") op.literal = json::value(word == "true");
      if (word == "nil" || word == "null") op.literal = json::value(nullptr);
    }
    return op;
  }

  // name(.name | [integer] | ["key"])*
  bool path(std::vector<Step>& steps) {
    Step first;
    first.key = identifier();
    if (first.key.empty()) return false;
    steps.push_back(std::move(first));
    while (true) {
      Step step;
      if (eat('.')) {
        step.key = identifier();
        if (step.key.empty()) return false;
      } else if (eat('[')) {
        skip_space();
        if (peek() == '"' || peek() == '\'') {
          auto key = quoted();
          if (!key) return false;
          step.key = std::move(*key);
        } else {
          auto index = number();
          if (!index || !index->is_int64()) return false;
          step.index = index->get_int64();
          step.is_index = true;
        }
        skip_space();
        if (!eat(']')) return false;
      } else {
        return true;
      }
      steps.push_back(std::move(step));
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Evaluating

Val resolve_path(const std::vector<Step>& path, const json::object& variables, Budget& budget) {
  const json::value* at = variables.if_contains(path.front().key);
  Val owned;  // a computed `.size`
  bool computed = false;
  for (std::size_t k = 1; k < path.size() && at; ++k) {
    const Step& step = path[k];
    if (step.is_index) {
      const auto* array = at->if_array();
      const std::int64_t size = array ? static_cast<std::int64_t>(array->size()) : 0;
      const std::int64_t i = step.index < 0 ? size + step.index : step.index;
      at = array && i >= 0 && i < size ? &(*array)[static_cast<std::size_t>(i)] : nullptr;
    } else if (const auto* object = at->if_object()) {
      const json::value* found = object->if_contains(step.key);
      if (!found && step.key == "size") {
        owned = Val::own(json::value(static_cast<std::int64_t>(object->size())));
        computed = true;
      }
      at = found;
    } else if (const auto* array = at->if_array()) {
      if (step.key == "size") {
        owned = Val::own(json::value(static_cast<std::int64_t>(array->size())));
        computed = true;
        at = nullptr;
      } else if ((step.key == "first" || step.key == "last") && !array->empty()) {
        at = step.key == "first" ? &array->front() : &array->back();
      } else {
        at = nullptr;
      }
    } else if (at->is_string() && step.key == "size") {
      owned = Val::own(json::value(liquid::counted_length(at->get_string(), budget)));
      computed = true;
      at = nullptr;
    } else {
      at = nullptr;
    }
    if (computed) return k + 1 == path.size() ? owned : Val();
  }
  return at ? Val::borrow(*at) : Val();
}

Val evaluate(const Operand& op, const Env& env) {
  return op.literal ? Val::own(*op.literal) : resolve_path(op.path, env.variables, env.budget);
}

// The text a `{{ … }}` renders to.
std::string evaluate(const Expression& e, const Env& env) {
  if (!e.head || env.budget.exhausted()) return {};
  Val value = evaluate(*e.head, env);
  for (const FilterCall& call : e.filters) {
    if (env.budget.exhausted()) return {};
    std::vector<Val> args;
    for (const Operand& arg : call.args) args.push_back(evaluate(arg, env));
    value = liquid::apply_filter(call.name, std::move(value), args, env);
  }
  return env.text(value);
}

// ---------------------------------------------------------------------------------------------
// Scanning the text

struct TagEnd {
  std::size_t at = std::string_view::npos;  // of the `}}`, or of a `{{` that reopens
  bool reopens = false;
};

// The end of the tag whose content starts at `from`: the first `}}` outside quotes, unless a
// `{{` outside quotes comes first (the earlier `{{` was then plain text).
TagEnd find_tag_end(std::string_view text, std::size_t from) {
  char quote = 0;
  const std::size_t limit = std::min(text.size(), from + kMaxQuotedTagBytes);
  for (std::size_t i = from; i < limit && i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if ((c == '}' || c == '{') && text[i + 1] == c) {
      return {i, c == '{'};
    }
  }
  // An unbalanced quote (or a long tag): the first `{{` or `}}` as written.
  const std::size_t close = text.find("}}", from);
  const std::size_t reopen = text.find("{{", from);
  if (reopen < close) return {reopen, true};
  return {close, false};
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string render(std::string_view text, const json::object& variables, Budget& budget,
                   const Clock& clock) {
  const Env env{variables, budget, clock};
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("{{", i);
    if (open == std::string_view::npos) break;
    const TagEnd end = find_tag_end(text, open + 2);
    if (end.at == std::string_view::npos) break;  // unclosed: the rest stays as written
    if (end.reopens) {
      out.append(text.substr(i, end.at - i));
      i = end.at;
      continue;
    }
    std::string_view inner = text.substr(open + 2, end.at - open - 2);
    const bool trim_before = !inner.empty() && inner.front() == '-';
    const bool trim_after = inner.size() > trim_before && inner.back() == '-';
    inner = inner.substr(trim_before, inner.size() - trim_before - trim_after);
    const auto expression = Parser(inner).expression();
    std::size_t next = end.at + 2;
    if (!expression) {  // not an expression: left as written
      out.append(text.substr(i, next - i));
      i = next;
      continue;
    }
    std::string_view before = text.substr(i, open - i);
    while (trim_before && !before.empty() && is_space(before.back())) before.remove_suffix(1);
    out.append(before);
    out += evaluate(*expression, env);
    while (trim_after && next < text.size() && is_space(text[next])) ++next;
    i = next;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

}  // namespace

std::string render_template(std::string_view text, const json::object& variables,
                            const Clock& clock) {
  Budget budget(kWorkBudgetBytes);
  return render(text, variables, budget, clock);
}

json::object with_builtins(json::object variables, std::chrono::system_clock::time_point now,
                           const json::value& customer) {
  const std::int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const json::value instant(seconds);
  const auto put_date = [&](std::string_view key, std::string_view format) {
    if (variables.contains(key)) return;
    auto text = format_date(instant, format, nullptr, 0, liquid::kMaxValueBytes);
    variables.emplace(key, json::string(text.value_or("")));
  };
  put_date("now", "%b %-d, %Y %-I:%M %p");
  put_date("date", "%b %-d, %Y");
  put_date("time", "%-I:%M %p");
  put_date("month", "%B");
  put_date("day", "%-d");
  put_date("year", "%Y");
  if (customer.is_object()) variables.emplace("customer", customer);
  variables.emplace("__now", seconds);
  return variables;
}

void render_strings(json::value& value, const json::object& variables, const Clock& clock) {
  Budget budget(kWorkBudgetBytes);
  std::vector<json::value*> stack{&value};  // explicit: documents may nest deeper than a stack
  while (!stack.empty()) {
    json::value* v = stack.back();
    stack.pop_back();
    if (auto* s = v->if_string()) {
      if (s->find("{{") != json::string::npos) *s = render(*s, variables, budget, clock);
    } else if (auto* array = v->if_array()) {
      for (auto& element : *array) stack.push_back(&element);
    } else if (auto* object = v->if_object()) {
      for (auto& member : *object) stack.push_back(&member.value());
    }
  }
}

}  // namespace sb::chat
