// The agents' operations through the real embedded contract: the squad list's idAny (repeated
// and comma-separated), tool bodies discriminated by type on POST and on PATCH (the stored
// type as default), and squad PATCH bodies.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"

namespace sb::contract {
namespace {

Msgs squads(const QueryParams& query) {
  return contract().validate_query(*contract().operation("get", "/squad"), query);
}

Msgs body(std::string_view method, std::string_view path, std::string_view json,
          std::string_view stored = {}) {
  ValidateOptions options;
  options.discriminator_default = stored;
  const auto* op = contract().operation(method, path);
  return contract().validate(*op->request_body, boost::json::parse(json), options);
}

const std::string kA = "5a8da861-75d4-4494-9b35-6b0d0c3a4f10";
const std::string kB = "6b9eb972-86e5-45a5-8c46-7c1e1d4b5021";
const Msgs kNotUuid{"each value in idAny must be a UUID"};

TEST(SquadListQuery, IdAnyTakesRepeatedAndCommaSeparatedUuids) {
  EXPECT_EQ(squads({{"idAny", kA}}), Msgs{});
  EXPECT_EQ(squads({{"idAny", kA}, {"idAny", kB}}), Msgs{});
  EXPECT_EQ(squads({{"idAny", kA + "," + kB}}), Msgs{});
  EXPECT_EQ(squads({{"idAny", kA + ", " + kB + ","}}), Msgs{});
}

TEST(SquadListQuery, EveryItemOfIdAnyMustBeAUuid) {
  EXPECT_EQ(squads({{"idAny", kA + ",north"}}), kNotUuid);
  EXPECT_EQ(squads({{"idAny", kA}, {"idAny", "north"}}), kNotUuid);
  EXPECT_EQ(squads({{"idAny", ""}}), kNotUuid);
  EXPECT_EQ(squads({{"idAny", ","}}), kNotUuid);
}

TEST(ToolCreate, TheTypePicksTheDto) {
  EXPECT_EQ(body("post", "/tool", R"({"type":"dtmf","sipInfoDtmfEnabled":true})"), Msgs{});
  EXPECT_EQ(body("post", "/tool", R"({"type":"sipRequest"})"),
            Msgs{"verb must be one of the following values: INFO, MESSAGE, NOTIFY"});
  EXPECT_EQ(body("post", "/tool", R"({"type":"dtmf","code":"return 1;"})"),
            Msgs{"property code should not exist"});
}

TEST(ToolPatch, TheStoredTypeIsTheDefault) {
  EXPECT_EQ(body("patch", "/tool/{id}", R"({"sipInfoDtmfEnabled":false})", "dtmf"), Msgs{});
  EXPECT_EQ(body("patch", "/tool/{id}", R"({"code":"return 1;"})", "dtmf"),
            Msgs{"property code should not exist"});
  EXPECT_EQ(body("patch", "/tool/{id}", R"({"verb":"BYE"})", "sipRequest"),
            Msgs{"verb must be one of the following values: INFO, MESSAGE, NOTIFY"});
  // A body naming its type is validated as that type (the service then refuses the change).
  EXPECT_EQ(body("patch", "/tool/{id}", R"({"type":"code","code":"return 1;"})", "dtmf"), Msgs{});
}

TEST(SquadPatch, MembersAreValidatedWhenSent) {
  EXPECT_EQ(body("patch", "/squad/{id}", R"({"membersOverrides":{"firstMessage":"Hi"}})"), Msgs{});
  EXPECT_EQ(body("patch", "/squad/{id}", R"({"members":[{"assistantId":5}]})"),
            Msgs{"members.0.assistantId must be a string"});
}

}  // namespace
}  // namespace sb::contract
