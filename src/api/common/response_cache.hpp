#pragma once
// Rendered responses of one resource, kept in memory so the hottest reads are answered on the
// I/O thread without a trip to a storage thread: single objects by id, and whole list pages
// by their query. The database stays the source of truth:
//  - every write to an org, once committed, replaces or drops that object's entry and makes
//    all of the org's cached lists stale (a per-org generation number);
//  - a reader that missed offers what it read together with the generation it saw before
//    reading, and the offer is refused if a write landed in between, so a slow reader can
//    never put back a version older than a committed write.
// Writes reach it through the store's change feed (storage/change_feed.hpp), whoever made them,
// so it stays true with several writers as long as the feed carries their changes.
//
// Thread safety: all members may be called from any thread.

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb::api {

class ResponseCache {
 public:
  using Body = std::shared_ptr<const std::string>;

  /// `max_objects` bounds the by-id entries; `max_list_bytes` the total size of cached lists.
  ResponseCache(std::size_t max_objects, std::size_t max_list_bytes);

  /// The cached object, if it belongs to `org_id`.
  Body find_object(std::string_view org_id, std::string_view id) const;
  Body find_list(std::string_view org_id, std::string_view query_key) const;

  /// Read this before reading the database for a miss; pass it to offer_*().
  std::uint64_t generation(std::string_view org_id) const;
  void offer_object(std::string_view org_id, std::string_view id, Body body,
                    std::uint64_t seen_generation);
  void offer_list(std::string_view org_id, std::string_view query_key, Body body,
                  std::uint64_t seen_generation);

  /// After a committed write: makes the org's lists stale and refreshes a cached object;
  /// `body` is its new rendering, or null when it was deleted.
  void committed_write(std::string_view org_id, std::string_view id, Body body);
  /// Drops everything, and refuses offers of what was read before (the change feed may have
  /// missed writes: change_feed.hpp's everything_stale).
  void clear();

 private:
  struct Object {
    std::string org_id;
    Body body;
  };
  struct List {
    std::uint64_t generation;
    Body body;
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;

  static std::string list_key(std::string_view org_id, std::string_view query_key);
  std::uint64_t generation_locked(std::string_view org_id) const;

  const std::size_t max_objects_;
  const std::size_t max_list_bytes_;
  mutable std::shared_mutex mutex_;
  TextMap<Object> objects_;
  TextMap<List> lists_;  // key: org id + '\n' + query
  TextMap<std::uint64_t> generations_;
  std::size_t list_bytes_ = 0;
  /// Bumped by clear(); the high bits of every generation, so no offer from before a clear
  /// matches a generation after it even though the per-org counts start again.
  std::uint64_t epoch_ = 0;
};

}  // namespace sb::api
