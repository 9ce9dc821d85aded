#pragma once
// `switchboard call`: a first call from a terminal, no browser, no telephone. Creates a call
// over the WebSocket transport (POST /call), streams a WAV file as the caller in real time
// (then silence), and writes what the assistant said to a WAV file, until the call ends or the
// time is up.

#include <string>

namespace sb::app {

struct CallOptions {
  std::string base_url = "http://127.0.0.1:3000";
  std::string api_key;
  std::string assistant_id;
  std::string in_wav;  ///< "" = the caller stays silent
  std::string out_wav = "answer.wav";
  unsigned seconds = 30;  ///< hang up after this long
};

/// Returns the process exit code; prints what happens on stderr.
int run_call(const CallOptions& options);

}  // namespace sb::app
