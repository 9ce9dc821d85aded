#include "runtime/voice/scheduled_calls.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "domain/resources/resource_service.hpp"
#include "net/timer.hpp"
#include "storage/store.hpp"

namespace sb::voice {
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// A long wait is taken in steps of at most a day: a steady timer cannot reach every date, and
// the wall clock the plan is written in may be set meanwhile.
constexpr std::chrono::milliseconds kLongestStep = std::chrono::hours(24);

}  // namespace

struct ScheduledCalls::Waiting {
  json::object call;  ///< as scheduled
  std::string id;
  calls::SchedulePlan plan;
  std::unique_ptr<net::Timer> timer;
};

ScheduledCalls::ScheduledCalls(ScheduledCallsDeps deps)
    : deps_(std::move(deps)), strand_(asio::make_strand(deps_.executor)) {}

ScheduledCalls::~ScheduledCalls() {
  std::lock_guard lock(self_->mutex);
  self_->calls = nullptr;
}

std::size_t ScheduledCalls::waiting() const {
  return count_.load();
}

void ScheduledCalls::schedule(json::object call, json::object secrets,
                              std::function<void(std::exception_ptr, json::object)> done) {
  deps_.store.post_write(
      [this, call, secrets = std::move(secrets)](storage::Session& s) {
        deps_.service.insert_document(s, deps_.calls, call, secrets);
      },
      [this, call, done = std::move(done)](std::exception_ptr error) {
        if (error) return done(error, {});
        arm(call);
        done(nullptr, call);
      });
}

void ScheduledCalls::secrets_of(const std::string& org_id, const std::string& id,
                                std::function<void(std::exception_ptr, json::object)> done) const {
  deps_.store.post_read([this, org_id, id, done = std::move(done)](storage::Session& s) {
    json::object secrets;
    try {
      secrets = deps_.service.secrets_of(s, deps_.calls, org_id, id);
    } catch (...) {
      return done(std::current_exception(), {});
    }
    done(nullptr, std::move(secrets));
  });
}

namespace {

std::vector<json::object> scheduled_in(storage::Session& s, const std::string& kind) {
  const std::vector<storage::FieldFilter> scheduled{{"status",
                                                     storage::FieldFilter::Op::kEquals,
                                                     storage::FieldFilter::Type::kText,
                                                     {"scheduled"}}};
  std::vector<json::object> calls;
  for (const auto& record : s.resources().find_in_any_org(kind, scheduled))
    calls.push_back(json::parse(record.document).as_object());
  return calls;
}

}  // namespace

void ScheduledCalls::rearm() {
  std::vector<json::object> stored;
  deps_.store.read_sync([&](storage::Session& s) { stored = scheduled_in(s, deps_.calls.kind); });
  for (auto& call : stored) arm(std::move(call));
  if (!stored.empty()) spdlog::info("{} scheduled call(s) waiting for their time", stored.size());
}

void ScheduledCalls::rescan_every(std::chrono::milliseconds every) {
  if (every.count() <= 0) return;
  rescan_every_ = every;
  rescan_timer_ = std::make_unique<net::Timer>(strand_, deps_.clock);
  asio::post(strand_, [this] { rescan_timer_->arm_after(rescan_every_, [this] { rescan(); }); });
}

// A read job; what it finds is armed (arm() skips a call armed already), then the next rescan
// is set once it has come back, so at most one is under way.
void ScheduledCalls::rescan() {
  deps_.store.post_read([self = self_, kind = deps_.calls.kind](storage::Session& s) {
    std::vector<json::object> stored;
    try {
      stored = scheduled_in(s, kind);
    } catch (const std::exception& x) {
      spdlog::warn("reading the scheduled calls: {}", x.what());  // the next rescan reads again
    }
    std::lock_guard lock(self->mutex);
    if (!self->calls) return;
    for (auto& call : stored) self->calls->arm(std::move(call));
    asio::post(self->calls->strand_, [self] {
      std::lock_guard again(self->mutex);
      if (auto* calls = self->calls)
        calls->rescan_timer_->arm_after(calls->rescan_every_, [calls] { calls->rescan(); });
    });
  });
}

void ScheduledCalls::arm(json::object call) {
  auto waiting = std::make_shared<Waiting>();
  waiting->id = string_at(call, "id");
  // A plan that cannot be read (stored by hand) is due at once, with no latestAt.
  waiting->plan = calls::schedule_plan_of(call).value_or(calls::SchedulePlan{});
  waiting->call = std::move(call);
  waiting->timer = std::make_unique<net::Timer>(strand_, deps_.clock);
  ++count_;
  asio::post(strand_, [this, waiting] {
    if (const auto [it, added] = waiting_.emplace(waiting->id, waiting); !added) {
      --count_;  // armed already: one timer per call
      return;
    }
    wait(waiting);
  });
}

void ScheduledCalls::wait(const std::shared_ptr<Waiting>& waiting) {
  const auto left = std::chrono::milliseconds(waiting->plan.earliest_ms - deps_.clock.wall_ms());
  waiting->timer->arm_after(std::clamp(left, std::chrono::milliseconds(0), kLongestStep),
                            [this, id = waiting->id] { wake(id); });
}

void ScheduledCalls::wake(const std::string& id) {
  const auto it = waiting_.find(id);
  if (it == waiting_.end()) return;
  auto waiting = it->second;
  if (deps_.clock.wall_ms() < waiting->plan.earliest_ms) return wait(waiting);
  waiting_.erase(it);
  --count_;
  due(waiting);
}

void ScheduledCalls::due(const std::shared_ptr<Waiting>& waiting) {
  const std::string org(string_at(waiting->call, "orgId"));
  if (waiting->plan.expired_at(deps_.clock.wall_ms())) {
    spdlog::info("call {}: its schedulePlan.latestAt passed before it could be dialled",
                 waiting->id);
    return deps_.end(org, waiting->id, std::string(calls::kScheduleExpiredReason));
  }
  deps_.dial(waiting->call, [this, waiting](bool again) {
    if (!again) return;
    // Still scheduled: tried again shortly (its latestAt, if any, ends it meanwhile).
    ++count_;
    asio::post(strand_, [this, waiting] {
      waiting_[waiting->id] = waiting;
      waiting->timer->arm_after(deps_.retry, [this, id = waiting->id] { wake(id); });
    });
  });
}

}  // namespace sb::voice
