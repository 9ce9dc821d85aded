#include "domain/analytics/insight_formula.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>

#include "core/api_error.hpp"

namespace sb::analytics {

struct InsightFormula::Node {
  enum class Kind { kNumber, kQuery, kNegate, kBinary, kCall };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::size_t query = 0;
  char op = 0;
  std::string function;
  std::vector<std::shared_ptr<const Node>> args;
};

namespace {

using NodePtr = std::shared_ptr<const InsightFormula::Node>;
using Kind = InsightFormula::Node::Kind;

// MathJS's mod: the result takes the divisor's sign.
double modulus(double x, double y) {
  return x - y * std::floor(x / y);
}

struct Function {
  std::size_t min_args;
  std::size_t max_args;  ///< 0: any number from min_args
  std::function<double(const std::vector<double>&)> apply;
};

const std::map<std::string, Function, std::less<>>& functions() {
  using V = std::vector<double>;
  static const std::map<std::string, Function, std::less<>> table = {
      {"abs", {1, 1, [](const V& a) { return std::fabs(a[0]); }}},
      {"ceil", {1, 1, [](const V& a) { return std::ceil(a[0]); }}},
      {"floor", {1, 1, [](const V& a) { return std::floor(a[0]); }}},
      {"round",
       {1, 2,
        [](const V& a) {
          const double scale = a.size() > 1 ? std::pow(10.0, std::round(a[1])) : 1.0;
          return std::round(a[0] * scale) / scale;
        }}},
      {"sqrt", {1, 1, [](const V& a) { return std::sqrt(a[0]); }}},
      {"exp", {1, 1, [](const V& a) { return std::exp(a[0]); }}},
      {"log",
       {1, 2,
        [](const V& a) {
          return a.size() > 1 ? std::log(a[0]) / std::log(a[1]) : std::log(a[0]);
        }}},
      {"log10", {1, 1, [](const V& a) { return std::log10(a[0]); }}},
      {"pow", {2, 2, [](const V& a) { return std::pow(a[0], a[1]); }}},
      {"mod", {2, 2, [](const V& a) { return modulus(a[0], a[1]); }}},
      {"min", {1, 0, [](const V& a) { return *std::min_element(a.begin(), a.end()); }}},
      {"max", {1, 0, [](const V& a) { return *std::max_element(a.begin(), a.end()); }}},
  };
  return table;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The query name inside {{ }}: Name, ['Name'], ["Name"] or [Name].
std::string_view reference_name(std::string_view inside) {
  auto name = trim(inside);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = trim(name.substr(1, name.size() - 2));
    if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') &&
        name.back() == name.front())
      name = name.substr(1, name.size() - 2);
  }
  return name;
}

// Recursive descent over the text, lowest precedence first: + -, then * / %, then unary
// minus, then ^ (right-associative, binding tighter than a leading minus as in MathJS).
class Parser {
 public:
  Parser(std::string_view text, const std::vector<std::string>& names, const std::string& where)
      : text_(text), names_(names), where_(where) {}

