#include "runtime/chat/template.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/manual_clock.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;
using std::chrono::system_clock;

json::object vars(std::string_view text) {
  return json::parse(text).as_object();
}

// 2024-03-05 14:07:09 UTC, a Tuesday.
system_clock::time_point fixed_now() {
  return system_clock::time_point(std::chrono::seconds(1709647629));
}

std::string at_fixed_now(std::string_view text, json::object variables = {}) {
  return render_template(text, with_builtins(std::move(variables), fixed_now()));
}

TEST(ChatTemplate, SubstitutesVariablesWithOrWithoutSpaces) {
  const auto v = vars(R"({"name":"Ada","city":"Paris"})");
  EXPECT_EQ(render_template("Hi {{name}} from {{ city }}!", v), "Hi Ada from Paris!");
  EXPECT_EQ(render_template("{{   name\n}}", v), "Ada");
  EXPECT_EQ(render_template("no tags at all", v), "no tags at all");
}

TEST(ChatTemplate, FollowsDottedPathsAndIndexes) {
  const auto v = vars(R"({"customer":{"number":"+14155550100","address":{"city":"Oslo"}},
                          "items":["a","b","c"],"meta":{"first name":"Bo"}})");
  EXPECT_EQ(render_template("{{customer.number}}", v), "+14155550100");
  EXPECT_EQ(render_template("{{ customer.address.city }}", v), "Oslo");
  EXPECT_EQ(render_template("{{ items[1] }}{{ items[-1] }}{{ items.first }}{{ items.last }}", v),
            "bcac");
  EXPECT_EQ(render_template("{{ items.size }} {{ meta[\"first name\"] }}", v), "3 Bo");
}

TEST(ChatTemplate, MissingVariablesRenderEmpty) {
  const auto v = vars(R"({"customer":{"name":"Ada"}})");
  EXPECT_EQ(render_template("[{{ nobody }}]", v), "[]");
  EXPECT_EQ(render_template("[{{ customer.number }}]", v), "[]");
  EXPECT_EQ(render_template("[{{ customer.name.first }}]", v), "[]");
  EXPECT_EQ(render_template("[{{ }}]", v), "[]");
}

TEST(ChatTemplate, RendersValuesAsLiquidJsDoes) {
  const auto v = vars(R"({"i":42,"d":3.5,"big":1e21,"t":true,"f":false,"n":null,
                          "list":["a",1,[2,3],null],"obj":{"k":"v","n":[1]}})");
  EXPECT_EQ(render_template("{{i}} {{d}} {{big}} {{t}} {{f}} [{{n}}]", v),
            "42 3.5 1e+21 true false []");
  EXPECT_EQ(render_template("{{ list }}", v), "a123");
  EXPECT_EQ(render_template("{{ obj }}", v), R"({"k":"v","n":[1]})");
  EXPECT_EQ(render_template("{{ 'single' }} {{ \"double\" }} {{ 7 }} {{ -2.25 }}", v),
            "single double 7 -2.25");
}

TEST(ChatTemplate, DefaultFilterReplacesNilFalseAndEmpty) {
  const auto v = vars(R"({"empty":"","no":false,"zero":0,"name":"Ada","fallback":"Guest"})");
  EXPECT_EQ(render_template("{{ missing | default: 'there' }}", v), "there");
  EXPECT_EQ(render_template("{{ empty | default: 'x' }}{{ no | default: 'y' }}", v), "xy");
  EXPECT_EQ(render_template("{{ zero | default: 'z' }}", v), "0");
  EXPECT_EQ(render_template("{{ name | default: 'x' }}", v), "Ada");
  EXPECT_EQ(render_template("{{ missing | default: fallback }}", v), "Guest");
  EXPECT_EQ(render_template("{{missing|default:\"tight\"}}", v), "tight");
}

TEST(ChatTemplate, StringFilters) {
  const auto v = vars(R"({"s":"  Hello World  ","w":"hELLO","list":["a","b","c"],"e":"Émile"})");
  EXPECT_EQ(render_template("{{ w | upcase }} {{ w | downcase }} {{ w | capitalize }}", v),
            "HELLO hello Hello");
  EXPECT_EQ(render_template("{{ e | capitalize }} {{ e | downcase }}", v), "Émile émile");
  EXPECT_EQ(render_template("[{{ s | strip }}]", v), "[Hello World]");
  EXPECT_EQ(render_template("{{ w | append: '!' | prepend: '> ' }}", v), "> hELLO!");
  EXPECT_EQ(render_template("{{ s | strip | replace: 'l', 'L' }}", v), "HeLLo WorLd");
  EXPECT_EQ(render_template("{{ 'abcdefghij' | truncate: 7 }}", v), "abcd...");
  EXPECT_EQ(render_template("{{ 'abcdefghij' | truncate: 5, '' }}", v), "abcde");
  EXPECT_EQ(render_template("{{ 'short' | truncate: 10 }}", v), "short");
  EXPECT_EQ(render_template("{{ w | size }} {{ list | size }} {{ 'héé' | size }}", v), "5 3 3");
  EXPECT_EQ(render_template("{{ list | join: ', ' }}|{{ list | join }}", v), "a, b, c|a b c");
}

