#pragma once
// Live calls across several instances on one database (docs/multi-instance.md). Each instance
// renews a heartbeat row every `heartbeat` (its id and the URL the others reach it at); every
// live call has an owner row naming the instance holding its media socket (LiveCalls writes it
// with the call). From this class:
// - owner_url(): where to forward what reaches this instance for a call live on another;
// - on each beat, the calls of instances whose heartbeat is older than `dead_after` are taken
//   (their owner rows deleted, each by exactly one instance: storage/instance_repository.hpp)
//   and ended in the same write with kOwnerDiedReason, their status-update and
//   end-of-call-report enqueued in the outbox like any call's;
// - at start, the calls a previous run of this instance still owned end the same way.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "core/clock.hpp"

namespace sb::net {
class Timer;
}
namespace sb::storage {
class Session;
class Store;
struct CallOwner;
}  // namespace sb::storage

namespace sb::voice {

/// The reason a call ends with when its instance died: the one the restart journal uses.
inline constexpr const char* kOwnerDiedReason = "call.in-progress.error-vapifault-worker-died";

struct CallOwnersOptions {
  std::string instance;  ///< this instance's id
  /// How others reach this instance (--advertise-url, or its listening address); read at
  /// start(), once the port is known.
  std::function<std::string()> url;
  std::chrono::milliseconds heartbeat{5'000};
  /// An owner whose heartbeat is older than this is dead (3 beats).
  std::chrono::milliseconds dead_after{15'000};
  std::size_t batch = 100;  ///< most calls one beat takes over
};

class CallOwners {
 public:
  /// Ends a stored call taken from a dead owner, in the write `s` (LiveCalls::end_stored_in);
  /// true when it ended it.
  using EndCall = std::function<bool(storage::Session& s, const storage::CallOwner& call,
                                     const std::string& reason)>;
  CallOwners(storage::Store& store, EndCall end, CallOwnersOptions options,
             boost::asio::any_io_executor executor, const Clock& clock);
  ~CallOwners();  ///< stops the beats
  CallOwners(const CallOwners&) = delete;
  CallOwners& operator=(const CallOwners&) = delete;

  /// Writes the first heartbeat and ends the calls a previous run left (blocking: at start,
  /// never on an I/O thread), then beats every `heartbeat`.
  void start();
  /// One beat: the heartbeat, then the takeover of dead owners' calls. `done` (any thread)
  /// gets how many calls this beat ended. start() arms them; tests call it directly.
  void beat(std::function<void(std::size_t ended)> done = nullptr);
  /// The URL of the instance owning the live call `call_id` when it is another instance whose
  /// heartbeat is current; nullopt otherwise (no owner, this one, or a dead one). `then` runs
  /// on this registry's strand (the calls' context).
  void owner_url(std::string call_id,
                 std::function<void(std::optional<std::string> url)> then) const;
  const std::string& instance() const { return options_.instance; }

 private:
  struct Handle;
  /// Arms the next beat; posted to the timer's strand.
  void arm();
  /// Ends the calls taken from their owner in the write `s`; how many it ended.
  std::size_t end_taken(storage::Session& s, const std::vector<storage::CallOwner>& taken) const;

  storage::Store& store_;
  EndCall end_;
  CallOwnersOptions options_;
  const Clock& clock_;
  boost::asio::any_io_executor strand_;  ///< the timer's
  std::unique_ptr<net::Timer> timer_;
  std::shared_ptr<Handle> self_;  ///< what a beat in flight reaches this by, cleared at stop
};

}  // namespace sb::voice
