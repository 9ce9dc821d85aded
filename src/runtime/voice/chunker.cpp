#include "runtime/voice/chunker.hpp"

#include "core/json_fields.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

}  // namespace

ChunkPlan ChunkPlan::of(const json::object& voice) {
  ChunkPlan plan;
  const auto* chunk = object_at(voice, "chunkPlan");
  if (!chunk) return plan;
  plan.enabled = bool_at(*chunk, "enabled", true);
  const auto min = int_at(*chunk, "minCharacters", 30);
  plan.min_characters = static_cast<std::size_t>(min < 1 ? 1 : min);
  if (const auto* list = array_at(*chunk, "punctuationBoundaries")) {
    plan.boundaries.clear();
    for (const auto& v : *list)
      if (const auto* s = v.if_string(); s && !s->empty()) plan.boundaries.emplace_back(*s);
  }
  return plan;
}

// An ASCII mark counts only when whitespace follows it, so "3.5" or "e.g" mid-word is not cut
// (the next delta may still continue the word); the wide marks of other scripts need nothing
// after them.
std::size_t Chunker::next_cut() const {
  std::size_t best = std::string::npos;
  for (const auto& mark : plan_.boundaries) {
    const bool ascii = static_cast<unsigned char>(mark[0]) < 0x80;
    for (auto at = pending_.find(
             mark, plan_.min_characters > mark.size() ? plan_.min_characters - mark.size() : 0);
         at != std::string::npos; at = pending_.find(mark, at + 1)) {
      const auto end = at + mark.size();
      if (ascii && (end >= pending_.size() || !is_space(pending_[end]))) continue;
      if (end < best) best = end;
      break;
    }
  }
  return best;
}

std::vector<std::string> Chunker::push(std::string_view delta) {
  pending_.append(delta);
  std::vector<std::string> chunks;
  if (!plan_.enabled) return chunks;
  for (;;) {
    // Leading whitespace does not count towards minCharacters.
    const auto first = pending_.find_first_not_of(" \t\r\n");
    pending_.erase(0, first == std::string::npos ? pending_.size() : first);
    const auto cut = next_cut();
    if (cut == std::string::npos) break;
    chunks.push_back(trimmed(std::string_view(pending_).substr(0, cut)));
    pending_.erase(0, cut);
  }
  return chunks;
}

std::string Chunker::flush() {
  auto rest = trimmed(pending_);
  pending_.clear();
  return rest;
}

}  // namespace sb::voice
