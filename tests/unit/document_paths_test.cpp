#include "domain/resources/document_paths.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sb::resources {
namespace {

boost::json::object obj(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(DocumentPaths, VisitsFieldsOfArrayElementsWithConcretePaths) {
  auto doc = obj(R"({"members":[{"assistantId":"a"},{"x":1},{"assistantId":"b"}],
                     "model":{"toolIds":["t1","t2"]},"credentialId":"c"})");
  std::vector<std::string> seen;
  auto record = [&](const std::string& path, const boost::json::value& v) {
    seen.push_back(path + "=" + std::string(v.as_string()));
  };
  for_each_at(doc, "members[].assistantId", record);
  for_each_at(doc, "model.toolIds[]", record);
  for_each_at(doc, "credentialId", record);
  for_each_at(doc, "server.credentialId", record);  // absent: nothing
  EXPECT_EQ(seen, (std::vector<std::string>{"members.0.assistantId=a", "members.2.assistantId=b",
                                            "model.toolIds.0=t1", "model.toolIds.1=t2",
                                            "credentialId=c"}));
}

TEST(DocumentPaths, SecretsAreTakenOutOfTheDocument) {
  auto doc = obj(R"({"provider":"twilio","twilioAuthToken":"tok","twilioApiKey":"SK1",
                     "authentication":{"username":"u","password":"p"},
                     "gateways":[{"ip":"1.2.3.4","secret":"s0"},{"ip":"5.6.7.8"}]})");
  auto secrets = take_at(
      doc, {"twilioAuthToken", "twilioApiSecret", "authentication.password", "gateways[].secret"});
  EXPECT_EQ(boost::json::serialize(secrets),
            R"({"twilioAuthToken":"tok","authentication.password":"p","gateways.0.secret":"s0"})");
  EXPECT_FALSE(doc.contains("twilioAuthToken"));
  EXPECT_EQ(doc.at("twilioApiKey"), "SK1");
  EXPECT_EQ(boost::json::serialize(doc.at("authentication")), R"({"username":"u"})");
  EXPECT_EQ(boost::json::serialize(doc.at("gateways")), R"([{"ip":"1.2.3.4"},{"ip":"5.6.7.8"}])");
}

TEST(DocumentPaths, PatchReplacesTopLevelPropertiesAndNullRemoves) {
  auto doc = obj(R"({"provider":"byo-phone-number","name":"a","assistantId":"x",
                     "server":{"url":"https://a","timeoutSeconds":5}})");
  boost::json::object secrets;
  apply_patch(doc, secrets, obj(R"({"name":"b","assistantId":null,"server":{"url":"https://b"}})"),
              {});
  EXPECT_EQ(doc.at("name"), "b");
  EXPECT_FALSE(doc.contains("assistantId"));
  EXPECT_EQ(boost::json::serialize(doc.at("server")), R"({"url":"https://b"})");
}

TEST(DocumentPaths, PatchKeepsSecretsOfUntouchedPropertiesOnly) {
  auto doc = obj(R"({"provider":"vapi","authentication":{"username":"u"}})");
  auto secrets = obj(R"({"authentication.password":"old","twilioAuthToken":"keep"})");
  apply_patch(doc, secrets, obj(R"({"authentication":null})"), {});
  EXPECT_EQ(boost::json::serialize(secrets), R"({"twilioAuthToken":"keep"})");
  apply_patch(doc, secrets, obj(R"({"twilioAuthToken":"new"})"),
              obj(R"({"twilioAuthToken":"new"})"));
  EXPECT_EQ(secrets.at("twilioAuthToken"), "new");
}

}  // namespace
}  // namespace sb::resources
