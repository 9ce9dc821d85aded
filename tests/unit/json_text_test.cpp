// JSON text as JavaScript's JSON.stringify writes it: what clients diff and typed clients read.
#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <limits>

namespace sb {
namespace {

namespace json = boost::json;

TEST(JsonText, DoublesAreWrittenAsJavaScriptPrintsThem) {
  EXPECT_EQ(js_number_text(0.7), "0.7");
  EXPECT_EQ(js_number_text(0.35), "0.35");
  EXPECT_EQ(js_number_text(43200.0), "43200");
  EXPECT_EQ(js_number_text(0.5), "0.5");
  EXPECT_EQ(js_number_text(-1.25), "-1.25");
  EXPECT_EQ(js_number_text(123456.789), "123456.789");
  EXPECT_EQ(js_number_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js_number_text(-0.0), "0");
  EXPECT_EQ(js_number_text(1e20), "100000000000000000000");
  EXPECT_EQ(js_number_text(1e21), "1e+21");
  EXPECT_EQ(js_number_text(1.5e300), "1.5e+300");
  EXPECT_EQ(js_number_text(0.000001), "0.000001");
  EXPECT_EQ(js_number_text(1e-7), "1e-7");
  EXPECT_EQ(js_number_text(-2.5e-10), "-2.5e-10");
  EXPECT_EQ(js_number_text(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(js_number_text(5e-324), "5e-324");
}

TEST(JsonText, ParsedNumbersRoundTripUnchanged) {
  const std::string text =
      R"({"temperature":0.7,"stability":0.35,"maxDurationSeconds":43200,"big":18446744073709551615,)"
      R"("neg":-9223372036854775808,"exp":1.5e+300,"tiny":1e-7,"list":[0.5,2.25,0,-3]})";
  EXPECT_EQ(json_text(json::parse(text)), text);
}

TEST(JsonText, WholeDoublesCarryNoFractionOrExponent) {
  json::object o{{"seconds", 43200.0}, {"delay", 0.5}, {"count", std::int64_t{3}}};
  EXPECT_EQ(json_text(o), R"({"seconds":43200,"delay":0.5,"count":3})");
}

TEST(JsonText, NonFiniteNumbersBecomeNullAsInJavaScript) {
  json::array a{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()};
  EXPECT_EQ(json_text(a), "[null,null]");
}

TEST(JsonText, StringsAreEscapedAsJsonStringifyEscapesThem) {
  json::value v = json::string("quote \" backslash \\ nl \n tab \t bell \x07 é ☎ 😀");
  EXPECT_EQ(json_text(v), R"("quote \" backslash \\ nl \n tab \t bell \u0007 é ☎ 😀")");
  EXPECT_EQ(json::parse(json_text(v)), v);
}

TEST(JsonText, KeysAreEscapedAndOrderIsKept) {
  json::object o;
  o["z\"k"] = 1;
  o["a"] = json::array{true, nullptr, "x"};
  EXPECT_EQ(json_text(o), R"({"z\"k":1,"a":[true,null,"x"]})");
}

}  // namespace
}  // namespace sb
