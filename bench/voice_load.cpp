// Live-call load generator (bench/voice.sh, bench/voice_builtin.sh): N concurrent calls over
// the WebSocket transport against a running server, each a greeting and `turns` turns, with
// the callers and every stand-in — the LLM (custom-llm), a custom transcriber, a custom voice —
// in this one process, on one thread (one io_context). Every caller streams 20 ms frames in
// real time and records the arrival (steady clock) of each frame it is sent.
//
// Reported per N, one Markdown row:
//   - calls completed (greeting + every answer heard, ended cleanly);
//   - outbound pacing lateness: for each run of assistant audio, how late frame k arrives
//     against the run's first frame + (k − 3) × 20 ms (the server may run 3 frames ahead),
//     p50/p99, over the whole run and over the frames that arrived while every call was live
//     (from the last greeting's first frame to the first hang-up: the callers' arrival and
//     departure left out);
//   - the reference, same run: this process's own timer lateness (a 20 ms steady timer's
//     delay), p50/p99 — what this thread adds to every arrival time it records;
//   - latency per turn: the transcriber stand-in's final transcript → the answer's first
//     frame at the caller (every configured wait 0, stand-ins instant); with --phrase, the
//     phrase's last frame written → the answer's first frame;
//   - the server's RSS before the calls and at the peak, per call; the CPU the server, this
//     process and everything else on the machine used over the calls, in % of one core (the
//     last says how much other work disturbed the run).
//
// --phrase FILE (a 16 kHz mono 16-bit WAV): the built-in engines instead of the custom
// transcriber and voice; each turn the caller says the phrase, and the row also counts the
// turns answered within --answer-bound-ms and the user transcripts that contain one of the
// --expect words.
//
// --speech remote: the remote providers' adapters instead, against stand-ins of Deepgram's live
// transcription and ElevenLabs' streaming voice in this process (standins.hpp), with their keys
// in org credentials (POST /credential); Deepgram's is reached through the credential's apiUrl,
// ElevenLabs' (whose apiUrl must be one of ElevenLabs' own) listens on --elevenlabs-port, the
// server started with `--speech-base-url 11labs=http://127.0.0.1:PORT`. Each turn the
// caller says --utterance-ms of a tone; Deepgram's stand-in answers its final (speech_final)
// --transcriber-delay-ms after the last voiced frame it got, ElevenLabs' sends its first byte
// --voice-delay-ms after the request (then the whole answer at once). The latency column is
// then the server-added latency per turn: the caller's last voiced frame written → the
// answer's first frame, less the two configured delays (the LLM stand-in is instant).
//
//   voice_load --base http://127.0.0.1:PORT --key KEY --server-pid PID
//              [--calls 50,100,250] [--turns 3] [--header] [--phrase FILE --decoders N]
//              [--speech remote --elevenlabs-port PORT [--transcriber-delay-ms 250]
//               [--voice-delay-ms 200] [--utterance-ms 800]]
//              [--join-seconds 1] [--no-recording] [--dump FILE]   (every frame's arrival:
//              call index, ms since the run began)

#include <cstdio>
#include <iostream>
#include <map>
#include <regex>

#include <boost/asio/io_context.hpp>

#include "voice_load/caller.hpp"
#include "voice_load/standins.hpp"

