// The rules of the workspace group's specs that are not plain storage: campaign summaries,
// contacts and status transitions, provider-resource bodies, and where call artifacts are.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/campaigns/campaign_spec.hpp"
#include "domain/provider_resources/provider_resource_spec.hpp"

namespace sb {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

const char* kCampaign = R"({
  "id": "6f1d2c3b-4a59-4e7f-8d90-1a2b3c4d5e6f", "orgId": "org", "name": "Renewals",
  "status": "scheduled", "createdAt": "2025-01-01T00:00:00.000Z",
  "updatedAt": "2025-01-01T00:00:00.000Z", "phoneNumberId": "pn-1", "workflowId": "wf-1",
  "customers": [{"number": "+14155550100", "name": "Ann"}, {"sipUri": "sip:bob@pbx.example.com"}],
  "dialPlan": [{"phoneNumberId": "pn-2", "customers": [{"number": "+14155550102"}]}],
  "calls": {}, "callsCounterScheduled": 0, "callsCounterQueued": 0,
  "callsCounterInProgress": 0, "callsCounterEndedVoicemail": 0, "callsCounterEnded": 0})";

TEST(Campaigns, ContactsAreTheCustomersThenTheDialPlansInOrder) {
  const auto contacts = campaigns::contacts_of(obj(kCampaign));
  ASSERT_EQ(contacts.size(), 3u);
  EXPECT_EQ(contacts[0].at("number"), "+14155550100");
  EXPECT_EQ(contacts[0].at("name"), "Ann");
  EXPECT_EQ(contacts[1].at("number"), "sip:bob@pbx.example.com");  // no number: the SIP URI
  EXPECT_FALSE(contacts[1].contains("name"));
  EXPECT_EQ(contacts[2].at("number"), "+14155550102");
  std::set<std::string> ids;
  for (const auto& c : contacts) {
    EXPECT_EQ(c.at("status"), "contact.pending");
    EXPECT_TRUE(is_uuid(c.at("id").as_string()));
    ids.insert(std::string(c.at("id").as_string()));
  }
  EXPECT_EQ(ids.size(), 3u);
  // Stable: the same campaign gives the same ids.
  EXPECT_EQ(campaigns::contacts_of(obj(kCampaign))[2].at("id"), contacts[2].at("id"));
}

TEST(Campaigns, ContactPagesFilterSortAndCount) {
  campaigns::ContactQuery q;
  q.limit = 2;
  q.page = 2;
  auto page = campaigns::contacts_page(obj(kCampaign), q);
  EXPECT_EQ(page.at("results").as_array().size(), 1u);
  EXPECT_EQ(json::serialize(page.at("metadata")),
            R"({"itemsPerPage":2,"totalItems":3,"currentPage":2,"totalPages":2})");
  q.page = 4'000'000'000'000'000'000;  // far past the end: empty, no overflow
  EXPECT_TRUE(campaigns::contacts_page(obj(kCampaign), q).at("results").as_array().empty());
  q = {};
  q.statuses = {"contact.failed"};
  page = campaigns::contacts_page(obj(kCampaign), q);
  EXPECT_TRUE(page.at("results").as_array().empty());
  EXPECT_EQ(page.at("metadata").at("totalItems"), 0);
}

TEST(Campaigns, TheSummaryKeepsOnlyCampaignSummaryFields) {
  auto doc = obj(kCampaign);
  campaigns::summarize(doc, false);
  EXPECT_EQ(json::serialize(doc),
            R"({"id":"6f1d2c3b-4a59-4e7f-8d90-1a2b3c4d5e6f","orgId":"org","name":"Renewals",)"
            R"("status":"scheduled","createdAt":"2025-01-01T00:00:00.000Z",)"
            R"("updatedAt":"2025-01-01T00:00:00.000Z","phoneNumberId":"pn-1"})");
  doc = obj(kCampaign);
  campaigns::summarize(doc, true);
  EXPECT_EQ(
      json::serialize(doc.at("contactCounters")),
      R"({"pending":3,"dispatched":0,"completed":0,"failed":0,"skipped":0,"predialFailed":0})");
  EXPECT_EQ(json::serialize(doc.at("callMetrics")), R"({"dialed":0,"connected":0})");
}

