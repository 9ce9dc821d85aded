// A campaign's progress messages (domain/campaigns/campaign_messages): what each write moved,
// of the types the campaign's serverMessages lists, in order, with the campaign's summary and
// the contact as GET /v2/campaign/{id}/contacts shows it.
#include "domain/campaigns/campaign_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "domain/campaigns/campaign_progress.hpp"

namespace sb::campaigns {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'700'000'000'000;

json::object campaign(const char* server_messages) {
  auto c = json::parse(R"({"id":"c-1","orgId":"o","name":"Renewals","status":"scheduled",
    "assistantId":"a","phoneNumberId":"n","calls":{},
    "customers":[{"number":"+14155550101","name":"Ann"},{"number":"+14155550102"}],
    "serverMessages":)" +
                       std::string(server_messages) + "}")
               .as_object();
  return c;
}

std::vector<std::string> types(const std::vector<json::object>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    std::string t(string_at(m, "type"));
    if (const auto* contact = object_at(m, "contact"))
      t += " " + std::string(string_at(*contact, "number"));
    out.push_back(std::move(t));
  }
  return out;
}

const char* kAll = R"(["campaign.started","campaign.ended","campaign.cancelled",
  "contact.dispatched","contact.completed","contact.failed","contact.skipped"])";

TEST(CampaignMessages, TheFirstClaimStartsTheCampaignThenEachContactMovesOnItsCall) {
  auto before = campaign(kAll);
  auto after = before;
  const auto contacts = campaigns::contacts(after);
  claim(after, contacts[0], "call-1", kNow);
  auto messages = progress_messages(before, after);
  EXPECT_EQ(types(messages),
            (std::vector<std::string>{"campaign.started", "contact.dispatched +14155550101"}));
  const auto& dispatched = messages[1];
  EXPECT_EQ(string_at(*object_at(dispatched, "campaign"), "id"), "c-1");
  EXPECT_FALSE(object_at(dispatched, "campaign")->contains("customers"));  // a summary
  EXPECT_EQ(string_at(*object_at(dispatched, "contact"), "callId"), "call-1");
  EXPECT_EQ(string_at(*object_at(dispatched, "contact"), "name"), "Ann");

  before = after;
  observe(after, json::object{{"id", "call-1"}, {"status", "in-progress"}});
  EXPECT_TRUE(progress_messages(before, after).empty());  // no contact moved
  before = after;
  observe(
      after,
      json::object{{"id", "call-1"}, {"status", "ended"}, {"endedReason", "customer-ended-call"}});
  messages = progress_messages(before, after);
  EXPECT_EQ(types(messages), (std::vector<std::string>{"contact.completed +14155550101"}));
  EXPECT_EQ(string_at(*object_at(messages[0], "contact"), "endedReason"), "customer-ended-call");
}

TEST(CampaignMessages, ACancelledCampaignSkipsTheContactsItNeverCalled) {
  auto before = campaign(kAll);
  claim(before, campaigns::contacts(before)[0], "call-1", kNow);
  auto after = before;
  after["status"] = "cancelled";
  EXPECT_EQ(types(progress_messages(before, after)),
            (std::vector<std::string>{"contact.skipped +14155550102", "campaign.cancelled"}));
}

TEST(CampaignMessages, OnlyTheListedTypesAndNoneWithoutAList) {
  auto before = campaign(R"(["contact.dispatched"])");
  auto after = before;
  claim(after, campaigns::contacts(after)[1], "call-2", kNow);
  EXPECT_EQ(types(progress_messages(before, after)),
            (std::vector<std::string>{"contact.dispatched +14155550102"}));
  before.erase("serverMessages");
  after.erase("serverMessages");
  EXPECT_TRUE(progress_messages(before, after).empty());
}

}  // namespace
}  // namespace sb::campaigns