namespace bench {
namespace {

using namespace std::chrono_literals;

// The keys the remote stand-ins accept (the org's credentials carry them).
const std::string kDeepgramKey = "bench-deepgram-key";
const std::string kElevenLabsKey = "bench-elevenlabs-key";

struct Options {
  Url base;
  std::string key;
  int server_pid = 0;
  std::vector<int> sizes{50, 100, 250};
  int turns = 3;
  bool header = false;
  int ms_per_char = 30;
  std::string phrase_file;  ///< built-in speech when set
  std::size_t decoders = 0;
  int answer_bound_ms = 1000;
  std::string expect = "what|weather|today";
  int join_ms = 1000;     ///< callers join over this long
  bool recording = true;  ///< artifactPlan.recordingEnabled (Vapi's default: on)
  int quiet_ms = 0;  ///< 0: 300, or 600 with the built-in engines (flite pauses between sentences)
  std::string dump;  ///< a file for every frame's arrival (call, ms since the first call began)
  bool remote = false;             ///< --speech remote: Deepgram and ElevenLabs stand-ins
  int transcriber_delay_ms = 250;  ///< Deepgram: last voiced frame → final (speech_final)
  int voice_delay_ms = 200;        ///< ElevenLabs: request → first byte
  int utterance_ms = 800;          ///< how long the caller speaks each turn (remote)
  int elevenlabs_port = 0;         ///< where ElevenLabs' stand-in listens (0: a free port)
};

Options parse_options(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string> given;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name == "--header") {
      o.header = true;
    } else if (name == "--no-recording") {
      o.recording = false;
    } else if (name.starts_with("--") && i + 1 < argc) {
      given[name.substr(2)] = argv[++i];
    } else {
      throw std::runtime_error("unknown argument " + name);
    }
  }
  auto take = [&](const char* name, auto set) {
    if (auto it = given.find(name); it != given.end()) {
      set(it->second);
      given.erase(it);
    }
  };
  take("base", [&](const std::string& v) { o.base = Url::parse(v); });
  take("key", [&](const std::string& v) { o.key = v; });
  take("server-pid", [&](const std::string& v) { o.server_pid = std::stoi(v); });
  take("calls", [&](const std::string& v) {
    o.sizes.clear();
    std::stringstream list(v);
    for (std::string n; std::getline(list, n, ',');) o.sizes.push_back(std::stoi(n));
  });
  take("turns", [&](const std::string& v) { o.turns = std::stoi(v); });
  take("ms-per-char", [&](const std::string& v) { o.ms_per_char = std::stoi(v); });
  take("phrase", [&](const std::string& v) { o.phrase_file = v; });
  take("decoders", [&](const std::string& v) { o.decoders = std::stoul(v); });
  take("answer-bound-ms", [&](const std::string& v) { o.answer_bound_ms = std::stoi(v); });
  take("expect", [&](const std::string& v) { o.expect = v; });
  take("quiet-ms", [&](const std::string& v) { o.quiet_ms = std::stoi(v); });
  take("dump", [&](const std::string& v) { o.dump = v; });
  take("speech", [&](const std::string& v) {
    if (v != "remote" && v != "custom")
      throw std::runtime_error("--speech is custom (the default) or remote");
    o.remote = v == "remote";
  });
  take("transcriber-delay-ms",
       [&](const std::string& v) { o.transcriber_delay_ms = std::stoi(v); });
  take("voice-delay-ms", [&](const std::string& v) { o.voice_delay_ms = std::stoi(v); });
  take("utterance-ms", [&](const std::string& v) { o.utterance_ms = std::stoi(v); });
  take("elevenlabs-port", [&](const std::string& v) { o.elevenlabs_port = std::stoi(v); });
  take("join-seconds",
       [&](const std::string& v) { o.join_ms = static_cast<int>(std::stod(v) * 1000); });
  if (!given.empty()) throw std::runtime_error("unknown option --" + given.begin()->first);
  if (o.key.empty() || o.server_pid == 0 || o.base.port == 0)
    throw std::runtime_error("--base, --key and --server-pid are required");
  if (o.remote && !o.phrase_file.empty())
    throw std::runtime_error("--speech remote and --phrase do not go together");
  if (o.quiet_ms == 0) o.quiet_ms = o.phrase_file.empty() ? 300 : 600;
  return o;
}

// The samples of a 16 kHz mono 16-bit PCM WAV file, as bytes.
std::string wav_samples(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto u16 = [&](std::size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(file[at]) |
                                 static_cast<unsigned char>(file[at + 1]) << 8);
  };
  auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
  if (file.size() < 12 || file.compare(0, 4, "RIFF") != 0 || file.compare(8, 4, "WAVE") != 0)
    throw std::runtime_error(path + " is not a WAV file");
  bool format_ok = false;
  for (std::size_t at = 12; at + 8 <= file.size();) {
    const std::string id = file.substr(at, 4);
    const std::size_t size = u32(at + 4);
    if (id == "fmt ")
      format_ok =
          u16(at + 8) == 1 && u16(at + 10) == 1 && u32(at + 12) == 16000 && u16(at + 22) == 16;
    if (id == "data") {
      if (!format_ok) throw std::runtime_error(path + " is not 16 kHz mono 16-bit PCM");
      return file.substr(at + 8, std::min(size, file.size() - at - 8));
    }
    at += 8 + size + (size & 1);
  }
  throw std::runtime_error(path + " has no data");
}

