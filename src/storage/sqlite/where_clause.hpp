#pragma once
// Builds the WHERE clause of list queries: the createdAt/updatedAt bounds every list endpoint
// shares, plus resource-specific conditions, with positional parameters numbered in order.

#include <cstdint>
#include <string>
#include <vector>

#include "storage/list_query.hpp"

namespace sb::storage::sqlite {

class Statement;

class WhereClause {
 public:
  /// `first` uses parameter ?1, which the caller binds.
  explicit WhereClause(std::string first) : sql_(std::move(first)) {}

  void add_time_filter(const TimeFilter& f);
  /// Adds a parameter; returns its index for use in add_sql().
  int add_text(std::string value);
  int add_integer(std::int64_t value);
  int add_real(double value);
  void add_sql(const std::string& condition) { sql_ += " AND " + condition; }

  const std::string& sql() const { return sql_; }
  int next_index() const { return next_; }
  /// Binds the parameters added here (from ?2 on).
  void bind(Statement& stmt) const;

 private:
  std::string sql_;
  int next_ = 2;
  struct Param {
    enum class Type { kText, kInteger, kReal } type;
    int index;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;
  };
  std::vector<Param> params_;
};

}  // namespace sb::storage::sqlite
