#include "domain/analytics/analytics_query.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

#include "core/api_error.hpp"
#include "core/civil_time.hpp"
#include "core/json_fields.hpp"

namespace sb::analytics {
namespace json = boost::json;
using storage::AnalyticsAggregate;
using storage::AnalyticsValue;

namespace {

[[noreturn]] void bad(const std::string& message) {
  throw ApiError::bad_request(message);
}

struct Column {
  std::string_view name;
  AnalyticsValue value;
};

// The document's AnalyticsOperation columns on the call table, and where each is in a call.
const std::vector<Column>& call_columns() {
  using S = AnalyticsValue::Source;
  static const std::vector<Column> columns = {
      {"id", {S::kRowId, {}}},
      {"cost", {S::kNumber, {"cost"}}},
      {"costBreakdown.llm", {S::kNumber, {"costBreakdown", "llm"}}},
      {"costBreakdown.stt", {S::kNumber, {"costBreakdown", "stt"}}},
      {"costBreakdown.tts", {S::kNumber, {"costBreakdown", "tts"}}},
      {"costBreakdown.vapi", {S::kNumber, {"costBreakdown", "vapi"}}},
      {"costBreakdown.transport", {S::kNumber, {"costBreakdown", "transport"}}},
      {"costBreakdown.analysisBreakdown.summary",
       {S::kNumber, {"costBreakdown", "analysisCostBreakdown", "summary"}}},
      {"costBreakdown.transcriber", {S::kNumber, {"costBreakdown", "stt"}}},
      {"costBreakdown.ttsCharacters", {S::kNumber, {"costBreakdown", "ttsCharacters"}}},
      {"costBreakdown.llmPromptTokens", {S::kNumber, {"costBreakdown", "llmPromptTokens"}}},
      {"costBreakdown.llmCompletionTokens", {S::kNumber, {"costBreakdown", "llmCompletionTokens"}}},
      {"costBreakdown.llmCachedPromptTokens",
       {S::kNumber, {"costBreakdown", "llmCachedPromptTokens"}}},
      {"duration", {S::kDuration, {}}},
  };
  return columns;
}

constexpr std::array<std::pair<std::string_view, AnalyticsAggregate::Op>, 6> kOperations{{
    {"count", AnalyticsAggregate::Op::kCount},
    {"sum", AnalyticsAggregate::Op::kSum},
    {"avg", AnalyticsAggregate::Op::kAvg},
    {"min", AnalyticsAggregate::Op::kMin},
    {"max", AnalyticsAggregate::Op::kMax},
    {"history", AnalyticsAggregate::Op::kHistory},
}};

constexpr std::array<std::string_view, 5> kGroupBy = {"type", "assistantId", "endedReason",
                                                      "analysis.successEvaluation", "status"};

std::vector<std::string> split_path(std::string_view dotted) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (std::size_t dot; (dot = dotted.find('.', begin)) != std::string_view::npos; begin = dot + 1)
    out.emplace_back(dotted.substr(begin, dot - begin));
  out.emplace_back(dotted.substr(begin));
  return out;
}

bool plain_key(std::string_view key) {
  if (key.empty() || key.size() > 100) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string text_of(const json::object& o, std::string_view key, const std::string& where) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) bad(where + "." + std::string(key) + " must be a string");
  return std::string(v->as_string());
}

