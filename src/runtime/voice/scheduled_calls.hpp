#pragma once
// Calls asked for later (POST /call with a schedulePlan whose earliestAt is to come): stored
// with status scheduled, each waits on a timer of the application's clock until its
// earliestAt, then is handed to `dial`, which claims it (its stored status moves from
// scheduled to queued in the write that makes it live) and dials it under its own id. The
// schedule is the database's: rearm() at start arms every stored scheduled call, and ends one
// whose latestAt has passed (status ended, kScheduleExpiredReason, with its messages). A call
// deleted (or dialled) meanwhile is no longer scheduled, so its claim fails and nothing is
// dialled. Generic over what dials: any stored call by org and id.
//
// Several instances on one database: each arms every scheduled call (rescan_every() picks up
// those another instance stored since), so the call goes out though the instance that took
// the request has died; when several wake for it, the claim (a locked read-modify-write of
// the stored call) lets exactly one dial it, and the others' claims fail as "no longer
// scheduled". Ending an expired one is conditional on its status in the same way.

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "domain/calls/schedule_plan.hpp"

namespace sb::storage {
class Store;
}
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::net {
class Timer;
}

namespace sb::voice {

struct ScheduledCallsDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  const resources::ResourceSpec& calls;
  boost::asio::any_io_executor executor;  ///< the timers fire on a strand of it
  const Clock& clock = system_clock();
  /// Dials the stored scheduled call `call` (as scheduled: its org, id and what it names),
  /// claiming it first; `done(true)` when it could not be dialled now and is still scheduled
  /// (the server is at its limit of calls, or shutting down): it is tried again after `retry`,
  /// until its latestAt. Any thread.
  using Dial =
      std::function<void(const boost::json::object& call, std::function<void(bool again)> done)>;
  Dial dial;
  /// Ends the stored call `id`, while it is still scheduled, with `reason` and its messages.
  std::function<void(const std::string& org_id, const std::string& id, const std::string& reason)>
      end;
  std::chrono::milliseconds retry{5000};
};

class ScheduledCalls {
 public:
  explicit ScheduledCalls(ScheduledCallsDeps deps);
  ~ScheduledCalls();
  ScheduledCalls(const ScheduledCalls&) = delete;
  ScheduledCalls& operator=(const ScheduledCalls&) = delete;

  /// Stores `call` (status scheduled, with its schedulePlan) and arms it; `done` gets the
  /// stored call or the error. `secrets` (what dialling it will need that no response may
  /// show: a transient number's credentials) are stored with it sealed, as a resource's
  /// write-only fields are, until the call's next stored change (it goes live, or ends) drops
  /// them. Any thread.
  void schedule(boost::json::object call, boost::json::object secrets,
                std::function<void(std::exception_ptr, boost::json::object)> done);
  /// The stored call `id`'s secrets, opened (none once it has gone live or ended), or the
  /// error (404 for a call that no longer exists). Once, on a reader.
  void secrets_of(const std::string& org_id, const std::string& id,
                  std::function<void(std::exception_ptr, boost::json::object)> done) const;
  /// Arms `call`, stored as scheduled by someone else (a campaign's claim, in the write that
  /// claimed its contact), as if schedule() had stored it. Any thread.
  void adopt(boost::json::object call) { arm(std::move(call)); }
  /// Arms every call stored as scheduled, ending those whose latestAt has passed (at start,
  /// once the calls a killed process left live are ended). Blocks on one read.
  void rearm();
  /// Every `every`, reads the stored scheduled calls and arms those not armed here yet (calls
  /// other instances on the same database scheduled). Call once, after rearm().
  void rescan_every(std::chrono::milliseconds every);
  /// Calls armed and not yet handed to `dial` (for tests and metrics).
  std::size_t waiting() const;

 private:
  struct Waiting;
  void arm(boost::json::object call);
  void wait(const std::shared_ptr<Waiting>& waiting);  ///< on strand_
  void wake(const std::string& id);                    ///< on strand_
  void due(const std::shared_ptr<Waiting>& waiting);
  void rescan();  ///< on strand_
  /// What a rescan's read job, which may finish after this object is gone, reaches it by.
  struct Self {
    explicit Self(ScheduledCalls* c) : calls(c) {}
    std::mutex mutex;
    ScheduledCalls* calls;
  };

  ScheduledCallsDeps deps_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::map<std::string, std::shared_ptr<Waiting>, std::less<>> waiting_;  ///< on strand_ only
  std::atomic<std::size_t> count_{0};
  std::chrono::milliseconds rescan_every_{0};
  std::unique_ptr<net::Timer> rescan_timer_;
  std::shared_ptr<Self> self_ = std::make_shared<Self>(this);
};

}  // namespace sb::voice