// What the calls of one size share.
struct Run {
  std::vector<std::unique_ptr<Caller>> callers;
  std::vector<double> latencies;
  std::size_t answered_in_bound = 0, turns = 0, recognised = 0;
  int pending = 0;
  bool measuring = true;
};

class LoadGenerator {
 public:
  LoadGenerator(asio::io_context& io, Options options)
      : io_(io),
        o_(std::move(options)),
        builtin_(!o_.phrase_file.empty()),
        phrase_(builtin_ ? wav_samples(o_.phrase_file) : std::string()),
        expect_(o_.expect, std::regex::icase),
        transcriber_(io,
                     [this](std::shared_ptr<TranscriberSession> s) { on_session(std::move(s)); }),
        voice_(io,
               [ms = o_.ms_per_char](const auto& request, bool keep_alive) {
                 return voice_answer(request, keep_alive, ms);
               }),
        llm_(io,
             [this](const auto& request, bool keep_alive) {
               return llm_answer(request, keep_alive, ++llm_requests_);
             }),
        deepgram_(
            io,
            [ex = io.get_executor(), delay = std::chrono::milliseconds(o_.transcriber_delay_ms)](
                std::shared_ptr<TranscriberSession> s) {
              asio::co_spawn(ex, deepgram_results(std::move(s), delay), [](std::exception_ptr) {});
            },
            kDeepgramKey, true),
        elevenlabs_(
            io,
            [ms = o_.ms_per_char](const auto& request, bool keep_alive) {
              return elevenlabs_answer(request, keep_alive, ms, kElevenLabsKey);
            },
            std::chrono::milliseconds(o_.voice_delay_ms),
            static_cast<std::uint16_t>(o_.elevenlabs_port)),
        utterance_(o_.remote ? tone(static_cast<std::size_t>(o_.utterance_ms) * 16, 16000)
                             : std::string()),
        all_done_(io.get_executor()) {}

  Task<> main() {
    co_await create_assistant();
    if (builtin_) co_await warm_up();
    if (o_.header) print_header();
    for (std::size_t i = 0; i < o_.sizes.size(); ++i) {
      if (i > 0) co_await sleep_until(Clock::now() + 1s);
      co_await run_size(o_.sizes[i]);
    }
    transcriber_.close();
    voice_.close();
    llm_.close();
    deepgram_.close();
    elevenlabs_.close();
    io_.stop();
  }

 private:
  Task<> create_assistant() {
    json::object assistant{
        {"name", "Bench"},
        {"firstMessage", "Hello, how can I help?"},
        {"model",
         {{"provider", "custom-llm"},
          {"url", "http://127.0.0.1:" + std::to_string(llm_.port()) + "/v1"},
          {"model", "bench"},
          {"messages", json::array{json::object{{"role", "system"}, {"content", "Be quick."}}}}}},
        {"startSpeakingPlan",
         {{"waitSeconds", 0},
          {"transcriptionEndpointingPlan",
           {{"onPunctuationSeconds", 0}, {"onNoPunctuationSeconds", 0}, {"onNumberSeconds", 0}}}}},
        {"serverMessages", json::array{}}};
    if (!o_.recording) assistant["artifactPlan"] = {{"recordingEnabled", false}};
    if (builtin_) {
      assistant["transcriber"] = {{"provider", "vapi"}};
      assistant["voice"] = {{"provider", "vapi"}, {"voiceId", "Elliot"}};
    } else if (o_.remote) {
      co_await create_credential("deepgram", kDeepgramKey, deepgram_.base_url());
      co_await create_credential("11labs", kElevenLabsKey, "");
      assistant["transcriber"] = {{"provider", "deepgram"}, {"model", "nova-2"}};
      assistant["voice"] = {{"provider", "11labs"}, {"voiceId", "bench"}};
    } else {
      assistant["transcriber"] = {{"provider", "custom-transcriber"},
                                  {"server", {{"url", transcriber_.url()}}}};
      assistant["voice"] = {
          {"provider", "custom-voice"},
          {"server", {{"url", "http://127.0.0.1:" + std::to_string(voice_.port()) + "/voice"}}}};
    }
    auto res = co_await http_call(o_.base, http::verb::post, "/assistant",
                                  json::serialize(assistant), o_.key);
    const auto parsed = json::parse(res.body());
    if (res.result_int() != 201 || !parsed.as_object().contains("id"))
      throw std::runtime_error("POST /assistant: " + res.body());
    assistant_id_ = std::string(parsed.at("id").as_string());
  }