// "-7d", "now", or an ISO 8601 date-time.
EpochMs parse_instant(const json::value& v, EpochMs now, const std::string& where, bool relative) {
  if (!v.is_string()) bad(where + " must be a date-time string");
  const std::string_view text = v.as_string();
  if (relative && text == "now") return now;
  if (relative && text.size() >= 3 && text.front() == '-') {
    std::int64_t n = 0;
    std::size_t i = 1;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i < 7; ++i)
      n = n * 10 + (text[i] - '0');
    if (i == text.size() - 1 && i > 1) {
      constexpr std::int64_t kHourMs = 3600 * 1000;
      switch (text.back()) {
        case 'h':
          return now - n * kHourMs;
        case 'd':
          return now - n * 24 * kHourMs;
        case 'w':
          return now - n * 7 * 24 * kHourMs;
        case 'm':
        case 'y': {  // calendar months and years back, at the same UTC time of day
          const std::int64_t day_ms = 24 * kHourMs;
          const auto days = civil::floor_div(now, day_ms);
          const auto d = civil::civil_from_days(days);
          const std::int64_t index = d.year * 12 + d.month - 1 - n * (text.back() == 'y' ? 12 : 1);
          const auto year = civil::floor_div(index, 12);
          const int month = static_cast<int>(index - year * 12) + 1;
          const int day = std::min(d.day, civil::days_in_month(year, month));
          return civil::days_from_civil(year, month, day) * day_ms + (now - days * day_ms);
        }
        default:
          break;
      }
    }
    bad(where + " must be a date-time or a relative time such as -7d (units d, h, w, m, y)");
  }
  const auto parsed = parse_iso8601(text);
  if (!parsed) bad(where + " must be an ISO 8601 date-time");
  return *parsed;
}

AnalyticsAggregate parse_operation(const json::object& op, const std::string& where,
                                   std::string& alias) {
  const auto name = text_of(op, "operation", where);
  const auto column = text_of(op, "column", where);
  AnalyticsAggregate out;
  const auto o = std::find_if(kOperations.begin(), kOperations.end(),
                              [&](const auto& e) { return e.first == name; });
  if (o == kOperations.end())
    bad(where + ".operation must be one of count, sum, avg, min, max, history");
  out.op = o->second;
  if (column == "concurrency" || column == "minutesUsed")
    bad(where + ".column " + column + " belongs to the subscription table, which this server " +
        "does not keep");
  const auto& columns = call_columns();
  const auto c = std::find_if(columns.begin(), columns.end(),
                              [&](const Column& e) { return e.name == column; });
  if (c == columns.end()) bad(where + ".column " + column + " is not a column of the call table");
  out.value = c->value;
  if (out.value.source == AnalyticsValue::Source::kRowId &&
      out.op != AnalyticsAggregate::Op::kCount)
    bad(where + ": the id column can only be counted (operation count)");
  alias = name + static_cast<char>(std::toupper(static_cast<unsigned char>(column[0]))) +
          column.substr(1);
  if (const auto* a = op.if_contains("alias")) {
    if (!a->is_string() || a->as_string().empty() || a->as_string().size() > 40)
      bad(where + ".alias must be a string of 1 to 40 characters");
    alias = a->as_string();
  }
  return out;
}

void parse_groups(const json::object& query, Query& out, const std::string& where) {
  if (const auto* groups = array_at(query, "groupBy")) {
    for (std::size_t i = 0; i < groups->size(); ++i) {
      const auto& g = (*groups)[i];
      const auto found =
          g.is_string() && std::find(kGroupBy.begin(), kGroupBy.end(),
                                     std::string_view(g.as_string())) != kGroupBy.end();
      if (!found)
        bad(where + ".groupBy." + std::to_string(i) +
            " must be one of type, assistantId, endedReason, analysis.successEvaluation, status");
      out.group_names.emplace_back(g.as_string());
      out.request.group_paths.push_back(split_path(g.as_string()));
    }
  }
  if (const auto* vars = array_at(query, "groupByVariableValue")) {
    for (std::size_t i = 0; i < vars->size(); ++i) {
      const std::string at = where + ".groupByVariableValue." + std::to_string(i);
      const auto* o = (*vars)[i].if_object();
      if (!o) bad(at + " must be an object");
      const auto key = text_of(*o, "key", at);
      if (!plain_key(key)) bad(at + ".key must be 1 to 100 letters, digits, '_' or '-'");
      out.group_names.push_back(key);
      out.request.group_paths.push_back({"assistantOverrides", "variableValues", key});
    }
  }
}

