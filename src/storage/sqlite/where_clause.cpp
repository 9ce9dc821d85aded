#include "storage/sqlite/where_clause.hpp"

#include "storage/sql_fragments.hpp"
#include "storage/sqlite/connection.hpp"

namespace sb::storage::sqlite {

void WhereClause::add_time_filter(const TimeFilter& f) {
  for_each_bound(f, [&](const char* column, const char* op, std::int64_t value) {
    sql_ += std::string(" AND ") + column + ' ' + op + " ?" + std::to_string(next_);
    params_.push_back({Param::Type::kInteger, next_++, value, 0, {}});
  });
}

int WhereClause::add_text(std::string value) {
  params_.push_back({Param::Type::kText, next_, 0, 0, std::move(value)});
  return next_++;
}

int WhereClause::add_integer(std::int64_t value) {
  params_.push_back({Param::Type::kInteger, next_, value, 0, {}});
  return next_++;
}

int WhereClause::add_real(double value) {
  params_.push_back({Param::Type::kReal, next_, 0, value, {}});
  return next_++;
}

void WhereClause::bind(Statement& stmt) const {
  for (const auto& p : params_) {
    switch (p.type) {
      case Param::Type::kText:
        stmt.bind(p.index, std::string_view(p.text));
        break;
      case Param::Type::kInteger:
        stmt.bind(p.index, p.integer);
        break;
      case Param::Type::kReal:
        stmt.bind_real(p.index, p.real);
        break;
    }
  }
}

}  // namespace sb::storage::sqlite