TEST(Campaigns, SummaryFieldsAreTheContractsCampaignSummary) {
  const char* root = std::getenv("SB_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  std::ifstream in(std::string(root) + "/contract/vapi-contract.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto contract = json::parse(text.str()).as_object();
  std::set<std::string> declared;
  for (const auto& p : contract.at("schemas").at("CampaignSummary").at("properties").as_object())
    declared.insert(std::string(p.key()));
  std::set<std::string> ours(campaigns::summary_fields().begin(),
                             campaigns::summary_fields().end());
  ours.insert({"contactCounters", "callMetrics"});
  EXPECT_EQ(ours, declared);
}

TEST(Campaigns, EndingRecordsWhyAndFinalStatusesStay) {
  const auto scheduled = obj(R"({"status":"scheduled"})");
  auto patch = obj(R"({"status":"ended"})");
  campaigns::shape_body(patch, &scheduled);
  EXPECT_EQ(patch.at("endedReason"), "campaign.scheduled.ended-by-user");
  const auto running = obj(R"({"status":"in-progress"})");
  patch = obj(R"({"status":"ended"})");
  campaigns::shape_body(patch, &running);
  EXPECT_EQ(patch.at("endedReason"), "campaign.in-progress.ended-by-user");
  patch = obj(R"({"status":"cancelled"})");
  campaigns::shape_body(patch, &running);
  EXPECT_FALSE(patch.contains("endedReason"));
  const auto cancelled = obj(R"({"status":"cancelled"})");
  patch = obj(R"({"status":"ended"})");
  EXPECT_THROW(campaigns::shape_body(patch, &cancelled), ApiError);
  patch = obj(R"({"status":"cancelled","name":"same status is fine"})");
  EXPECT_NO_THROW(campaigns::shape_body(patch, &cancelled));
  patch = obj(R"({"status":"ended"})");
  EXPECT_NO_THROW(campaigns::shape_body(patch, nullptr));  // create: untouched
  EXPECT_FALSE(patch.contains("endedReason"));
}

TEST(ProviderResources, TheBodyIsTheResourceAndAPatchMergesIntoIt) {
  auto body = obj(R"({"provider":"11labs","resourceName":"pronunciation-dictionary",
                      "name":"Brand names","rules":[{"stringToReplace":"UN"}]})");
  provider_resources::shape_body(body, nullptr);
  EXPECT_EQ(json::serialize(body),
            R"({"provider":"11labs","resourceName":"pronunciation-dictionary",)"
            R"("resource":{"name":"Brand names","rules":[{"stringToReplace":"UN"}]}})");
  const auto stored = body;
  auto patch = obj(R"({"rules":[],"name":null,"locale":"en-US"})");
  provider_resources::shape_body(patch, &stored);
  EXPECT_EQ(json::serialize(patch), R"({"resource":{"rules":[],"locale":"en-US"}})");
}

TEST(Calls, ArtifactUrlsComeFromTheRecordingThenTheFlatFields) {
  const auto call = obj(R"({"artifact":{
      "recording":{"stereoUrl":"https://s/stereo.wav","mono":{"combinedUrl":"https://s/mono.wav",
                   "customerUrl":"https://s/customer.wav"}},
      "recordingUrl":"https://s/old-mono.wav","videoRecordingUrl":"https://s/video.mp4",
      "pcapUrl":"https://s/sip.pcap","logUrl":"https://s/logs.jsonl.gz"}})");
  EXPECT_EQ(calls::artifact_url(call, "mono-recording"), "https://s/mono.wav");
  EXPECT_EQ(calls::artifact_url(call, "stereo-recording"), "https://s/stereo.wav");
  EXPECT_EQ(calls::artifact_url(call, "video-recording"), "https://s/video.mp4");
  EXPECT_EQ(calls::artifact_url(call, "customer-recording"), "https://s/customer.wav");
  EXPECT_EQ(calls::artifact_url(call, "assistant-recording"), "");
  EXPECT_EQ(calls::artifact_url(call, "pcap"), "https://s/sip.pcap");
  EXPECT_EQ(calls::artifact_url(call, "call-logs"), "https://s/logs.jsonl.gz");
  EXPECT_EQ(calls::artifact_url(obj(R"({"artifact":{"recordingUrl":"https://s/m.wav"}})"),
                                "mono-recording"),
            "https://s/m.wav");
  EXPECT_EQ(calls::artifact_url(obj("{}"), "pcap"), "");
  EXPECT_EQ(calls::artifact_kinds().size(), 7u);
}

}  // namespace
}  // namespace sb
