#pragma once
// The built-in engines speak US English only; a configuration naming another language is
// refused when the call is created, not discovered by the caller as gibberish.

#include <string_view>

#include <boost/json/object.hpp>

namespace sb::speech {

/// "en", "en-US", "en_GB", "EN-au": any English tag.
bool is_english(std::string_view language);

/// Throws ApiError 400 when `config` names a language that is not English in `language` (or,
/// for a transcriber, any entry of `languages`). `field` is where the config sits
/// ("transcriber", "voice"), `engine` what refuses ("built-in transcriber"). Absent,
/// and the values in `also_accepted` (e.g. "auto"), pass.
void require_english(const boost::json::object& config, std::string_view field,
                     std::string_view engine, std::string_view also_accepted = {});

}  // namespace sb::speech
