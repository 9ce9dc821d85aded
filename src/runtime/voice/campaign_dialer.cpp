#include "runtime/voice/campaign_dialer.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/calls/schedule_plan.hpp"
#include "domain/campaigns/campaign_progress.hpp"
#include "domain/resources/resource_service.hpp"
#include "net/timer.hpp"
#include "storage/store.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::voice {
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// A long wait is taken in steps of at most an hour: the wall clock the plan is written in
// may be set meanwhile.
constexpr std::int64_t kLongestWaitMs = 3'600'000;

// The reason a claimed call's contact gets when its call was deleted before the dialer saw
// it end.
constexpr std::string_view kCallMissingReason = "campaign.call-deleted";

// What went wrong, and whether it is that the campaign is gone (deleted meanwhile).
std::pair<std::string, bool> failure(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    return {e.what(), e.code() == ErrorCode::kNotFound};
  } catch (const std::exception& e) {
    return {e.what(), false};
  } catch (...) {
    return {"unknown error", false};
  }
}

// `base` with `over` laid on it; variableValues are merged name by name.
json::object merged(const json::object* base, const json::object* over) {
  json::object out = base ? *base : json::object{};
  if (!over) return out;
  for (const auto& [key, value] : *over) {
    if (key == "variableValues" && value.is_object())
      if (auto* vars = object_at(out, "variableValues")) {
        for (const auto& [name, v] : value.get_object()) (*vars)[name] = v;
        continue;
      }
    out[key] = value;
  }
  return out;
}

// The POST /call a contact's call is: the campaign's assistant or squad and overrides (the
// contact's own laid over them), its number, the contact as customer, and a schedulePlan due
// now that ends with the campaign's window.
json::object call_request(const json::object& campaign, const campaigns::Contact& contact,
                          std::int64_t now_ms) {
  json::object body{{"phoneNumberId", contact.phone_number_id}, {"customer", contact.customer}};
  for (const auto* key : {"assistantId", "squadId"})
    if (const auto* v = campaign.if_contains(key)) body[key] = *v;
  for (const auto* key : {"assistantOverrides", "squadOverrides"})
    if (campaign.contains(key) || contact.customer.contains(key))
      body[key] = merged(object_at(campaign, key), object_at(contact.customer, key));
  json::object plan{{"earliestAt", format_iso8601(now_ms)}};
  if (const auto* campaign_plan = object_at(campaign, "schedulePlan"))
    if (const auto* latest = campaign_plan->if_contains("latestAt")) plan["latestAt"] = *latest;
  body["schedulePlan"] = std::move(plan);
  return body;
}

}  // namespace

struct CampaignDialer::Run {
  std::string org;
  std::string id;
  bool running = false;
  bool again = false;
  bool reconcile = false;
  std::unique_ptr<net::Timer> timer;
  std::set<std::string, std::less<>> predialing;  ///< contacts offered, not yet answered
};

CampaignDialer::CampaignDialer(CampaignDialerDeps deps)
    : deps_(std::move(deps)),
      strand_(asio::make_strand(deps_.executor)),
      subscription_(deps_.store.changes().subscribe(
          [this](const storage::ResourceChange& change) { changed(change); })) {}

CampaignDialer::~CampaignDialer() {
  subscription_.reset();
}

void CampaignDialer::start() {
  std::vector<storage::ResourceRecord> running;
  const std::vector<storage::FieldFilter> active{{"status",
                                                  storage::FieldFilter::Op::kEquals,
                                                  storage::FieldFilter::Type::kText,
                                                  {"scheduled", "in-progress"}}};
  deps_.store.read_sync([&](storage::Session& s) {
    running = s.resources().find_in_any_org(deps_.campaigns.kind, active);
  });
  for (const auto& record : running) poke(record.org_id, record.id, true);
  if (!running.empty()) spdlog::info("{} campaign(s) running", running.size());
}

// On the writer's thread: only looks, then posts.
void CampaignDialer::changed(const storage::ResourceChange& change) {
  if (change.kind == deps_.campaigns.kind) {
    if (change.document) poke(change.org_id, change.id);
    return;
  }
  if (change.kind != deps_.calls.kind) return;
  if (!change.document) {
    // A deleted call names no campaign: the org's running campaigns look theirs up.
    asio::post(strand_, [this, org = change.org_id] { poke_org(org, true); });
    return;
  }
  // Most calls are not a campaign's: looked for before parsing. The parse itself (a call's
  // document can be large) waits for the strand, off the writer's thread.
  if (change.document->find("\"campaignId\"") == std::string::npos) return;
  asio::post(strand_, [this, org = change.org_id, document = change.document] {
    auto call = json::parse(*document).as_object();
    if (!string_at(call, "campaignId").empty()) call_changed(org, std::move(call));
  });
}