// Result keys are the row's fields: two with one name would lose one.
void check_unique_names(const Query& q, const std::string& where) {
  std::set<std::string, std::less<>> seen;
  if (q.window.step != Step::kWhole) seen.insert("date");
  for (const auto* names : {&q.group_names, &q.aliases})
    for (const auto& n : *names)
      if (!seen.insert(n).second)
        bad(where + ": two results would be named \"" + n +
            "\" (set an alias, or group by it once)");
}

}  // namespace

TimeWindow parse_window(const json::object* range, EpochMs now, const std::string& where,
                        bool relative) {
  TimeWindow w;
  w.end = now;
  w.start = now - 7LL * 24 * 3600 * 1000;
  if (range) {
    if (const auto* v = range->if_contains("end"))
      w.end = parse_instant(*v, now, where + ".end", relative);
    if (const auto* v = range->if_contains("start"))
      w.start = parse_instant(*v, now, where + ".start", relative);
    else if (range->contains("end"))
      w.start = w.end - 7LL * 24 * 3600 * 1000;
    if (const auto* v = range->if_contains("step")) {
      const auto step = v->is_string() ? step_named(v->as_string()) : std::nullopt;
      if (!step)
        bad(where + ".step must be one of second, minute, hour, day, week, month, quarter, " +
            "year, decade, century, millennium");
      w.step = *step;
      w.step_name = v->as_string();
    }
    if (const auto* v = range->if_contains("timezone")) {
      if (!v->is_string()) bad(where + ".timezone must be a string");
      w.zone_name = v->as_string();
    }
  }
  if (w.start >= w.end) bad(where + ".start must be before " + where + ".end");
  w.zone = TimeZone::find(w.zone_name);
  if (!w.zone)
    bad(where + ".timezone " + w.zone_name +
        " is not a time zone of the IANA database (e.g. America/New_York)");
  return w;
}

void make_buckets(Query& q, const std::string& where) {
  auto buckets =
      time_buckets(q.window.start, q.window.end, q.window.step, *q.window.zone, kMaxBuckets);
  if (!buckets)
    bad(where + ": a " + q.window.step_name + " step over this range makes more than " +
        std::to_string(kMaxBuckets) + " buckets; use a longer step or a shorter range");
  q.buckets = std::move(*buckets);
  q.request.buckets.clear();
  for (const auto& b : q.buckets) q.request.buckets.push_back({b.lo, b.hi});
}

Query parse_query(const json::object& query, EpochMs now, const std::string& where) {
  Query q;
  q.name = text_of(query, "name", where);
  const auto table = text_of(query, "table", where);
  if (table == "subscription")
    bad(where + ".table subscription (concurrency, minutes used) is not kept by this server; " +
        "query the call table");
  if (table != "call") bad(where + ".table must be call");
  const auto* ops = array_at(query, "operations");
  if (!ops || ops->empty()) bad(where + ".operations must list at least one operation");
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const std::string at = where + ".operations." + std::to_string(i);
    const auto* op = (*ops)[i].if_object();
    if (!op) bad(at + " must be an object");
    std::string alias;
    q.request.aggregates.push_back(parse_operation(*op, at, alias));
    q.aliases.push_back(std::move(alias));
  }
  parse_groups(query, q, where);
  q.window = parse_window(object_at(query, "timeRange"), now, where + ".timeRange", false);
  check_unique_names(q, where);
  make_buckets(q, where + ".timeRange");
  q.request.max_rows = kMaxGroups;
  return q;
}

std::vector<Query> parse_request(const json::value& body, EpochMs now) {
  const auto* o = body.if_object();
  const auto* queries = o ? array_at(*o, "queries") : nullptr;
  if (!queries) bad("queries must be an array of queries");
  if (queries->size() > kMaxQueries)
    bad("queries may hold at most " + std::to_string(kMaxQueries) + " queries");
  std::vector<Query> out;
  for (std::size_t i = 0; i < queries->size(); ++i) {
    const std::string where = "queries." + std::to_string(i);
    const auto* q = (*queries)[i].if_object();
    if (!q) bad(where + " must be an object");
    out.push_back(parse_query(*q, now, where));
  }
  return out;
}