  // An org credential for a remote provider: the stand-in's key, and its URL as apiUrl if any.
  Task<> create_credential(std::string_view provider, std::string_view key, std::string url) {
    json::object credential{{"provider", provider}, {"apiKey", key}};
    if (!url.empty()) credential["apiUrl"] = url;
    auto res = co_await http_call(o_.base, http::verb::post, "/credential",
                                  json::serialize(credential), o_.key);
    if (res.result_int() != 201)
      throw std::runtime_error("POST /credential (" + std::string(provider) + "): " + res.body());
  }

  // The built-in decoders load in the background once a call needs them: one short call, then
  // wait until the server's RSS has grown by about 90 MB per decoder (or stopped growing).
  Task<> warm_up() {
    const long before = rss_kb(o_.server_pid);
    Run run;
    run.callers.push_back(std::make_unique<Caller>(io_.get_executor(), 0));
    auto& c = *run.callers[0];
    co_await c.dial(co_await create_call(0), false);
    c.hang_up();
    co_await c.changed.until([&] { return c.finished(); }, Clock::now() + 10s);
    const long want = before + static_cast<long>(o_.decoders) * 85 * 1024;
    long last = 0;
    auto stable_since = Clock::now();
    for (auto give_up = Clock::now() + 120s; Clock::now() < give_up;) {
      co_await sleep_until(Clock::now() + 500ms);
      const long now = rss_kb(o_.server_pid);
      if (now >= want) break;
      if (now != last) stable_since = Clock::now();
      if (now > before + 80 * 1024 && Clock::now() - stable_since > 5s) break;
      last = now;
    }
    std::fprintf(stderr, "decoders loaded: server RSS %ld → %ld MB\n", before / 1024,
                 rss_kb(o_.server_pid) / 1024);
    co_await sleep_until(Clock::now() + 1s);
  }

  Task<std::string> create_call(int index) {
    json::object body{{"assistantId", assistant_id_},
                      {"transport", {{"provider", "vapi.websocket"}}}};
    if (!builtin_ && !o_.remote)
      body["assistantOverrides"] = {
          {"transcriber",
           {{"provider", "custom-transcriber"},
            {"server", {{"url", transcriber_.url() + "/" + std::to_string(index)}}}}}};
    auto res =
        co_await http_call(o_.base, http::verb::post, "/call", json::serialize(body), o_.key);
    if (res.result_int() != 201)
      throw std::runtime_error("POST /call: " + std::to_string(res.result_int()) + " " +
                               res.body());
    const auto call = json::parse(res.body());
    co_return std::string(call.at("transport").at("websocketCallUrl").as_string());
  }

  void on_session(std::shared_ptr<TranscriberSession> session) {
    static const std::regex path(R"(/transcribe/(\d+))");
    std::smatch m;
    if (!run_ || !std::regex_match(session->path(), m, path)) return;
    const auto i = std::stoul(m[1]);
    if (i >= run_->callers.size() || run_->callers[i]->session) return;
    run_->callers[i]->session = std::move(session);
    run_->callers[i]->changed.notify();
  }

