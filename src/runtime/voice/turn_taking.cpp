#include "runtime/voice/turn_taking.hpp"

#include <cctype>
#include <cmath>
#include <optional>
#include <regex>

#include "core/json_fields.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

milliseconds seconds_at(const json::object& o, std::string_view key, milliseconds fallback) {
  const double seconds = number_at(o, key, -1);
  if (seconds < 0) return fallback;
  return milliseconds(static_cast<std::int64_t>(std::lround(seconds * 1000)));
}

// The plan's phrases, or Vapi's defaults when it names none (an explicit [] means none).
std::vector<std::string> phrases_at(const json::object& plan, std::string_view key,
                                    std::initializer_list<const char*> defaults) {
  std::vector<std::string> out;
  if (const auto* list = array_at(plan, key)) {
    for (const auto& v : *list)
      if (const auto* s = v.if_string()) out.push_back(normalize_words(*s));
    return out;
  }
  for (const auto* d : defaults) out.push_back(normalize_words(d));
  return out;
}

std::vector<std::string_view> words_of(std::string_view normalized) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < normalized.size()) {
    auto end = normalized.find(' ', start);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > start) words.push_back(normalized.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace

struct EndpointingRule {
  std::optional<std::regex> assistant, customer;
  milliseconds timeout{0};

  bool matches(std::string_view assistant_text, std::string_view customer_text) const {
    auto test = [](const std::optional<std::regex>& re, std::string_view text) {
      return !re || std::regex_search(text.begin(), text.end(), *re);
    };
    return test(assistant, assistant_text) && test(customer, customer_text);
  }
};

struct EndpointingRules {
  std::vector<EndpointingRule> rules;
};

namespace {

// A rule's regex as JavaScript's RegExp.test runs it, with its regexOptions (ignore-case,
// whole-word, multi-line); nullopt when it does not compile.
std::optional<std::regex> compile(std::string_view pattern, const json::array* options) {
  auto flags = std::regex::ECMAScript;
  std::string source(pattern);
  if (options)
    for (const auto& o : *options) {
      const auto* option = o.if_object();
      if (!option || !bool_at(*option, "enabled", false)) continue;
      const auto type = string_at(*option, "type");
      if (type == "ignore-case") flags |= std::regex::icase;
      if (type == "multi-line") flags |= std::regex::multiline;
      if (type == "whole-word") source = "\\b(?:" + source + ")\\b";
    }
  try {
    return std::regex(source, flags);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

std::shared_ptr<const EndpointingRules> rules_of(const json::array& list) {
  auto out = std::make_shared<EndpointingRules>();
  for (const auto& r : list) {
    const auto* rule = r.if_object();
    if (!rule) continue;
    EndpointingRule compiled;
    compiled.timeout = seconds_at(*rule, "timeoutSeconds", milliseconds(0));
    const auto type = string_at(*rule, "type");
    bool ok = true;
    if (type == "assistant" || type == "customer") {
      auto re = compile(string_at(*rule, "regex"), array_at(*rule, "regexOptions"));
      ok = re.has_value();
      (type == "assistant" ? compiled.assistant : compiled.customer) = std::move(re);
    } else if (type == "both") {
      compiled.assistant =
          compile(string_at(*rule, "assistantRegex"), array_at(*rule, "assistantRegexOptions"));
      compiled.customer =
          compile(string_at(*rule, "customerRegex"), array_at(*rule, "customerRegexOptions"));
      ok = compiled.assistant && compiled.customer;
    } else {
      ok = false;
    }
    if (ok) out->rules.push_back(std::move(compiled));
  }
  return out->rules.empty() ? nullptr : out;
}

}  // namespace

StartSpeakingPlan StartSpeakingPlan::of(const json::object& assistant) {
  StartSpeakingPlan plan;
  const auto* start = object_at(assistant, "startSpeakingPlan");
  if (!start) return plan;
  plan.wait = seconds_at(*start, "waitSeconds", plan.wait);
  if (const auto* rules = array_at(*start, "customEndpointingRules")) plan.rules = rules_of(*rules);
  if (const auto* smart = object_at(*start, "smartEndpointingPlan");
      smart && string_at(*smart, "provider") == "custom-endpointing-model") {
    plan.custom_model = true;
    if (const auto* server = object_at(*smart, "server")) plan.model_server = *server;
  }
  if (const auto* t = object_at(*start, "transcriptionEndpointingPlan")) {
    plan.on_punctuation = seconds_at(*t, "onPunctuationSeconds", plan.on_punctuation);
    plan.on_no_punctuation = seconds_at(*t, "onNoPunctuationSeconds", plan.on_no_punctuation);
    plan.on_number = seconds_at(*t, "onNumberSeconds", plan.on_number);
  }
  return plan;
}

StopSpeakingPlan StopSpeakingPlan::of(const json::object& assistant) {
  static const json::object kEmpty;
  const auto* stop = object_at(assistant, "stopSpeakingPlan");
  const auto& o = stop ? *stop : kEmpty;
  StopSpeakingPlan plan;
  plan.num_words = static_cast<int>(int_at(o, "numWords", 0));
  plan.voice = seconds_at(o, "voiceSeconds", plan.voice);
  plan.backoff = seconds_at(o, "backoffSeconds", plan.backoff);
  plan.acknowledgements =
      phrases_at(o, "acknowledgementPhrases",
                 {"i understand", "i see", "i got it",  "i hear you", "im listening", "im with you",
                  "right",        "okay",  "ok",        "sure",       "alright",      "got it",
                  "understood",   "yeah",  "yes",       "uh-huh",     "mm-hmm",       "gotcha",
                  "mhmm",         "ah",    "yeah okay", "yeah sure"});
  plan.interruptions = phrases_at(
      o, "interruptionPhrases", {"stop", "shut", "up",        "enough", "quiet", "silence", "but",
                                 "dont", "not",  "no",        "hold",   "wait",  "cut",     "pause",
                                 "nope", "nah",  "nevermind", "never",  "bad",   "actually"});
  return plan;
}

std::optional<milliseconds> rule_wait(const StartSpeakingPlan& plan, std::string_view customer_text,
                                      std::string_view last_assistant_text) {
  if (plan.rules)
    for (const auto& rule : plan.rules->rules)
      if (rule.matches(last_assistant_text, customer_text)) return rule.timeout;
  return std::nullopt;
}

milliseconds endpoint_wait(const StartSpeakingPlan& plan, std::string_view final_text,
                           bool transcriber_end_of_turn, std::string_view last_assistant_text) {
  if (const auto ruled = rule_wait(plan, final_text, last_assistant_text)) return *ruled;
  if (transcriber_end_of_turn) return milliseconds(0);
  auto end = final_text.find_last_not_of(" \t\r\n");
  if (end == std::string_view::npos) return plan.on_no_punctuation;
  const char last = final_text[end];
  if (last == '.' || last == '!' || last == '?') return plan.on_punctuation;
  if (std::isdigit(static_cast<unsigned char>(last))) return plan.on_number;
  return plan.on_no_punctuation;
}

std::string normalize_words(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'') continue;
    // Letters, digits, UTF-8 bytes and the hyphen of "uh-huh" belong to words.
    if (std::isalnum(u) || u >= 0x80 || c == '-') {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(std::tolower(u));
    } else {
      space = true;
    }
  }
  return out;
}

bool contains_phrase(std::string_view text, std::string_view phrase) {
  if (phrase.empty()) return false;
  for (auto at = text.find(phrase); at != std::string_view::npos; at = text.find(phrase, at + 1)) {
    const bool starts = at == 0 || text[at - 1] == ' ';
    const auto end = at + phrase.size();
    const bool ends = end == text.size() || text[end] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

bool only_acknowledgements(const StopSpeakingPlan& plan, std::string_view transcript) {
  const auto text = normalize_words(transcript);
  const auto words = words_of(text);
  if (words.empty()) return false;
  // Greedy cover of the words by phrases, longest phrase first at each position.
  std::size_t i = 0;
  while (i < words.size()) {
    std::size_t best = 0;
    for (const auto& phrase : plan.acknowledgements) {
      const auto parts = words_of(phrase);
      if (parts.empty() || i + parts.size() > words.size() || parts.size() <= best) continue;
      bool match = true;
      for (std::size_t k = 0; k < parts.size() && match; ++k) match = parts[k] == words[i + k];
      if (match) best = parts.size();
    }
    if (best == 0) return false;
    i += best;
  }
  return true;
}

BargeIn barge_in(const StopSpeakingPlan& plan, milliseconds voiced, std::string_view transcript) {
  const auto text = normalize_words(transcript);
  for (const auto& phrase : plan.interruptions)
    if (contains_phrase(text, phrase)) return BargeIn::kInterrupt;
  if (!text.empty() && only_acknowledgements(plan, text)) return BargeIn::kNone;
  if (plan.num_words <= 0) return voiced >= plan.voice ? BargeIn::kInterrupt : BargeIn::kNone;
  const auto words = words_of(text).size();
  return words >= static_cast<std::size_t>(plan.num_words) ? BargeIn::kInterrupt : BargeIn::kNone;
}

}  // namespace sb::voice
