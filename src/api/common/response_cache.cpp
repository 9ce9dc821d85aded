#include "api/common/response_cache.hpp"

namespace sb::api {
namespace {

// Per-org write counts stay far below 2^40 between two clears.
constexpr int kEpochShift = 40;

}  // namespace

ResponseCache::ResponseCache(std::size_t max_objects, std::size_t max_list_bytes)
    : max_objects_(max_objects), max_list_bytes_(max_list_bytes) {}

std::string ResponseCache::list_key(std::string_view org_id, std::string_view query_key) {
  std::string key;
  key.reserve(org_id.size() + 1 + query_key.size());
  key.append(org_id).push_back('\n');
  key.append(query_key);
  return key;
}

std::uint64_t ResponseCache::generation_locked(std::string_view org_id) const {
  const auto it = generations_.find(org_id);
  return (epoch_ << kEpochShift) + (it == generations_.end() ? 0 : it->second);
}

ResponseCache::Body ResponseCache::find_object(std::string_view org_id, std::string_view id) const {
  std::shared_lock lock(mutex_);
  const auto it = objects_.find(id);
  if (it == objects_.end() || it->second.org_id != org_id) return nullptr;
  return it->second.body;
}

ResponseCache::Body ResponseCache::find_list(std::string_view org_id,
                                             std::string_view query_key) const {
  const std::string key = list_key(org_id, query_key);
  std::shared_lock lock(mutex_);
  const auto it = lists_.find(key);
  if (it == lists_.end() || it->second.generation != generation_locked(org_id)) return nullptr;
  return it->second.body;
}

std::uint64_t ResponseCache::generation(std::string_view org_id) const {
  std::shared_lock lock(mutex_);
  return generation_locked(org_id);
}

void ResponseCache::offer_object(std::string_view org_id, std::string_view id, Body body,
                                 std::uint64_t seen_generation) {
  std::unique_lock lock(mutex_);
  if (generation_locked(org_id) != seen_generation) return;
  if (objects_.size() >= max_objects_ && !objects_.contains(id)) objects_.erase(objects_.begin());
  objects_.insert_or_assign(std::string(id), Object{std::string(org_id), std::move(body)});
}

void ResponseCache::offer_list(std::string_view org_id, std::string_view query_key, Body body,
                               std::uint64_t seen_generation) {
  const std::size_t size = body->size();
  if (size > max_list_bytes_ / 4) return;  // one huge page must not flush everything else
  std::string key = list_key(org_id, query_key);
  std::unique_lock lock(mutex_);
  if (generation_locked(org_id) != seen_generation) return;
  if (list_bytes_ + size > max_list_bytes_) {
    lists_.clear();  // crude but bounded: lists are cheap to rebuild from SQL
    list_bytes_ = 0;
  }
  auto [it, inserted] = lists_.try_emplace(std::move(key), List{seen_generation, body});
  if (!inserted) {
    list_bytes_ -= it->second.body->size();
    it->second = List{seen_generation, std::move(body)};
  }
  list_bytes_ += size;
}

void ResponseCache::clear() {
  std::unique_lock lock(mutex_);
  ++epoch_;
  objects_.clear();
  lists_.clear();
  generations_.clear();
  list_bytes_ = 0;
}

void ResponseCache::committed_write(std::string_view org_id, std::string_view id, Body body) {
  std::unique_lock lock(mutex_);
  auto [gen, inserted] = generations_.try_emplace(std::string(org_id), 0);
  ++gen->second;
  const auto it = objects_.find(id);
  if (it == objects_.end()) return;  // only what has been read is worth keeping
  if (body)
    it->second.body = std::move(body);
  else
    objects_.erase(it);
}

}  // namespace sb::api