  // One call: the greeting, `turns` answers, end-call. Throws on failure.
  Task<> call(Run& run, Caller& c) {
    co_await c.dial(co_await create_call(c.index), builtin_);
    if (!builtin_ && !o_.remote &&
        !co_await c.changed.until([&] { return c.session && c.session->started(); },
                                  Clock::now() + 30s))
      throw std::runtime_error("no transcriber session");
    if (!co_await c.changed.until([&] { return !c.audio.empty() || c.closed; },
                                  Clock::now() + 30s) ||
        c.audio.empty())
      throw std::runtime_error("no greeting");
    const auto quiet = std::chrono::milliseconds(o_.quiet_ms);
    co_await c.quiet(quiet, 20s);
    for (int t = 0; t < o_.turns; ++t) {
      const std::size_t mark = c.audio.size();
      const std::size_t heard = c.heard.size();
      Clock::time_point said;
      if (builtin_) {
        said = co_await c.speak(&phrase_);
      } else if (o_.remote) {
        said = co_await c.speak(&utterance_);
      } else {
        said = Clock::now();
        if (!co_await c.session->say("question " + std::to_string(t) + " of call " +
                                     std::to_string(c.index) + "."))
          throw std::runtime_error("the transcriber session is gone");
      }
      if (!co_await c.changed.until([&] { return c.audio.size() > mark || c.closed; },
                                    Clock::now() + 30s) ||
          c.audio.size() <= mark)
        throw std::runtime_error("no answer " + std::to_string(t));
      // Remote: what the server added, the stand-ins' configured delays taken off.
      const double latency = ms_between(said, c.audio[mark]) -
                             (o_.remote ? o_.transcriber_delay_ms + o_.voice_delay_ms : 0);
      run.latencies.push_back(latency);
      co_await c.quiet(quiet, 20s);
      ++run.turns;
      if (latency <= o_.answer_bound_ms) ++run.answered_in_bound;
      for (std::size_t h = heard; h < c.heard.size(); ++h)
        if (std::regex_search(c.heard[h], expect_)) {
          ++run.recognised;
          break;
        }
    }
    c.hang_up();
    if (!co_await c.changed.until([&] { return c.closed; }, Clock::now() + 10s))
      throw std::runtime_error("the call did not close after end-call");
  }

  // Callers join over --join-seconds (1), as calls arrive in real life, not in one burst.
  Task<> caller(Run& run, Caller& c, Clock::time_point start) {
    co_await sleep_until(start);
    try {
      co_await call(run, c);
    } catch (const std::exception& e) {
      c.error = e.what();
      c.abort();
    }
    co_await c.changed.until([&] { return c.finished(); }, Clock::now() + 10s);
    if (--run.pending == 0) all_done_.notify();
  }

  // The reference: how late a 20 ms steady timer fires on this thread, each wait measured on
  // its own (set again from when it fired, as node's monitorEventLoopDelay does: a stall is one
  // late sample, not a run of catching-up ones).
  Task<> timer_lateness(Run& run, std::vector<double>& out) {
    asio::steady_timer timer(io_);
    while (run.measuring) {
      const auto due = Clock::now() + kFrame;
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
      out.push_back(ms_between(due, Clock::now()));
    }
  }

  Task<> peak_rss(Run& run, long& peak) {
    while (run.measuring) {
      peak = std::max(peak, rss_kb(o_.server_pid));
      co_await sleep_until(Clock::now() + 200ms);
    }
  }