void CampaignDialer::call_changed(const std::string& org, json::object call) {
  const std::string campaign_id(string_at(call, "campaignId"));
  const bool ended = string_at(call, "status") == "ended";
  deps_.store.post_write(
      [this, org, campaign_id, call](storage::Session& s) {
        auto campaign = deps_.service.load(s, deps_.campaigns, org, campaign_id);
        bool changed = campaigns::observe(campaign, call);
        changed = campaigns::finish_if_done(campaign, deps_.clock.wall_ms()) || changed;
        if (changed) deps_.service.replace_document(s, deps_.campaigns, campaign);
      },
      [this, org, ended, id = std::string(string_at(call, "id"))](std::exception_ptr error) {
        if (error) {
          const auto [why, gone] = failure(error);
          if (!gone) spdlog::warn("campaign call {}: not recorded: {}", id, why);
          return;
        }
        // A call that ended frees a slot for each campaign of its org.
        if (ended) asio::post(strand_, [this, org] { poke_org(org); });
      });
}

void CampaignDialer::poke(const std::string& org, const std::string& id, bool reconcile) {
  asio::post(strand_, [this, org, id, reconcile] {
    auto& run = runs_[id];
    if (!run) {
      run = std::make_shared<Run>();
      run->org = org;
      run->id = id;
    }
    run->reconcile = run->reconcile || reconcile;
    if (run->running) {
      run->again = true;
      return;
    }
    run->running = true;
    step(run);
  });
}

void CampaignDialer::poke_org(const std::string& org, bool reconcile) {
  for (const auto& [id, run] : runs_)
    if (run->org == org) poke(org, id, reconcile);
}

std::int64_t CampaignDialer::org_in_flight(storage::Session& s, const std::string& org) const {
  storage::ResourceQuery query;
  query.fields = {{"status",
                   storage::FieldFilter::Op::kEquals,
                   storage::FieldFilter::Type::kText,
                   {"in-progress"}}};
  query.limit = 1000;
  std::int64_t n = 0;
  for (const auto& text : s.resources().list(deps_.campaigns.kind, org, query).documents)
    n += campaigns::in_flight(json::parse(text).as_object());
  return n;
}

// One write: record what the campaign's calls say (at start), let calls no longer wanted go
// (a cancelled campaign's calls not yet dialled are deleted), claim the contacts there is room
// for, storing their calls, and end the campaign when nothing is left.
void CampaignDialer::step(const std::shared_ptr<Run>& run) {
  struct Outcome {
    std::vector<json::object> dial;
    std::vector<std::pair<campaigns::Contact, json::object>> offer;  ///< predial messages
    json::object server;  ///< the campaign's, for the predial
    std::optional<std::int64_t> wake;
    bool gone = false;
  };
  auto outcome = std::make_shared<Outcome>();
  const bool reconcile = std::exchange(run->reconcile, false);
  deps_.store.post_write(
      [this, org = run->org, id = run->id, reconcile, outcome,
       predialing = run->predialing](storage::Session& s) {
        *outcome = {};
        const auto record = s.resources().find(deps_.campaigns.kind, org, id);
        if (!record) {
          outcome->gone = true;
          return;
        }
        auto campaign = json::parse(record->document).as_object();
        const auto now = deps_.clock.wall_ms();
        bool changed = false;
        if (reconcile)
          for (const auto& [contact_id, state] : campaigns::states(campaign)) {
            const auto status = string_at(*state.call, "callStatus");
            if (status.empty() || status == "ended") continue;  // no call, or over
            const auto& call_id = state.call_id;
            if (const auto call = s.resources().find(deps_.calls.kind, org, call_id))
              changed =
                  campaigns::observe(campaign, json::parse(call->document).as_object()) || changed;
            else
              changed = campaigns::observe(campaign, {{"id", call_id},
                                                      {"status", "ended"},
                                                      {"endedReason", kCallMissingReason}}) ||
                        changed;
          }
        if (!campaigns::active(campaign)) {
          // "Scheduled calls are deleted; in-progress calls are allowed to finish."
          for (const auto& call_id : campaigns::waiting_calls(campaign)) {
            const auto call = s.resources().find(deps_.calls.kind, org, call_id);
            if (call && string_at(json::parse(call->document).as_object(), "status") != "scheduled")
              continue;
            if (call) deps_.service.remove(s, deps_.calls, org, call_id);
            object_at(campaign, "calls")->erase(call_id);
            changed = true;
          }
          if (changed) {
            campaigns::count(campaign);
            deps_.service.replace_document(s, deps_.campaigns, campaign);
          }
          outcome->gone = true;
          return;
        }
        if (campaigns::window_at(campaign, now) == campaigns::Window::kOpen) {
          // Contacts waiting for their predial's answer hold a slot each.
          const auto waiting = static_cast<std::int64_t>(predialing.size());
          const auto room =
              campaigns::room(campaign, deps_.org_ceiling - org_in_flight(s, org)) - waiting;
          const bool offer = campaigns::predial_enabled(campaign);
          for (const auto& contact : campaigns::pending(campaign, room, predialing)) {
            if (offer) {
              outcome->offer.emplace_back(contact, campaigns::predial_message(campaign, contact));
              continue;
            }
            outcome->dial.push_back(claim(s, campaign, contact, now));
            changed = true;
          }
          if (offer) outcome->server = *object_at(campaign, "server");
        }
        changed = campaigns::finish_if_done(campaign, now) || changed;
        if (changed) deps_.service.replace_document(s, deps_.campaigns, campaign);
        if (campaigns::active(campaign)) outcome->wake = campaigns::next_change(campaign, now);
      },
      [this, run, outcome](std::exception_ptr error) {
        if (error) {
          spdlog::warn("campaign {}: step failed: {}", run->id, failure(error).first);
          outcome->dial.clear();
          outcome->offer.clear();
        }
        // Committed: the claimed calls are ours to dial, each once.
        for (auto& call : outcome->dial) deps_.dial(std::move(call));
        asio::post(strand_, [this, run, outcome] {
          for (auto& [contact, message] : outcome->offer)
            predial(run, outcome->server, contact, std::move(message));
          if (outcome->gone) {
            runs_.erase(run->id);
            return;
          }
          stepped(run, outcome->wake);
        });
      });
}