TEST(ChatTemplate, UnknownFiltersPassTheValueThrough) {
  const auto v = vars(R"({"name":"Ada"})");
  EXPECT_EQ(render_template("{{ name | no_such_filter: 1, 'x' | upcase }}", v), "ADA");
}

TEST(ChatTemplate, DateFilterFormatsNowFromTheBuiltInClock) {
  EXPECT_EQ(at_fixed_now("{{ 'now' | date: '%Y-%m-%d %H:%M:%S' }}"), "2024-03-05 14:07:09");
  EXPECT_EQ(at_fixed_now("{{ \"today\" | date: \"%A %a %B %b %e %j %y\" }}"),
            "Tuesday Tue March Mar  5 065 24");
  EXPECT_EQ(at_fixed_now("{{ 'now' | date: '%I:%M %p %Z' }}"), "02:07 PM UTC");
  EXPECT_EQ(at_fixed_now("{{ 'now' | date: '%-d/%-m/%-H %-I' }}"), "5/3/14 2");
  EXPECT_EQ(at_fixed_now("{{ 'now' | date: '%d%q %^b %z %:z 100%%' }}"),
            "05th MAR +0000 +00:00 100%");
  EXPECT_EQ(at_fixed_now("{{ 'now' | date }}"), "Tuesday, March 5, 2024 at 2:07 pm +0000");
}

TEST(ChatTemplate, DateFilterReadsIsoDatesAndEpochSeconds) {
  const auto v = vars(R"({"at":"2024-07-04T09:05:00Z","epoch":0,"text":"soon"})");
  EXPECT_EQ(render_template("{{ at | date: '%b %-d, %Y %H:%M' }}", v), "Jul 4, 2024 09:05");
  EXPECT_EQ(render_template("{{ '2024-07-04T09:05:00+02:00' | date: '%H:%M' }}", v), "07:05");
  EXPECT_EQ(render_template("{{ '2024-02-29' | date: '%A' }}", v), "Thursday");
  EXPECT_EQ(render_template("{{ epoch | date: '%Y-%m-%d %H:%M:%S' }}", v), "1970-01-01 00:00:00");
  EXPECT_EQ(render_template("{{ '1709647629' | date: '%F %H:%M' }}", v), "%F 14:07");
  EXPECT_EQ(render_template("{{ 'Jan 1, 2024 12:00 PM' | date: '%Y-%m-%d %H:%M' }}", v),
            "2024-01-01 12:00");
  // Not a date: passed through, as LiquidJS does.
  EXPECT_EQ(render_template("{{ text | date: '%Y' }}|{{ '2024-13-01' | date: '%Y' }}", v),
            "soon|2024-13-01");
}

TEST(ChatTemplate, DateFilterShowsATimeZoneOrOffset) {
  const auto v = vars(R"({"winter":"2024-01-15T17:30:00Z","summer":"2024-07-15T17:30:00Z"})");
  EXPECT_EQ(render_template("{{ winter | date: '%H:%M %z', -330 }}", v), "23:00 +0530");
  EXPECT_EQ(render_template("{{ winter | date: '%H:%M', 'No/Such_Zone' }}", v), "17:30");
  if (render_template("{{ summer | date: '%H', 'America/New_York' }}", v) == "17") {
    GTEST_SKIP() << "no tz database (/usr/share/zoneinfo) on this machine";
  }
  EXPECT_EQ(render_template("{{ winter | date: '%-I:%M %p %z %Z', 'America/New_York' }}", v),
            "12:30 PM -0500 America/New_York");
  EXPECT_EQ(render_template("{{ summer | date: '%-I:%M %p %z', 'America/New_York' }}", v),
            "1:30 PM -0400");
  EXPECT_EQ(render_template("{{ summer | date: '%H:%M', 'Asia/Kolkata' }}", v), "23:00");
}

TEST(ChatTemplate, BuiltInsDescribeNowInUtc) {
  const auto built = with_builtins({}, fixed_now(), json::parse(R"({"number":"+15550001"})"));
  EXPECT_EQ(render_template("{{now}}|{{date}}|{{time}}|{{month}}|{{day}}|{{year}}", built),
            "Mar 5, 2024 2:07 PM|Mar 5, 2024|2:07 PM|March|5|2024");
  EXPECT_EQ(render_template("{{ customer.number }}", built), "+15550001");
  EXPECT_EQ(render_template("{{ now | date: '%H:%M' }}", built), "14:07");

  const auto noon = with_builtins({}, system_clock::time_point(std::chrono::seconds(1704110400)));
  EXPECT_EQ(render_template("{{now}}", noon), "Jan 1, 2024 12:00 PM");
}