  Task<> run_size(int n) {
    Run run;
    run_ = &run;
    const long before = rss_kb(o_.server_pid);
    long peak = before;
    std::vector<double> lateness;
    const double server_cpu = cpu_seconds(o_.server_pid), own_cpu = cpu_seconds(getpid());
    const double machine_cpu = machine_busy_seconds();
    const auto started = Clock::now();
    auto ex = io_.get_executor();
    asio::co_spawn(ex, timer_lateness(run, lateness), [](std::exception_ptr) {});
    asio::co_spawn(ex, peak_rss(run, peak), [](std::exception_ptr) {});
    run.pending = n;
    for (int i = 0; i < n; ++i) {
      run.callers.push_back(std::make_unique<Caller>(ex, i));
      asio::co_spawn(
          ex,
          caller(run, *run.callers.back(), started + i * std::chrono::milliseconds(o_.join_ms) / n),
          [](std::exception_ptr) {});
    }
    co_await all_done_.until([&] { return run.pending == 0; }, Clock::now() + 10min);
    run.measuring = false;
    const double wall = std::chrono::duration<double>(Clock::now() - started).count();
    const double server_pct = (cpu_seconds(o_.server_pid) - server_cpu) / wall * 100;
    const double own_pct = (cpu_seconds(getpid()) - own_cpu) / wall * 100;
    const double others_pct =
        (machine_busy_seconds() - machine_cpu) / wall * 100 - server_pct - own_pct;
    co_await sleep_until(Clock::now() + 300ms);  // the samplers see `measuring` and stop

    if (!o_.dump.empty()) {
      std::ofstream dump(o_.dump);
      for (const auto& c : run.callers)
        for (const auto at : c->audio) dump << c->index << ' ' << ms_between(started, at) << '\n';
    }
    // The stretch when every call was live: from the last greeting's first frame to the first
    // hang-up.
    auto all_live_from = Clock::time_point::min(), all_live_until = Clock::time_point::max();
    for (const auto& c : run.callers) {
      if (!c->audio.empty()) all_live_from = std::max(all_live_from, c->audio.front());
      all_live_until = std::min(all_live_until, c->hung_up_at);
    }
    std::vector<double> pacing, pacing_all_live;
    int completed = 0;
    std::string first_error;
    for (const auto& c : run.callers) {
      if (!c->error.empty()) {
        if (first_error.empty()) first_error = "call " + std::to_string(c->index) + ": " + c->error;
        continue;
      }
      ++completed;
      pacing_errors(c->audio, pacing, pacing_all_live, all_live_from, all_live_until);
    }
    // p50 / p99 of a list, "-" when it is empty (e.g. no moment when every call was live).
    auto p50_p99 = [](const std::vector<double>& list, int decimals) {
      if (list.empty()) return std::string("-");
      char text[64];
      std::snprintf(text, sizeof text, "%.*f / %.*f", decimals, percentile(list, 50), decimals,
                    percentile(list, 99));
      return std::string(text);
    };
    std::printf("| %d | %d/%d%s | %s | %s | %s | %s |", n, completed, n,
                first_error.empty() ? "" : (" (" + first_error + ")").c_str(),
                p50_p99(pacing, 1).c_str(), p50_p99(pacing_all_live, 1).c_str(),
                p50_p99(lateness, 2).c_str(), p50_p99(run.latencies, 1).c_str());
    if (builtin_)
      std::printf(" %zu/%zu | %zu/%zu |", run.answered_in_bound, run.turns, run.recognised,
                  run.turns);
    std::printf(" %.0f → %.0f | %.0f | %.0f / %.0f / %.0f |\n", before / 1024.0, peak / 1024.0,
                static_cast<double>(peak - before) / n, server_pct, own_pct,
                std::max(0.0, others_pct));
    std::fflush(stdout);
    run_ = nullptr;
  }

  void print_header() {
    std::printf(
        "| calls | completed | pacing lateness p50 / p99 (ms) | while all were live | load "
        "generator timer lateness p50 / p99 (ms) | %s p50 / p99 (ms) |",
        builtin_    ? "end of phrase → answer"
        : o_.remote ? ("server-added latency (end of speech → answer − " +
                       std::to_string(o_.transcriber_delay_ms) + " − " +
                       std::to_string(o_.voice_delay_ms) + " ms)")
                          .c_str()
                    : "turn latency");
    if (builtin_) std::printf(" answered ≤ %d ms | phrase recognised |", o_.answer_bound_ms);
    std::printf(
        " server RSS before → peak (MB) | per call (KB) | CPU server / load gen / rest of the "
        "machine (%%) |\n");
    std::printf("|---|---|---|---|---|---|%s---|---|---|\n", builtin_ ? "---|---|" : "");
  }

  asio::io_context& io_;
  Options o_;
  bool builtin_;
  std::string phrase_;
  std::regex expect_;
  std::uint64_t llm_requests_ = 0;
  TranscriberStandin transcriber_;
  HttpStandin<std::function<std::string(const http::request<http::string_body>&, bool)>> voice_,
      llm_;
  TranscriberStandin deepgram_;
  HttpStandin<std::function<std::string(const http::request<http::string_body>&, bool)>>
      elevenlabs_;
  std::string utterance_;  ///< remote: the caller's speech each turn, a tone
  Signal all_done_;
  std::string assistant_id_;
  Run* run_ = nullptr;
};

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  try {
    auto options = bench::parse_options(argc, argv);
    boost::asio::io_context io(1);
    bench::LoadGenerator load(io, std::move(options));
    std::exception_ptr failure;
    boost::asio::co_spawn(io, load.main(), [&](std::exception_ptr e) {
      failure = e;
      io.stop();
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "voice_load: %s\n", e.what());
    return 1;
  }
  return 0;
}
