#pragma once
// One after-commit event per write of a resource, for everything that keeps a copy of what is
// stored (response caches today; live calls and other instances later). A subscriber sees a
// change only once it is durable, and before the writer hears its write succeeded, so a client
// that reads after its write was answered never reads a stale copy. Each event carries all a
// subscriber needs — kind, org, id and the new document — and says nothing of who wrote it, so
// a backend whose writers are other processes (PostgreSQL LISTEN/NOTIFY) can feed it too.
//
// Thread safety: subscribe, unsubscribe and publish may be called from any thread; listeners
// run on the publishing thread (the store's writer for SQLite) and must not block.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sb::storage {

struct ResourceChange {
  std::string kind;    ///< storage kind, e.g. "assistant"
  std::string org_id;  ///< the org the object belongs to
  std::string id;
  /// The document as stored now (write-only fields already taken out); null when the object
  /// was deleted. Shared, so a subscriber that keeps it (a response cache) copies nothing.
  std::shared_ptr<const std::string> document;

  /// A change that stands for any: the feed may have missed changes (a backend lost its link
  /// to the other writers, and has it again), so every copy of every kind must be dropped.
  static ResourceChange everything_stale() { return {std::string(kEverything), {}, {}, nullptr}; }
  bool is_everything() const { return kind == kEverything; }

 private:
  static constexpr std::string_view kEverything = "*";
};

class ChangeFeed {
 public:
  using Listener = std::function<void(const ResourceChange&)>;

  /// Removes its listener when destroyed (or reset), so a subscriber may die before the feed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(ChangeFeed* feed, std::uint64_t id) : feed_(feed), id_(id) {}
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription() { reset(); }
    void reset();

   private:
    ChangeFeed* feed_ = nullptr;
    std::uint64_t id_ = 0;
  };

  /// `listener` runs for every change published from now on.
  [[nodiscard]] Subscription subscribe(Listener listener);
  /// For backends: hands one committed change to every listener.
  void publish(const ResourceChange& change) const;

 private:
  void unsubscribe(std::uint64_t id);

  mutable std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, Listener>> listeners_;
  std::uint64_t next_id_ = 1;
};

}  // namespace sb::storage
