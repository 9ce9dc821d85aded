#pragma once
// `transcriber.keywords` for the built-in transcriber, by N-best rescoring: the decoder is left
// as every call shares it, and after each utterance its best few hypotheses are re-ranked, each
// keyword occurrence adding a bonus to a hypothesis's score. A keyword can therefore only win
// where the decoder already heard it as a plausible alternative; it is never invented.
//
// The format is Vapi's (and Deepgram's): `word` or `word:boost`, boost an integer intensifier,
// 1 by default, 0 neutral, negative to suppress. A keyword of several words (`"new york"`)
// counts where the words come in that order.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace sb::speech {

/// The intensifier when a keyword names none.
inline constexpr int kDefaultKeywordBoost = 1;
/// Intensifiers beyond this are taken as this (the score arithmetic stays in range).
inline constexpr int kMaxKeywordBoost = 20;
/// What one unit of boost adds per occurrence, in pocketsphinx's path-score units (Debian's
/// en-us model, the decoder's configuration): about one order of magnitude of language-model
/// probability. Close alternatives ("creature" / "krieger", "acne" / "acme") are 50-300 apart.
inline constexpr std::int64_t kKeywordBonus = 150;

struct Keyword {
  std::vector<std::string> words;  ///< lower case, as the decoder writes them
  std::string spelling;            ///< as the assistant wrote it, for the transcript
  int boost = kDefaultKeywordBoost;
};

/// One of the decoder's hypotheses for an utterance: its words, space-separated, lower case.
struct Hypothesis {
  std::string text;
  std::int32_t score = 0;  ///< path score (log domain, higher is better)
};

/// The keywords of a transcriber config; entries that are not strings, empty, or 0-boosted are
/// left out.
std::vector<Keyword> parse_keywords(const boost::json::object& config);

/// Keeps the keywords whose every word `known` accepts, and returns the others' spellings.
std::vector<std::string> drop_unknown_keywords(
    std::vector<Keyword>& keywords, const std::function<bool(const std::string&)>& known);

/// The transcript to report: `best` (the decoder's own choice) unless an alternative's score
/// plus its keyword bonus beats best's score plus its own. best scores at least as well as any
/// alternative (the N-best search is approximate and may list a worse reading of it first). The
/// chosen text has its keywords spelt as written. An empty `best` (nothing heard) stays empty.
std::string choose_transcript(const std::string& best, std::span<const Hypothesis> alternatives,
                              std::span<const Keyword> keywords);

}  // namespace sb::speech
