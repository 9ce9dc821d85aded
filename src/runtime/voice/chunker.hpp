#pragma once
// The model's streamed answer cut into pieces the voice can say (voice.chunkPlan): a chunk
// ends at a punctuation boundary once it holds at least minCharacters, so synthesis starts on
// the first sentence while the model is still writing the rest.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::voice {

struct ChunkPlan {
  bool enabled = true;
  std::size_t min_characters = 30;
  std::vector<std::string> boundaries{"。", "，", ".", "!", "?",  ";", "،",
                                      "۔",  "।",  "॥", "|", "||", ",", ":"};

  /// The voice's chunkPlan with the schema's defaults for what it leaves out.
  static ChunkPlan of(const boost::json::object& voice);
};

class Chunker {
 public:
  explicit Chunker(ChunkPlan plan) : plan_(std::move(plan)) {}

  /// Adds a delta; returns the chunks it completed (trimmed, never empty), in order.
  std::vector<std::string> push(std::string_view delta);
  /// The rest, when the answer is complete ("" when nothing is left).
  std::string flush();

 private:
  /// Where the first chunk of pending_ may end (one past its boundary), or npos.
  std::size_t next_cut() const;

  ChunkPlan plan_;
  std::string pending_;
};

}  // namespace sb::voice
