#include "runtime/speech/english_only.hpp"

#include <cctype>
#include <string>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {

bool is_english(std::string_view language) {
  if (language.size() < 2) return false;
  const bool en = std::tolower(static_cast<unsigned char>(language[0])) == 'e' &&
                  std::tolower(static_cast<unsigned char>(language[1])) == 'n';
  return en && (language.size() == 2 || language[2] == '-' || language[2] == '_');
}

namespace {

void check_one(std::string_view language, std::string_view where, std::string_view engine,
               std::string_view also_accepted) {
  if (is_english(language) || (!also_accepted.empty() && language == also_accepted)) return;
  throw ApiError::bad_request(std::string(where) + " \"" + std::string(language) +
                              "\" is not supported: the " + std::string(engine) +
                              " speaks English only (use \"en\" or another speech provider)");
}

}  // namespace

void require_english(const boost::json::object& config, std::string_view field,
                     std::string_view engine, std::string_view also_accepted) {
  if (const auto* language = config.if_contains("language"); language && language->is_string()) {
    check_one(language->get_string(), std::string(field) + ".language", engine, also_accepted);
  }
  if (const auto* languages = array_at(config, "languages")) {
    for (const auto& language : *languages) {
      if (language.is_string()) {
        check_one(language.get_string(), std::string(field) + ".languages", engine, also_accepted);
      }
    }
  }
}

}  // namespace sb::speech
