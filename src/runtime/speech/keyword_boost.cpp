#include "runtime/speech/keyword_boost.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <utility>

#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(std::move(word));
  return words;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return text;
}

/// `text` split into its word and its intensifier: "name:3" → {"name", 3}; a colon not followed
/// by an integer is part of the word.
std::pair<std::string_view, int> split_boost(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return {text, kDefaultKeywordBoost};
  std::string_view digits = text.substr(colon + 1);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  long long boost = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), boost);
  if (digits.empty() || end != digits.data() + digits.size()) return {text, kDefaultKeywordBoost};
  if (error == std::errc::result_out_of_range) boost = digits.front() == '-' ? -1 : 1;
  if (error != std::errc()) boost *= kMaxKeywordBoost;
  boost = std::clamp<long long>(boost, -kMaxKeywordBoost, kMaxKeywordBoost);
  return {text.substr(0, colon), static_cast<int>(boost)};
}

/// How many times `keyword` occurs in `words`.
int occurrences(const std::vector<std::string>& words, const Keyword& keyword) {
  const auto& needle = keyword.words;
  int count = 0;
  for (auto at = words.begin();
       (at = std::search(at, words.end(), needle.begin(), needle.end())) != words.end();
       at += static_cast<std::ptrdiff_t>(needle.size()))
    ++count;
  return count;
}

std::int64_t bonus(const std::vector<std::string>& words, std::span<const Keyword> keywords) {
  std::int64_t total = 0;
  for (const auto& keyword : keywords)
    total += occurrences(words, keyword) * keyword.boost * kKeywordBonus;
  return total;
}

/// `words` joined, each keyword occurrence written as the keyword is spelt.
std::string spelt(const std::vector<std::string>& words, std::span<const Keyword> keywords) {
  std::string text;
  for (std::size_t at = 0; at < words.size();) {
    if (!text.empty()) text += ' ';
    const auto match = std::find_if(keywords.begin(), keywords.end(), [&](const Keyword& k) {
      return k.words.size() <= words.size() - at &&
             std::equal(k.words.begin(), k.words.end(), words.begin() + static_cast<long>(at));
    });
    if (match == keywords.end()) {
      text += words[at++];
    } else {
      text += match->spelling;
      at += match->words.size();
    }
  }
  return text;
}

}  // namespace

std::vector<Keyword> parse_keywords(const boost::json::object& config) {
  std::vector<Keyword> keywords;
  const auto* items = array_at(config, "keywords");
  if (items == nullptr) return keywords;
  for (const auto& item : *items) {
    if (!item.is_string()) continue;
    const auto [text, boost] = split_boost(item.get_string());
    Keyword keyword{split_words(lower(std::string(text))), {}, boost};
    if (keyword.words.empty() || boost == 0) continue;
    const auto spelling = split_words(text);
    for (const auto& word : spelling)
      keyword.spelling += (keyword.spelling.empty() ? "" : " ") + word;
    keywords.push_back(std::move(keyword));
  }
  return keywords;
}

std::vector<std::string> drop_unknown_keywords(
    std::vector<Keyword>& keywords, const std::function<bool(const std::string&)>& known) {
  std::vector<std::string> unknown;
  std::erase_if(keywords, [&](const Keyword& keyword) {
    if (std::all_of(keyword.words.begin(), keyword.words.end(), known)) return false;
    unknown.push_back(keyword.spelling);
    return true;
  });
  return unknown;
}

std::string choose_transcript(const std::string& best, std::span<const Hypothesis> alternatives,
                              std::span<const Keyword> keywords) {
  if (best.empty() || keywords.empty()) return best;
  std::int64_t best_score = alternatives.empty() ? 0 : alternatives.front().score;
  for (const auto& alternative : alternatives)
    best_score = std::max<std::int64_t>(best_score, alternative.score);
  auto chosen_words = split_words(best);
  std::int64_t chosen = best_score + bonus(chosen_words, keywords);
  for (const auto& alternative : alternatives) {
    auto words = split_words(alternative.text);
    const std::int64_t total = alternative.score + bonus(words, keywords);
    if (total <= chosen) continue;
    chosen = total;
    chosen_words = std::move(words);
  }
  return spelt(chosen_words, keywords);
}

}  // namespace sb::speech
