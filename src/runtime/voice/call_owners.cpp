#include "runtime/voice/call_owners.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "net/timer.hpp"
#include "storage/instance_repository.hpp"
#include "storage/store.hpp"

namespace sb::voice {
namespace asio = boost::asio;

// A beat in flight (on a store thread) reaches the registry through this; cleared when it goes.
struct CallOwners::Handle {
  std::mutex mutex;
  CallOwners* owners = nullptr;
};

CallOwners::CallOwners(storage::Store& store, EndCall end, CallOwnersOptions options,
                       asio::any_io_executor executor, const Clock& clock)
    : store_(store),
      end_(std::move(end)),
      options_(std::move(options)),
      clock_(clock),
      strand_(asio::make_strand(std::move(executor))),
      timer_(std::make_unique<net::Timer>(strand_, clock)),
      self_(std::make_shared<Handle>()) {
  self_->owners = this;
}

CallOwners::~CallOwners() {
  std::lock_guard lock(self_->mutex);
  self_->owners = nullptr;
}

std::size_t CallOwners::end_taken(storage::Session& s,
                                  const std::vector<storage::CallOwner>& taken) const {
  std::size_t ended = 0;
  for (const auto& call : taken) {
    try {
      if (end_(s, call, kOwnerDiedReason)) ++ended;
    } catch (const std::exception& e) {  // deleted since: nothing to end
      spdlog::warn("call {} of instance {}: not ended: {}", call.call_id, call.instance_id,
                   e.what());
    }
  }
  return ended;
}

void CallOwners::start() {
  std::size_t left = 0;
  store_.write_sync([this, &left](storage::Session& s) {
    s.instances().heartbeat(options_.instance, options_.url ? options_.url() : "",
                            clock_.wall_ms());
    left = end_taken(s, s.instances().take_calls_of(options_.instance));
  });
  if (left > 0)
    spdlog::info("ended {} call(s) this instance's last run owned: {}", left, kOwnerDiedReason);
  arm();
}

void CallOwners::arm() {
  asio::post(strand_, [self = self_] {
    std::lock_guard lock(self->mutex);
    if (!self->owners) return;
    self->owners->timer_->arm_after(self->owners->options_.heartbeat, [self] {
      std::lock_guard fired(self->mutex);
      if (!self->owners) return;
      // The next beat is armed once this one is stored, so at most one is under way.
      self->owners->beat([self](std::size_t) {
        std::lock_guard again(self->mutex);
        if (self->owners) self->owners->arm();
      });
    });
  });
}

void CallOwners::beat(std::function<void(std::size_t)> done) {
  auto ended = std::make_shared<std::size_t>(0);
  const auto now = clock_.wall_ms();
  const auto seen_before = now - options_.dead_after.count();
  // The write may still be queued when this registry goes (a server stopping at start): it
  // reaches the registry through the handle, whose lock the destructor waits for.
  store_.post_write(
      [self = self_, ended, now, seen_before,
       url = options_.url ? options_.url() : ""](storage::Session& s) {
        std::lock_guard lock(self->mutex);
        if (!self->owners) return;
        const auto& owners = *self->owners;
        *ended = 0;  // the job may run again (a deadlock undone)
        auto& instances = s.instances();
        instances.heartbeat(owners.options_.instance, url, now);
        *ended = owners.end_taken(s, instances.take_orphans(seen_before, owners.options_.instance,
                                                            owners.options_.batch));
      },
      [instance = options_.instance, ended, done = std::move(done)](std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::warn("instance {}: heartbeat failed: {}", instance, e.what());
          }
          *ended = 0;
        } else if (*ended > 0) {
          spdlog::warn("ended {} call(s) whose instance stopped beating: {}", *ended,
                       kOwnerDiedReason);
        }
        if (done) done(*ended);
      });
}

void CallOwners::owner_url(std::string call_id,
                           std::function<void(std::optional<std::string>)> then) const {
  // Nothing of this registry is read on the store's thread: the read may outlive it.
  const auto alive_since = clock_.wall_ms() - options_.dead_after.count();
  store_.post_read([instance = options_.instance, alive_since, strand = strand_,
                    call_id = std::move(call_id), then = std::move(then)](storage::Session& s) {
    std::optional<std::string> url;
    try {
      const auto owner = s.instances().owner_of(call_id);
      if (owner && owner->instance_id != instance && !owner->instance_url.empty() &&
          owner->last_seen >= alive_since)
        url = owner->instance_url;
    } catch (const std::exception& e) {
      spdlog::warn("call {}: reading its owner: {}", call_id, e.what());
    }
    asio::post(strand,
               [then = std::move(then), url = std::move(url)]() mutable { then(std::move(url)); });
  });
}

}  // namespace sb::voice
