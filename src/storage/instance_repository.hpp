#pragma once
// The instances serving one database and the live calls each owns (several instances on one
// PostgreSQL; docs/multi-instance.md). An instance renews its heartbeat row every few seconds;
// a live call has an owner row naming the instance holding its media socket from the write
// that makes it live until the write that stores its end. Another instance reads the owner to
// forward what reaches it for the call, and takes over the calls of an instance whose
// heartbeat stopped.
//
// The contract, on every backend:
// - take_orphans() deletes and returns owner rows whose instance's heartbeat is older than the
//   bound (or missing). Concurrent takers never return the same row twice, so a caller that
//   ends the calls it took in the same write ends each exactly once; a row taken is gone.
// - Times are ms since the epoch from each instance's own wall clock: instances on one
//   database keep their clocks within a fraction of the bound of each other (NTP).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::storage {

struct CallOwner {
  std::string call_id;
  std::string org_id;
  std::string instance_id;
  std::string instance_url;    ///< the owner's advertised URL ("" when it has no heartbeat row)
  std::int64_t last_seen = 0;  ///< the owner's last heartbeat (0 when it has none)
};

class InstanceRepository {
 public:
  virtual ~InstanceRepository() = default;
  /// Records that `instance`, reachable at `url`, is alive at `now`.
  virtual void heartbeat(std::string_view instance, std::string_view url, std::int64_t now) = 0;
  /// `instance` owns the live call `call_id` of `org_id` (replacing any earlier owner).
  virtual void own_call(std::string_view call_id, std::string_view org_id,
                        std::string_view instance, std::int64_t now) = 0;
  /// The call has no owner any more (it ended).
  virtual void disown_call(std::string_view call_id) = 0;
  /// The owner of the live call `call_id`, with its heartbeat.
  virtual std::optional<CallOwner> owner_of(std::string_view call_id) = 0;
  /// Deletes and returns at most `limit` owner rows whose instance was last seen before
  /// `seen_before` (or never), never `except` (the caller itself).
  virtual std::vector<CallOwner> take_orphans(std::int64_t seen_before, std::string_view except,
                                              std::size_t limit) = 0;
  /// Deletes and returns the owner rows of `instance` (what a previous run of it left).
  virtual std::vector<CallOwner> take_calls_of(std::string_view instance) = 0;
};

}  // namespace sb::storage