json::object format_result(const Query& q, std::vector<storage::AnalyticsRow> rows) {
  // Groups, not rows of calls: at most kMaxGroups of them.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.bucket != b.bucket) return a.bucket < b.bucket;
    for (std::size_t i = 0; i < a.groups.size(); ++i) {
      if (a.groups[i] == b.groups[i]) continue;
      if (!a.groups[i] || !b.groups[i]) return bool(a.groups[i]);  // absent last
      return *a.groups[i] < *b.groups[i];
    }
    return false;
  });
  const bool whole = q.window.step == Step::kWhole;
  if (rows.empty() && whole && q.request.group_paths.empty()) {
    auto& zero = rows.emplace_back();  // no calls: counts are 0, the rest have no value
    zero.numbers.resize(q.aliases.size());
    zero.histories.resize(q.aliases.size());
    for (std::size_t a = 0; a < q.aliases.size(); ++a)
      if (q.request.aggregates[a].op == AnalyticsAggregate::Op::kCount) zero.numbers[a] = 0;
  }
  json::array result;
  for (const auto& row : rows) {
    json::object item;
    if (!whole) item["date"] = format_iso8601(q.buckets.at(row.bucket).start);
    for (std::size_t g = 0; g < q.group_names.size(); ++g)
      item[q.group_names[g]] = row.groups[g] ? json::value(*row.groups[g]) : json::value(nullptr);
    for (std::size_t a = 0; a < q.aliases.size(); ++a) {
      const auto op = q.request.aggregates[a].op;
      if (op == AnalyticsAggregate::Op::kHistory) {
        auto values = row.histories[a];
        if (values.size() > kMaxHistoryValues)
          bad("query " + q.name + ": history returns at most " + std::to_string(kMaxHistoryValues) +
              " values per group; narrow the range");
        std::sort(values.begin(), values.end());
        json::array list;
        for (double v : values) list.emplace_back(v);
        item[q.aliases[a]] = std::move(list);
      } else if (!row.numbers[a]) {
        item[q.aliases[a]] = nullptr;
      } else if (op == AnalyticsAggregate::Op::kCount) {
        item[q.aliases[a]] = static_cast<std::int64_t>(*row.numbers[a]);
      } else {
        item[q.aliases[a]] = *row.numbers[a];
      }
    }
    result.push_back(std::move(item));
  }
  json::object range{{"start", format_iso8601(q.window.start)},
                     {"end", format_iso8601(q.window.end)}};
  if (!whole) range["step"] = q.window.step_name;
  range["timezone"] = q.window.zone_name;
  return {{"name", q.name}, {"timeRange", std::move(range)}, {"result", std::move(result)}};
}

json::array run_queries(storage::AnalyticsRepository& repository, std::string_view org_id,
                        std::vector<Query> queries, std::chrono::milliseconds deadline) {
  using SteadyClock = std::chrono::steady_clock;
  const auto until = SteadyClock::now() + deadline;
  json::array out;
  for (auto& q : queries) {
    q.request.timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
    try {
      if (q.request.timeout.count() <= 0) throw storage::AnalyticsTimeout("no time left");
      out.push_back(format_result(q, repository.aggregate_calls(org_id, q.request)));
    } catch (const storage::AnalyticsTimeout&) {
      throw ApiError(ErrorCode::kServiceUnavailable,
                     "The analytics queries did not finish within " +
                         std::to_string(deadline.count()) +
                         " ms; use a shorter time range or fewer group-bys");
    } catch (const storage::AnalyticsTooManyRows&) {
      bad("query " + q.name + " has more than " + std::to_string(kMaxGroups) +
          " groups; use a longer step, a shorter range or fewer group-bys");
    }
  }
  return out;
}

}  // namespace sb::analytics
