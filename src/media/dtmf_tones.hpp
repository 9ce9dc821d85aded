#pragma once
// Keypad tones (DTMF, ITU-T Q.23 frequencies) as audio, for pressing keys on the far end's
// menu in-band: every carrier and transport passes them as they pass speech. Each key is a
// 100 ms tone pair followed by 100 ms of silence (Q.24 asks for at least 40 ms of each); `w`
// is a 0.5 s pause and `W` a 1 s pause, as Vapi's dtmf tool takes them (ivr-navigation).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sb::media {

/// Whether `key` is one dtmf_tones() can play: 0-9, *, #, A-D (any case), w, W.
bool is_dtmf_key(char key);

/// The tones of `keys` at `sample_rate`; keys it cannot play are skipped.
std::vector<std::int16_t> dtmf_tones(std::string_view keys, int sample_rate);

/// The (low, high) frequencies in Hz of a key; nullopt for a pause or an unknown key.
std::optional<std::pair<int, int>> dtmf_frequencies(char key);

}  // namespace sb::media