json::object CampaignDialer::claim(storage::Session& s, json::object& campaign,
                                   const campaigns::Contact& contact, std::int64_t now) const {
  const std::string org(string_at(campaign, "orgId"));
  std::string provider;
  if (const auto number =
          s.resources().find("phone-number", org, ascii_lower(contact.phone_number_id)))
    provider = string_at(json::parse(number->document).as_object(), "provider");
  auto call = calls::new_scheduled_call(new_uuid(), org, call_request(campaign, contact, now),
                                        provider, now);
  call["campaignId"] = string_at(campaign, "id");
  deps_.service.insert_document(s, deps_.calls, call);
  campaigns::claim(campaign, contact, string_at(call, "id"), now);
  return call;
}

void CampaignDialer::predial(const std::shared_ptr<Run>& run, const json::object& server,
                             const campaigns::Contact& contact, json::object message) {
  if (!run->predialing.insert(contact.id).second) return;
  if (!deps_.deliveries)
    return decided(run, contact, webhooks::Reply{false, 0, {}, "server messages are off"});
  deps_.deliveries->request(webhooks::Destination{run->org, server}, std::move(message),
                            deps_.predial_deadline, [this, run, contact](webhooks::Reply reply) {
                              asio::post(strand_, [this, run, contact, reply = std::move(reply)] {
                                decided(run, contact, reply);
                              });
                            });
}

// On strand_: the answer is recorded (a claim, or why not) in one write; the contact keeps its
// slot until that write has committed.
void CampaignDialer::decided(const std::shared_ptr<Run>& run, const campaigns::Contact& contact,
                             const webhooks::Reply& reply) {
  const auto verdict = campaigns::predial_verdict(reply.ok, reply.body);
  std::string reason =
      reply.ok ? "campaign.predial.invalid-response" : "campaign.predial." + reply.error;
  std::replace(reason.begin(), reason.end(), ' ', '-');  // "status 500" → "status-500"
  auto dial = std::make_shared<std::optional<json::object>>();
  deps_.store.post_write(
      [this, run, contact, verdict, reason, dial](storage::Session& s) {
        dial->reset();
        auto campaign = deps_.service.load(s, deps_.campaigns, run->org, run->id);
        if (!campaigns::active(campaign) || campaigns::states(campaign).contains(contact.id))
          return;
        const auto now = deps_.clock.wall_ms();
        if (verdict == campaigns::Predial::kDial)
          *dial = claim(s, campaign, contact, now);
        else
          campaigns::record_predial(campaign, contact, verdict,
                                    verdict == campaigns::Predial::kSkip ? "" : reason);
        campaigns::finish_if_done(campaign, now);
        deps_.service.replace_document(s, deps_.campaigns, campaign);
      },
      [this, run, contact, dial](std::exception_ptr error) {
        if (!error && *dial) deps_.dial(std::move(**dial));
        if (error)
          spdlog::warn("campaign {}: a predial's answer not recorded: {}", run->id,
                       failure(error).first);
        asio::post(strand_, [this, run, contact] {
          run->predialing.erase(contact.id);
          poke(run->org, run->id);
        });
      });
}

void CampaignDialer::stepped(const std::shared_ptr<Run>& run, std::optional<std::int64_t> wake) {
  run->running = false;
  if (wake) {
    if (!run->timer) run->timer = std::make_unique<net::Timer>(strand_, deps_.clock);
    const auto left = std::clamp<std::int64_t>(*wake - deps_.clock.wall_ms(), 0, kLongestWaitMs);
    run->timer->arm_after(std::chrono::milliseconds(left),
                          [this, org = run->org, id = run->id] { poke(org, id); });
  }
  if (std::exchange(run->again, false)) poke(run->org, run->id);
}

}  // namespace sb::voice
