// libFuzzer target: parse_iso8601/format_iso8601, parse_sip_uri, is_e164, is_relaxed_number,
// nanp_area_code, NumberPool::from_lines, fold_case, ascii_lower and core/utf8 on the same
// bytes. See oracles/text_parsers.hpp.

#include "oracles/report.hpp"
#include "oracles/text_parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sb::fuzz::require(sb::fuzz::check_text_parsers(sb::fuzz::as_text(data, size)),
                    "fuzz_text_parsers");
  return 0;
}
