#include "storage/analytics_sql.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace sb::storage {
namespace {

bool plain_component(const std::string& c) {
  if (c.empty() || c.size() > 100) return false;
  for (char ch : c) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

// Where a JSON value is read from: the call's document, or an event's data.
struct Doc {
  const char* sqlite;
  const char* postgres;
};
constexpr Doc kCallDoc{"r.document", "r.fields"};
constexpr Doc kEventData{"e.data", "e.data"};

// Builds the statement: parameters numbered in the order they are added.
class Builder {
 public:
  explicit Builder(SqlDialect dialect) : dialect_(dialect) {}

  std::string param(std::string value) {
    out_.params.push_back(std::move(value));
    return (dialect_ == SqlDialect::kSqlite ? "?" : "$") + std::to_string(out_.params.size());
  }

  // A JSON path parameter: "$.a.b" (SQLite) or "{a,b}" (PostgreSQL text[]).
  std::string path(const std::vector<std::string>& components) {
    for (const auto& c : components)
      if (!plain_component(c)) throw std::invalid_argument("analytics path component: " + c);
    std::string p = dialect_ == SqlDialect::kSqlite ? "$" : "{";
    for (std::size_t i = 0; i < components.size(); ++i) {
      if (dialect_ == SqlDialect::kSqlite)
        p += "." + components[i];
      else
        p += (i ? "," : "") + components[i];
    }
    if (dialect_ == SqlDialect::kPostgres) p += "}";
    return param(std::move(p)) + (dialect_ == SqlDialect::kPostgres ? "::text[]" : "");
  }

  // The group's value as text, NULL when absent. assistantId is a generated column with an
  // index on (org, created_at, it), so the common dashboard grouping reads the index only.
  std::string group(const std::vector<std::string>& components, Doc doc = kCallDoc) {
    if (doc.sqlite == kCallDoc.sqlite && components == std::vector<std::string>{"assistantId"})
      return "r.call_assistant_id";
    const auto p = path(components);
    if (dialect_ == SqlDialect::kPostgres)
      return "(" + std::string(doc.postgres) + " #>> " + p + ")";
    // Booleans read as 1/0 in SQLite; spell them as PostgreSQL does.
    const std::string d = doc.sqlite;
    return "(CASE json_type(" + d + ", " + p + ") WHEN 'true' THEN 'true' WHEN 'false' THEN " +
           "'false' ELSE CAST(json_extract(" + d + ", " + p + ") AS TEXT) END)";
  }

  // A number from the document, NULL unless it is a JSON number.
  std::string number(const AnalyticsValue& v, Doc doc = kCallDoc) {
    if (v.source == AnalyticsValue::Source::kDuration) return duration();
    const auto p = path(v.path);
    if (dialect_ == SqlDialect::kPostgres) {
      const std::string d = doc.postgres;
      return "(CASE WHEN jsonb_typeof(" + d + " #> " + p + ") = 'number' THEN (" + d + " #>> " + p +
             ")::double precision END)";
    }
    const std::string d = doc.sqlite;
    return "(CASE WHEN json_type(" + d + ", " + p + ") IN ('integer', 'real') THEN json_extract(" +
           d + ", " + p + ") END)";
  }

  // Whole milliseconds between startedAt and endedAt, in seconds: both dialects compute the
  // same double (an exact count of ms divided by 1000).
  std::string duration() const {
    if (dialect_ == SqlDialect::kPostgres)
      return "(round(extract(epoch FROM ((r.fields ->> 'endedAt')::timestamptz - "
             "(r.fields ->> 'startedAt')::timestamptz)) * 1000) / 1000)::double precision";
    return "(round((julianday(json_extract(r.document, '$.endedAt')) - "
           "julianday(json_extract(r.document, '$.startedAt'))) * 86400000.0) / 1000.0)";
  }

  std::string aggregate(const AnalyticsAggregate& a) {
    using Op = AnalyticsAggregate::Op;
    if (a.value.source == AnalyticsValue::Source::kRowId) {
      if (a.op != Op::kCount) throw std::invalid_argument("only count applies to the call id");
      return "COUNT(*)";
    }
    if (a.value.source == AnalyticsValue::Source::kAny && a.op == Op::kCount)
      return "COUNT(" + group(a.value.path) + ")";
    const auto x = number(a.value);
    switch (a.op) {
      case Op::kCount:
        return "COUNT(" + x + ")";
      case Op::kSum:
        return "SUM(" + x + ")";
      case Op::kAvg:
        return "AVG(" + x + ")";
      case Op::kMin:
        return "MIN(" + x + ")";
      case Op::kMax:
        return "MAX(" + x + ")";
      case Op::kPercentage:
        throw std::invalid_argument("a percentage is an event query's");
      case Op::kHistory:
        if (dialect_ == SqlDialect::kPostgres)
          return "COALESCE(jsonb_agg(" + x + ") FILTER (WHERE " + x + " IS NOT NULL), '[]')";
        return "json_group_array(" + x + ") FILTER (WHERE " + x + " IS NOT NULL)";
    }
    return "NULL";
  }

  // The buckets as a relation b(i, lo, hi), i from 0.
  std::string buckets(const std::vector<AnalyticsBucket>& list) {
    if (dialect_ == SqlDialect::kSqlite) {
      std::string json = "[";
      for (std::size_t i = 0; i < list.size(); ++i)
        json +=
            (i ? ",[" : "[") + std::to_string(list[i].lo) + "," + std::to_string(list[i].hi) + "]";
      json += "]";
      return "SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS lo, "
             "json_extract(value, '$[1]') AS hi FROM json_each(" +
             param(std::move(json)) + ")";
    }
    std::string los = "{", his = "{";
    for (std::size_t i = 0; i < list.size(); ++i) {
      los += (i ? "," : "") + std::to_string(list[i].lo);
      his += (i ? "," : "") + std::to_string(list[i].hi);
    }
    los += "}";
    his += "}";
    const auto lo = param(std::move(los));
    const auto hi = param(std::move(his));
    return "SELECT (o - 1)::integer AS i, lo, hi FROM unnest(" + lo + "::bigint[], " + hi +
           "::bigint[]) WITH ORDINALITY AS t(lo, hi, o)";
  }

  // The condition `f` as SQL; missing values are "not equal", "not in", "not containing".
  std::string filter(const AnalyticsFilter& f, Doc doc = kCallDoc) {
    using Op = AnalyticsFilter::Op;
    const bool pg = dialect_ == SqlDialect::kPostgres;
    std::string x;
    if (f.type == AnalyticsFilter::Type::kNumber)
      x = number(f.value, doc);
    else
      x = group(f.value.path, doc);  // text
    // Instants are compared as the uniform ISO text calls store: byte order is time order.
    if (f.type == AnalyticsFilter::Type::kInstant && pg) x += " COLLATE \"C\"";
    const auto value = [&](const std::string& v) {
      const auto p = param(v);
      if (f.type != AnalyticsFilter::Type::kNumber) return p;
      return pg ? p + "::double precision" : "CAST(" + p + " AS REAL)";
    };
    const auto list = [&] {
      std::string l;
      for (const auto& v : f.values) l += (l.empty() ? "" : ", ") + value(v);
      return l;
    };
    const auto first = [&] { return value(f.values.empty() ? std::string() : f.values.front()); };
    const std::string absent = "(" + x + ") IS NULL";
    switch (f.op) {
      case Op::kEq:
        return x + " = " + first();
      case Op::kNe:
        return "(" + absent + " OR " + x + " <> " + first() + ")";
      case Op::kGt:
        return x + " > " + first();
      case Op::kLt:
        return x + " < " + first();
      case Op::kGe:
        return x + " >= " + first();
      case Op::kLe:
        return x + " <= " + first();
      case Op::kIn:
        return f.values.empty() ? "1 = 0" : x + " IN (" + list() + ")";
      case Op::kNotIn:
        return f.values.empty() ? "1 = 1" : "(" + absent + " OR " + x + " NOT IN (" + list() + "))";
      case Op::kContains:
        return (pg ? "strpos(" : "instr(") + x + ", " + first() + ") > 0";
      case Op::kNotContains:
        return "(" + absent + " OR " + (pg ? "strpos(" : "instr(") + x + ", " + first() + ") = 0)";
      case Op::kEmpty:
        return f.type == AnalyticsFilter::Type::kText ? "(" + absent + " OR " + x + " = '')"
                                                      : absent;
      case Op::kNotEmpty:
        return f.type == AnalyticsFilter::Type::kText ? "(" + x + ") <> ''"
                                                      : "(" + x + ") IS NOT NULL";
    }
    return "1 = 0";
  }

  CompiledAnalytics take() { return std::move(out_); }

 private:
  SqlDialect dialect_;
  CompiledAnalytics out_;
};

// The calls' partial index: SQLite's planner prefers resources_by_created (it has the kind)
// and then reads each row for the assistant; this one serves every analytics query and covers
// the per-assistant counts (bench/analytics.sh: 2.1 s → 0.2 s cold).
const char* calls_index(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? " INDEXED BY resources_calls_by_created" : "";
}

// The group columns to select (", x" or ", x AS g0") and their GROUP BY positions.
struct Groups {
  std::string select;
  std::string by;
};
Groups group_columns(Builder& b, const AnalyticsRequest& request, bool named) {
  Groups out;
  for (std::size_t g = 0; g < request.group_paths.size(); ++g) {
    out.select += ", " + b.group(request.group_paths[g]);
    if (named) out.select += " AS g" + std::to_string(g);
    out.by += ", " + std::to_string(g + 2);
  }
  return out;
}

std::string call_conditions(Builder& b, const AnalyticsRequest& request) {
  std::string out;
  for (const auto& f : request.filters) out += " AND " + b.filter(f);
  return out;
}

// The buckets joined with the org's calls created in them, filtered.
std::string calls_from(Builder& b, const std::string& org, const AnalyticsRequest& request,
                       SqlDialect dialect) {
  return std::string("b JOIN resources AS r") + calls_index(dialect) + " ON r.org_id = " + org +
         " AND r.kind = 'call' AND r.created_at >= b.lo AND r.created_at < b.hi" +
         call_conditions(b, request);
}

// The buckets joined with the org's events of the type at times in them, filtered on their
// data; joined with their calls when groups or call filters read those.
std::string events_from(Builder& b, const std::string& org, const AnalyticsRequest& request) {
  std::string from = "b JOIN call_events AS e ON e.org_id = " + org +
                     " AND e.type = " + b.param(request.events->type) +
                     " AND e.at >= b.lo AND e.at < b.hi";
  for (const auto& f : request.events->data_filters) from += " AND " + b.filter(f, kEventData);
  if (!request.group_paths.empty() || !request.filters.empty())
    from += " JOIN resources AS r ON r.id = e.call_id" + call_conditions(b, request);
  return from;
}

std::string limit(const AnalyticsRequest& request) {
  return " LIMIT " + std::to_string(request.max_rows + 1);
}

std::string select_calls(Builder& b, const std::string& org, const AnalyticsRequest& request,
                         SqlDialect dialect) {
  const auto groups = group_columns(b, request, false);
  std::string aggregates;
  for (const auto& a : request.aggregates) aggregates += ", " + b.aggregate(a);
  return "SELECT b.i" + groups.select + aggregates + " FROM " +
         calls_from(b, org, request, dialect) + " GROUP BY 1" + groups.by + limit(request);
}

std::string select_event_count(Builder& b, const std::string& org,
                               const AnalyticsRequest& request) {
  const auto groups = group_columns(b, request, false);
  return "SELECT b.i" + groups.select + ", COUNT(*) FROM " + events_from(b, org, request) +
         " GROUP BY 1" + groups.by + limit(request);
}

// Events per 100 calls: each (bucket, group) with calls, its events counted (0 without).
std::string select_event_percentage(Builder& b, const std::string& org,
                                    const AnalyticsRequest& request, SqlDialect dialect) {
  const bool pg = dialect == SqlDialect::kPostgres;
  const auto event_groups = group_columns(b, request, true);
  const auto call_groups = group_columns(b, request, true);
  std::string keys = "ev.i = c.i", columns = "c.i";
  for (std::size_t g = 0; g < request.group_paths.size(); ++g) {
    const auto name = "g" + std::to_string(g);
    keys += " AND ev." + name + (pg ? " IS NOT DISTINCT FROM c." : " IS c.") + name;
    columns += ", c." + name;
  }
  return ", ev AS (SELECT b.i AS i" + event_groups.select + ", COUNT(*) AS n FROM " +
         events_from(b, org, request) + " GROUP BY 1" + event_groups.by +
         "), c AS (SELECT b.i AS i" + call_groups.select + ", COUNT(*) AS n FROM " +
         calls_from(b, org, request, dialect) + " GROUP BY 1" + call_groups.by + ") SELECT " +
         columns + ", CAST(100.0 * COALESCE(ev.n, 0) / c.n AS " +
         (pg ? "double precision" : "REAL") + ") FROM c LEFT JOIN ev ON " + keys + limit(request);
}

// An event query has one aggregate: a count or a percentage.
std::string select_events(Builder& b, const std::string& org, const AnalyticsRequest& request,
                          SqlDialect dialect) {
  using Op = AnalyticsAggregate::Op;
  if (request.aggregates.size() != 1 ||
      (request.aggregates[0].op != Op::kCount && request.aggregates[0].op != Op::kPercentage))
    throw std::invalid_argument("an event query counts or takes a percentage, once");
  if (request.aggregates[0].op == Op::kCount) return " " + select_event_count(b, org, request);
  return select_event_percentage(b, org, request, dialect);
}

}  // namespace

CompiledAnalytics compile_analytics(std::string_view org_id, const AnalyticsRequest& request,
                                    SqlDialect dialect) {
  if (request.buckets.empty()) throw std::invalid_argument("analytics request without buckets");
  Builder b(dialect);
  const auto org = b.param(std::string(org_id));
  const auto cte = "WITH b AS (" + b.buckets(request.buckets) + ")";
  const auto body = request.events ? select_events(b, org, request, dialect)
                                   : " " + select_calls(b, org, request, dialect);
  auto out = b.take();
  out.sql = cte + body;
  return out;
}

std::string call_events_json(const std::vector<CallEvent>& events) {
  std::string out = "[";
  for (const auto& e : events) {
    if (out.size() > 1) out += ",";
    out += R"({"type":)" + boost::json::serialize(boost::json::string(e.type)) + R"(,"at":)" +
           std::to_string(e.at) + R"(,"data":)" + e.data + "}";
  }
  return out + "]";
}

std::vector<double> parse_history(std::string_view json) {
  std::vector<double> out;
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_array()) throw std::runtime_error("analytics history is not an array");
  for (const auto& v : parsed.as_array()) {
    if (v.is_double())
      out.push_back(v.get_double());
    else if (v.is_int64())
      out.push_back(static_cast<double>(v.get_int64()));
    else if (v.is_uint64())
      out.push_back(static_cast<double>(v.get_uint64()));
  }
  return out;
}

}  // namespace sb::storage
