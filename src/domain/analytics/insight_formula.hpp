#pragma once
// An insight's formula (InsightFormula.formula): an arithmetic expression over the values of
// the insight's queries, each named as LiquidJS would print it — {{Calls}}, {{['Query 1']}},
// {{[Query 1]}}. The MathJS subset evaluated here: numbers, + - * / % (modulus) ^, unary minus,
// parentheses, the constants pi and e, and abs, ceil, floor, round(x[, digits]), sqrt, exp,
// log(x[, base]), log10, pow, mod, min(...), max(...).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::analytics {

class InsightFormula {
 public:
  /// Compiles `text` against the insight's query names (a reference is an index into them).
  /// Throws ApiError 400, prefixed by `where`, on a syntax error, an unknown function, a name
  /// that is no query's, or no reference at all.
  static InsightFormula compile(std::string_view text, const std::vector<std::string>& query_names,
                                const std::string& where);

  /// The value for one point, `values` indexed as the query names were. Empty when an operand
  /// it reads is empty or the result is not a finite number (a division by zero).
  [[nodiscard]] std::optional<double> evaluate(
      const std::vector<std::optional<double>>& values) const;

  /// The queries it reads, by index, each once, in order.
  [[nodiscard]] const std::vector<std::size_t>& queries() const { return queries_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::size_t> queries_;
};

}  // namespace sb::analytics
