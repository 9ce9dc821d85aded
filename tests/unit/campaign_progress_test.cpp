// A campaign's progress rules (domain/campaigns/campaign_progress): its window at a given time,
// the room left under maxConcurrency and the org's ceiling, claims, what a call's statuses do
// to its contact and the counters, when the campaign ends; and what GET /v2/campaign and its
// contacts show of it (campaign_spec).

#include "domain/campaigns/campaign_progress.hpp"

#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/campaigns/campaign_spec.hpp"

namespace sb::campaigns {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'700'000'000'000;

json::object campaign(int customers, json::object extra = {}) {
  json::array list;
  for (int i = 0; i < customers; ++i)
    list.push_back(json::object{{"number", "+1415555" + std::to_string(1000 + i)}});
  json::object c{{"id", "6f1c8a52-3b1e-4d7a-9c1f-2e6b3a4d5c6e"},
                 {"orgId", "org-a"},
                 {"status", "scheduled"},
                 {"phoneNumberId", "number-1"},
                 {"customers", std::move(list)},
                 {"calls", json::object{}}};
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

json::object call(std::string_view id, std::string_view status, std::string_view reason = "") {
  json::object c{{"id", id}, {"status", status}};
  if (!reason.empty()) c["endedReason"] = reason;
  return c;
}

json::object plan(std::int64_t earliest, std::optional<std::int64_t> latest = {}) {
  json::object p{{"earliestAt", format_iso8601(earliest)}};
  if (latest) p["latestAt"] = format_iso8601(*latest);
  return {{"schedulePlan", p}};
}

// Claims the next `n` contacts as calls "call-<position>".
void claim_next(json::object& c, std::int64_t n) {
  for (const auto& contact : pending(c, n)) {
    const auto all = contacts(c);
    const auto pos =
        std::find_if(all.begin(), all.end(), [&](const Contact& x) { return x.id == contact.id; }) -
        all.begin();
    claim(c, contact, "call-" + std::to_string(pos), kNow);
  }
}

TEST(CampaignProgressTest, WindowFollowsTheSchedulePlan) {
  EXPECT_EQ(window_at(campaign(1), kNow), Window::kOpen);
  EXPECT_EQ(next_change(campaign(1), kNow), std::nullopt);
  const auto later = campaign(1, plan(kNow + 60'000, kNow + 120'000));
  EXPECT_EQ(window_at(later, kNow), Window::kNotYet);
  EXPECT_EQ(next_change(later, kNow), kNow + 60'000);
  EXPECT_EQ(window_at(later, kNow + 60'000), Window::kOpen);
  EXPECT_EQ(next_change(later, kNow + 60'000), kNow + 120'001);
  EXPECT_EQ(window_at(later, kNow + 120'000), Window::kOpen);
  EXPECT_EQ(window_at(later, kNow + 120'001), Window::kClosed);
  EXPECT_EQ(next_change(later, kNow + 120'001), std::nullopt);
}

TEST(CampaignProgressTest, RoomIsMaxConcurrencyLessInFlightCappedByTheOrg) {
  auto c = campaign(30);
  EXPECT_EQ(max_concurrency(c), kDefaultMaxConcurrency);
  EXPECT_EQ(room(c, 100), 10);
  c["maxConcurrency"] = 3;
  EXPECT_EQ(room(c, 100), 3);
  EXPECT_EQ(room(c, 2), 2);
  claim_next(c, 2);
  EXPECT_EQ(in_flight(c), 2);
  EXPECT_EQ(room(c, 100), 1);
  EXPECT_EQ(room(c, -4), 0) << "an org over its ceiling leaves no room";
  observe(c, call("call-0", "ended", "customer-ended-call"));
  EXPECT_EQ(room(c, 100), 2);
}

TEST(CampaignProgressTest, ContactsAreCustomersThenDialPlanEntriesEachWithItsNumber) {
  auto c = campaign(2);
  c["dialPlan"] = json::array{json::object{
      {"phoneNumberId", "number-2"}, {"customers", json::array{json::object{{"number", "+442"}}}}}};
  const auto all = contacts(c);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].phone_number_id, "number-1");
  EXPECT_EQ(all[2].phone_number_id, "number-2");
  EXPECT_EQ(string_at(all[2].customer, "number"), "+442");
  EXPECT_EQ(contacts(c)[1].id, all[1].id) << "ids are stable";
  EXPECT_NE(all[0].id, all[1].id);
}

TEST(CampaignProgressTest, ClaimsStartTheCampaignAndTakeContactsInOrderOnce) {
  auto c = campaign(5);
  claim_next(c, 2);
  EXPECT_EQ(string_at(c, "status"), "in-progress");
  EXPECT_EQ(int_at(c, "callsCounterScheduled"), 2);
  const auto next = pending(c, 10);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].id, contacts(c)[2].id);
  const auto& entry = c.at("calls").at("call-0").as_object();
  EXPECT_EQ(string_at(entry, "status"), "contact.dispatched");
  EXPECT_EQ(string_at(entry, "dispatchedAt"), format_iso8601(kNow));
}

TEST(CampaignProgressTest, CallStatusesMoveTheCountersForwardOnly) {
  auto c = campaign(3);
  claim_next(c, 3);
  EXPECT_TRUE(observe(c, call("call-0", "queued")));
  EXPECT_TRUE(observe(c, call("call-1", "ringing")));
  EXPECT_EQ(int_at(c, "callsCounterScheduled"), 1);
  EXPECT_EQ(int_at(c, "callsCounterQueued"), 2);
  EXPECT_TRUE(observe(c, call("call-0", "in-progress")));
  EXPECT_EQ(int_at(c, "callsCounterInProgress"), 1);
  EXPECT_FALSE(observe(c, call("call-0", "queued"))) << "never back";
  EXPECT_FALSE(observe(c, call("call-9", "ended"))) << "not this campaign's call";
  EXPECT_TRUE(observe(c, call("call-0", "ended", "voicemail")));
  EXPECT_TRUE(observe(c, call("call-1", "ended", "customer-busy")));
  EXPECT_FALSE(observe(c, call("call-1", "in-progress")));
  EXPECT_EQ(int_at(c, "callsCounterEnded"), 2);
  EXPECT_EQ(int_at(c, "callsCounterEndedVoicemail"), 1);
  EXPECT_EQ(int_at(c, "callsCounterInProgress"), 0);
  const auto& calls = c.at("calls").as_object();
  // Answered: completed. Never answered: failed, with its call's reason.
  EXPECT_EQ(string_at(calls.at("call-0").as_object(), "status"), "contact.completed");
  EXPECT_EQ(string_at(calls.at("call-1").as_object(), "status"), "contact.failed");
  EXPECT_EQ(string_at(calls.at("call-1").as_object(), "endedReason"), "customer-busy");
  // An end seen without its in-progress (the server was down): startedAt says it was answered.
  auto ended = call("call-2", "ended", "call.in-progress.error-vapifault-worker-died");
  ended["startedAt"] = format_iso8601(kNow);
  EXPECT_TRUE(observe(c, ended));
  EXPECT_EQ(string_at(calls.at("call-2").as_object(), "status"), "contact.completed");
  EXPECT_TRUE(calls.at("call-2").as_object().contains("connected"));
}

TEST(CampaignProgressTest, EndsWhenEveryContactIsCalledAndEveryCallEnded) {
  auto c = campaign(2);
  EXPECT_FALSE(finish_if_done(c, kNow)) << "contacts left";
  claim_next(c, 2);
  observe(c, call("call-0", "ended", "customer-ended-call"));
  EXPECT_FALSE(finish_if_done(c, kNow)) << "a call in flight";
  observe(c, call("call-1", "ended", "customer-ended-call"));
  EXPECT_TRUE(finish_if_done(c, kNow));
  EXPECT_EQ(string_at(c, "status"), "ended");
  EXPECT_EQ(string_at(c, "endedReason"), kEndedSuccess);
  EXPECT_FALSE(finish_if_done(c, kNow)) << "once";
  // With no contacts: ended once its window has opened, not before.
  auto empty = campaign(0, plan(kNow + 1000));
  EXPECT_FALSE(finish_if_done(empty, kNow));
  EXPECT_TRUE(finish_if_done(empty, kNow + 1000));
}

TEST(CampaignProgressTest, AClosedWindowEndsItAndItsUncalledContactsAreSkipped) {
  auto c = campaign(3, plan(kNow, kNow + 1000));
  claim_next(c, 1);
  EXPECT_FALSE(finish_if_done(c, kNow + 2000)) << "its call is still in flight";
  observe(c, call("call-0", "ended", "call.in-progress.error-vapifault-worker-not-available"));
  EXPECT_TRUE(finish_if_done(c, kNow + 2000));
  const auto shown = contacts_of(c);
  EXPECT_EQ(string_at(shown[0], "status"), "contact.failed");
  EXPECT_EQ(string_at(shown[0], "callId"), "call-0");
  EXPECT_EQ(string_at(shown[1], "status"), "contact.skipped");
  EXPECT_EQ(string_at(shown[1], "endedReason"), kNotCalledReason);
}

TEST(CampaignProgressTest, CancelledCampaignsLetWaitingCallsGo) {
  auto c = campaign(3);
  claim_next(c, 2);
  observe(c, call("call-0", "queued"));
  EXPECT_EQ(waiting_calls(c), std::vector<std::string>{"call-1"});
}

TEST(CampaignProgressTest, SummaryCountsContactsAndCallMetrics) {
  auto c = campaign(4);
  claim_next(c, 3);
  observe(c, call("call-0", "queued"));
  observe(c, call("call-0", "in-progress"));
  observe(c, call("call-0", "ended", "customer-ended-call"));
  observe(c, call("call-1", "queued"));
  observe(c, call("call-1", "ended", "customer-did-not-answer"));
  summarize(c, true);
  EXPECT_EQ(c.at("contactCounters"), (json::object{{"pending", 1},
                                                   {"dispatched", 1},
                                                   {"completed", 1},
                                                   {"failed", 1},
                                                   {"skipped", 0},
                                                   {"predialFailed", 0}}));
  EXPECT_EQ(c.at("callMetrics"), (json::object{{"dialed", 2}, {"connected", 1}}));
  EXPECT_FALSE(c.contains("calls"));
}

TEST(CampaignProgressTest, WhoCallsWhomCannotChangeOnceStarted) {
  json::object stored{{"status", "in-progress"}};
  json::object body{{"assistantId", "a-2"}};
  EXPECT_THROW(shape_body(body, &stored), ApiError);
  json::object rename{{"name", "new"}};
  EXPECT_NO_THROW(shape_body(rename, &stored));
  stored["status"] = "scheduled";
  EXPECT_NO_THROW(shape_body(body, &stored));
}

}  // namespace
}  // namespace sb::campaigns