TEST(ChatTemplate, CallersVariablesWinOverBuiltIns) {
  const auto built = with_builtins(vars(R"({"year":"1999","customer":{"name":"Mine"}})"),
                                   fixed_now(), json::parse(R"({"name":"Theirs"})"));
  EXPECT_EQ(render_template("{{ year }} {{ customer.name }} {{ month }}", built),
            "1999 Mine March");
}

TEST(ChatTemplate, WithoutBuiltInClockNowIsTheRealTime) {
  const auto year = std::to_string(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(system_clock::now()))
          .year()
          .
          operator int());
  EXPECT_EQ(render_template("{{ 'now' | date: '%Y' }}", {}), year);
}

TEST(ChatTemplate, WithoutBuiltInClockNowIsTheGivenClocks) {
  const ManualClock clock(1'709'647'629'000);  // fixed_now()
  EXPECT_EQ(render_template("{{ 'now' | date: '%Y-%m-%d %H:%M:%S' }}", {}, clock),
            "2024-03-05 14:07:09");
  json::value doc = json::parse(R"(["{{ 'today' | date: '%A' }}"])");
  render_strings(doc, {}, clock);
  EXPECT_EQ(doc, json::parse(R"(["Tuesday"])"));
}

TEST(ChatTemplate, MalformedTagsAreLeftAsWritten) {
  const auto v = vars(R"({"name":"Ada"})");
  EXPECT_EQ(render_template("Hi {{ name", v), "Hi {{ name");
  EXPECT_EQ(render_template("{{ name b }} {{ name }}", v), "{{ name b }} Ada");
  EXPECT_EQ(render_template("{{ | upcase }}", v), "{{ | upcase }}");
  EXPECT_EQ(render_template("{{name} and {{ name }}", v), "{{name} and Ada");
  EXPECT_EQ(render_template("{% if name %}x{% endif %}", v), "{% if name %}x{% endif %}");
  EXPECT_EQ(render_template("{{ 'it''s }}", v), "{{ 'it''s }}");
  EXPECT_EQ(render_template("}} {{ name }} {", v), "}} Ada {");
}

TEST(ChatTemplate, QuotedBracesStayInsideTheTag) {
  EXPECT_EQ(render_template("{{ missing | default: '}}' }}!", {}), "}}!");
}

TEST(ChatTemplate, WhitespaceControlTrimsAroundTheTag) {
  const auto v = vars(R"({"name":"Ada"})");
  EXPECT_EQ(render_template("a  \n {{- name -}} \n b", v), "aAdab");
}

TEST(ChatTemplate, InsertedValuesAreNotRenderedAgain) {
  const auto v = vars(R"({"evil":"{{ secret }}","secret":"s3cr3t"})");
  EXPECT_EQ(render_template("{{ evil }}", v), "{{ secret }}");
}

TEST(ChatTemplate, HostileInputStaysBounded) {
  const std::string opens(200000, '{');
  EXPECT_EQ(render_template(opens, {}), opens);
  // A lone quote whose literal would run past the tag length limit: each tag is left as written.
  std::string lone_quotes;
  for (int i = 0; i < 200; ++i) lone_quotes += "{{ ' }}" + std::string(1500, 'x');
  EXPECT_EQ(render_template(lone_quotes, {}), lone_quotes);

  // Each replace multiplies the length by 1000: the value is cut, not grown without bound.
  std::string chain = "{{ 'ab' ";
  for (int i = 0; i < 8; ++i) chain += "| replace: '', '" + std::string(1000, 'x') + "' ";
  chain += "}}";
  const std::string out = render_template(chain, {});
  EXPECT_GT(out.size(), 1000u);
  EXPECT_LE(out.size(), 1u << 20);
}

TEST(ChatTemplate, WorkPastTheBudgetRendersEmpty) {
  json::object v{{"huge", std::string(1 << 20, 'q')}};
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{{huge|size}},";  // 20 GiB to count, unbounded
  const std::string out = render_template(text, v);
  EXPECT_EQ(out.substr(0, 16), "1048576,1048576,");
  EXPECT_EQ(out.substr(out.size() - 4), ",,,,");
}

TEST(ChatTemplate, RenderStringsWalksNestedDocuments) {
  auto doc = json::parse(
      R"({"{{name}}":"Hi {{name}}","list":[1,"{{ name | upcase }}",{"x":["{{name}}"]}]})");
  render_strings(doc, vars(R"({"name":"Ada"})"));
  EXPECT_EQ(doc, json::parse(R"({"{{name}}":"Hi Ada","list":[1,"ADA",{"x":["Ada"]}]})"));
}

}  // namespace
}  // namespace sb::chat