  NodePtr parse() {
    auto root = additive();
    skip_spaces();
    if (pos_ < text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    return root;
  }

  std::vector<std::size_t> queries() const { return queries_; }

 private:
  static constexpr int kMaxDepth = 64;

  [[noreturn]] void fail(const std::string& what) const {
    throw ApiError::bad_request(where_ + ": " + what + " at character " + std::to_string(pos_ + 1));
  }

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool take(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  static NodePtr binary(char op, NodePtr left, NodePtr right) {
    auto n = std::make_shared<InsightFormula::Node>();
    n->kind = Kind::kBinary;
    n->op = op;
    n->args = {std::move(left), std::move(right)};
    return n;
  }

  NodePtr additive() {
    auto left = multiplicative();
    for (;;) {
      if (take('+'))
        left = binary('+', left, multiplicative());
      else if (take('-'))
        left = binary('-', left, multiplicative());
      else
        return left;
    }
  }

  NodePtr multiplicative() {
    auto left = unary();
    for (;;) {
      if (take('*'))
        left = binary('*', left, unary());
      else if (take('/'))
        left = binary('/', left, unary());
      else if (take('%'))
        left = binary('%', left, unary());
      else
        return left;
    }
  }

  NodePtr unary() {
    if (take('+')) return unary();
    if (take('-')) {
      auto n = std::make_shared<InsightFormula::Node>();
      n->kind = Kind::kNegate;
      n->args = {unary()};
      return n;
    }
    return power();
  }

  NodePtr power() {
    auto base = primary();
    if (take('^')) return binary('^', base, unary());
    return base;
  }

  NodePtr primary() {
    if (++depth_ > kMaxDepth) fail("the formula nests too deeply");
    auto node = primary_at_depth();
    --depth_;
    return node;
  }

  NodePtr primary_at_depth() {
    skip_spaces();
    if (pos_ >= text_.size()) fail("the formula ends too early");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      auto inner = additive();
      if (!take(')')) fail("')' expected");
      return inner;
    }
    if (text_.substr(pos_).starts_with("{{")) return reference();
    if ((c >= '0' && c <= '9') || c == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name();
    fail("unexpected '" + std::string(1, c) + "'");
  }

  NodePtr reference() {
    const auto close = text_.find("}}", pos_ + 2);
    if (close == std::string_view::npos) fail("'{{' without its '}}'");
    const auto name = reference_name(text_.substr(pos_ + 2, close - pos_ - 2));
    const auto it = std::find(names_.begin(), names_.end(), name);
    if (it == names_.end())
      fail("{{" + std::string(name) + "}} is not the name of one of the insight's queries");
    pos_ = close + 2;
    auto n = std::make_shared<InsightFormula::Node>();
    n->kind = Kind::kQuery;
    n->query = static_cast<std::size_t>(it - names_.begin());
    if (std::find(queries_.begin(), queries_.end(), n->query) == queries_.end())
      queries_.push_back(n->query);
    return n;
  }

  NodePtr number() {
    double value = 0;
    const auto* begin = text_.data() + pos_;
    const auto [end, error] = std::from_chars(begin, text_.data() + text_.size(), value);
    if (error != std::errc()) fail("a number expected");
    pos_ += static_cast<std::size_t>(end - begin);
    auto n = std::make_shared<InsightFormula::Node>();
    n->number = value;
    return n;
  }

  NodePtr name() {
    const auto start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    const std::string word(text_.substr(start, pos_ - start));
    if (take('(')) return call(word, start);
    auto n = std::make_shared<InsightFormula::Node>();
    if (word == "pi" || word == "PI")
      n->number = std::numbers::pi;
    else if (word == "e" || word == "E")
      n->number = std::numbers::e;
    else {
      pos_ = start;
      fail("unknown name " + word + " (a query is written {{Query name}})");
    }
    return n;
  }

  NodePtr call(const std::string& function, std::size_t start) {
    const auto it = functions().find(function);
    if (it == functions().end()) {
      pos_ = start;
      fail("unknown function " + function);
    }
    auto n = std::make_shared<InsightFormula::Node>();
    n->kind = Kind::kCall;
    n->function = function;
    if (!take(')')) {
      do n->args.push_back(additive());
      while (take(','));
      if (!take(')')) fail("')' expected");
    }
    const auto& f = it->second;
    if (n->args.size() < f.min_args || (f.max_args && n->args.size() > f.max_args)) {
      pos_ = start;
      fail(function + " takes " + std::to_string(f.min_args) +
           (f.max_args == f.min_args ? ""
            : f.max_args             ? " or " + std::to_string(f.max_args)
                                     : " or more") +
           " arguments");
    }
    return n;
  }

  std::string_view text_;
  const std::vector<std::string>& names_;
  const std::string& where_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<std::size_t> queries_;
};

std::optional<double> evaluate_node(const InsightFormula::Node& n,
                                    const std::vector<std::optional<double>>& values) {
  switch (n.kind) {
    case Kind::kNumber:
      return n.number;
    case Kind::kQuery:
      return n.query < values.size() ? values[n.query] : std::nullopt;
    case Kind::kNegate: {
      const auto v = evaluate_node(*n.args[0], values);
      return v ? std::optional(-*v) : std::nullopt;
    }
    case Kind::kBinary: {
      const auto a = evaluate_node(*n.args[0], values);
      const auto b = evaluate_node(*n.args[1], values);
      if (!a || !b) return std::nullopt;
      switch (n.op) {
        case '+':
          return *a + *b;
        case '-':
          return *a - *b;
        case '*':
          return *a * *b;
        case '/':
          return *a / *b;
        case '%':
          return modulus(*a, *b);
        default:
          return std::pow(*a, *b);
      }
    }
    case Kind::kCall: {
      std::vector<double> args;
      for (const auto& arg : n.args) {
        const auto v = evaluate_node(*arg, values);
        if (!v) return std::nullopt;
        args.push_back(*v);
      }
      return functions().find(n.function)->second.apply(args);
    }
  }
  return std::nullopt;
}

}  // namespace

InsightFormula InsightFormula::compile(std::string_view text,
                                       const std::vector<std::string>& query_names,
                                       const std::string& where) {
  Parser parser(text, query_names, where);
  InsightFormula formula;
  formula.root_ = parser.parse();
  formula.queries_ = parser.queries();
  if (formula.queries_.empty())
    throw ApiError::bad_request(where +
                                " must refer to at least one query, as {{Query name}} or "
                                "{{['Query name']}}");
  return formula;
}

std::optional<double> InsightFormula::evaluate(
    const std::vector<std::optional<double>>& values) const {
  const auto v = evaluate_node(*root_, values);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

}  // namespace sb::analytics
