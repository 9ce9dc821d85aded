// A call's monitor: the assistant's monitorPlan with the document's defaults, the URLs it
// publishes, and who may use them.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "domain/calls/call_monitor.hpp"

namespace sb::calls {
namespace {

namespace json = boost::json;

MonitorPlan plan_of(std::string_view assistant) {
  return MonitorPlan::of(json::parse(assistant).as_object());
}

TEST(CallMonitorTest, ThePlanDefaultsToBothOnWithoutKeys) {
  for (const auto* assistant : {R"({})", R"({"monitorPlan": {}})", R"({"monitorPlan": null})"}) {
    const auto plan = plan_of(assistant);
    EXPECT_TRUE(plan.listen_enabled) << assistant;
    EXPECT_TRUE(plan.control_enabled) << assistant;
    EXPECT_FALSE(plan.listen_authentication) << assistant;
    EXPECT_FALSE(plan.control_authentication) << assistant;
  }
  const auto plan = plan_of(
      R"({"monitorPlan": {"listenEnabled": false, "controlAuthenticationEnabled": true,
          "monitorIds": []}})");
  EXPECT_FALSE(plan.enabled(MonitorEndpoint::kListen));
  EXPECT_TRUE(plan.enabled(MonitorEndpoint::kControl));
  EXPECT_TRUE(plan.authenticated(MonitorEndpoint::kControl));
  EXPECT_FALSE(plan.authenticated(MonitorEndpoint::kListen));
}

std::string url(const json::object& monitor, std::string_view key) {
  return std::string(monitor.at(key).as_string());
}

TEST(CallMonitorTest, TheMonitorNamesOnlyWhatThePlanEnables) {
  const std::string id = "7420f27a-30fd-4f49-a995-5549ae7cc00d";
  auto monitor = monitor_of({}, "https://calls.example.com/", id);
  EXPECT_EQ(url(monitor, "listenUrl"), "wss://calls.example.com/" + id + "/listen");
  EXPECT_EQ(url(monitor, "controlUrl"), "https://calls.example.com/" + id + "/control");
  monitor = monitor_of({}, "http://127.0.0.1:3000", id);
  EXPECT_EQ(url(monitor, "listenUrl"), "ws://127.0.0.1:3000/" + id + "/listen");
  MonitorPlan quiet;
  quiet.listen_enabled = false;
  monitor = monitor_of(quiet, "http://h", id);
  EXPECT_FALSE(monitor.contains("listenUrl"));
  EXPECT_TRUE(monitor.contains("controlUrl"));
  quiet.control_enabled = false;
  EXPECT_TRUE(monitor_of(quiet, "http://h", id).empty());
}

TEST(CallMonitorTest, AccessFollowsThePlanAndTheKeysOrg) {
  MonitorPlan plan;
  for (const auto endpoint : {MonitorEndpoint::kListen, MonitorEndpoint::kControl})
    EXPECT_EQ(monitor_access(plan, endpoint, "org-a", ""), MonitorAccess::kAllowed);
  plan.listen_authentication = true;
  EXPECT_EQ(monitor_access(plan, MonitorEndpoint::kListen, "org-a", ""),
            MonitorAccess::kUnauthorized);
  EXPECT_EQ(monitor_access(plan, MonitorEndpoint::kListen, "org-a", "org-b"),
            MonitorAccess::kUnauthorized)
      << "another org's key";
  EXPECT_EQ(monitor_access(plan, MonitorEndpoint::kListen, "org-a", "org-a"),
            MonitorAccess::kAllowed);
  EXPECT_EQ(monitor_access(plan, MonitorEndpoint::kControl, "org-a", ""), MonitorAccess::kAllowed)
      << "each endpoint has its own switch";
  plan.listen_enabled = false;
  EXPECT_EQ(monitor_access(plan, MonitorEndpoint::kListen, "org-a", "org-a"),
            MonitorAccess::kDisabled)
      << "off is off, whatever the key";
}

}  // namespace
}  // namespace sb::calls
