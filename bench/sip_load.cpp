// SIP load generator (bench/sip.sh): N concurrent SIP calls with RTP both ways against a running
// server. sipp (Debian's sip-tester) places the calls in its load mode (-r rate, -l limit,
// -m total, bench/sip/call.xml); this process is everything else, on one thread:
//   - the assistant's stand-ins (custom-llm, custom transcriber, custom voice: voice_load's), the
//     assistant and the `vapi` SIP number the calls reach (its greeting is long enough to talk
//     for the whole call);
//   - the callers' media: ONE UDP socket that every call's SDP names. The server's streams are
//     told apart by their source port; each gets the caller's audio back (a 20 ms PCMU frame per
//     tick of one shared 20 ms grid) to the port it comes from (symmetric RTP).
//
// Why not sipp's own RTP (rtp_stream / play_pcap_audio): sipp does not timestamp what it
// receives, and the server latches its stream to the source of the caller's packets, so a
// separate receiver would not get them. Arrival times come from the kernel (SO_TIMESTAMPNS):
// on loopback that is the moment the server's send went through, not when this thread got to
// it, so the load generator's own scheduling does not show in the numbers.
//
// Per N, one Markdown row:
//   - calls answered / N (sipp's 200s; failures as sipp counts them);
//   - call set-up: INVITE → 200 p50/p99 (sipp's -trace_rtt), and calls set up per second
//     (answers over the span from the first to the last answer, at the offered -r);
//   - outbound pacing error: |inter-arrival − 20 ms| of consecutive packets (sequence + 1,
//     timestamp + 160, no marker) p50/p99/max, over the whole run and while every call was live
//     (from the last stream's first packet to the first stream's last);
//   - packets: the server's lost outbound packets as this side sees them (sequence gaps), and the
//     server's own counters in /metrics read while every call was live (caller packets lost by
//     sequence, outbound frames dropped, datagrams ignored), plus the kernel's drops on the
//     server's RTP sockets (/proc/net/udp) and on this one;
//   - CPU of the server (its one core), of this process and sipp, and of the rest of the machine
//     while every call was live.
//
//   sip_load --base http://127.0.0.1:PORT --key KEY --server-pid PID --sip-port PORT
//            --scenario bench/sip/call.xml [--calls 50,100,200] [--rate 50] [--hold-seconds 20]
//            [--rtp-ports 20000-21999] [--ms-per-char 30] [--header] [--no-recording]

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cstring>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "voice_load/standins.hpp"

namespace bench {
namespace {

using namespace std::chrono_literals;
using udp = asio::ip::udp;
constexpr auto kFrame = 20ms;

struct Options {
  Url base;
  std::string key;
  int server_pid = 0;
  int sip_port = 0;
  std::string scenario;
  std::vector<int> sizes{50, 100, 200};
  int rate = 50;
  int hold_s = 20;
  int rtp_first = 20000, rtp_last = 21999;
  int ms_per_char = 30;
  bool header = false;
  bool recording = true;  ///< artifactPlan.recordingEnabled (Vapi's default: on)
};

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--header" || name == "--no-recording") {
      (name == "--header" ? o.header : o.recording) = name == "--header";
      continue;
    }
    if (i + 1 >= argc) throw std::runtime_error("no value for " + name);
    const std::string v = argv[++i];
    if (name == "--base")
      o.base = Url::parse(v);
    else if (name == "--key")
      o.key = v;
    else if (name == "--server-pid")
      o.server_pid = std::stoi(v);
    else if (name == "--sip-port")
      o.sip_port = std::stoi(v);
    else if (name == "--scenario")
      o.scenario = std::filesystem::absolute(v);
    else if (name == "--rate")
      o.rate = std::stoi(v);
    else if (name == "--hold-seconds")
      o.hold_s = std::stoi(v);
    else if (name == "--ms-per-char")
      o.ms_per_char = std::stoi(v);
    else if (name == "--rtp-ports") {
      const auto dash = v.find('-');
      o.rtp_first = std::stoi(v.substr(0, dash));
      o.rtp_last = std::stoi(v.substr(dash + 1));
    } else if (name == "--calls") {
      o.sizes.clear();
      std::stringstream list(v);
      for (std::string n; std::getline(list, n, ',');) o.sizes.push_back(std::stoi(n));
    } else {
      throw std::runtime_error("unknown argument " + name);
    }
  }
  if (o.key.empty() || o.server_pid == 0 || o.base.port == 0 || o.sip_port == 0 ||
      o.scenario.empty())
    throw std::runtime_error("--base, --key, --server-pid, --sip-port and --scenario are required");
  return o;
}

/// G.711 μ-law of one 16-bit sample (ITU-T G.711, as the server's media/g711 encodes).
std::uint8_t mulaw(std::int16_t sample) {
  constexpr int kBias = 0x84, kClip = 32635;
  int s = sample;
  const int sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s = std::min(s, kClip) + kBias;
  int exponent = 7;
  for (int mask = 0x4000; !(s & mask) && exponent > 0; mask >>= 1) --exponent;
  const int mantissa = (s >> (exponent + 3)) & 0x0f;
  return static_cast<std::uint8_t>(~(sign | exponent << 4 | mantissa));
}

/// One stream the server sends (one call), keyed by its source port.
struct Stream {
  udp::endpoint from;
  std::int64_t first_ns = 0, last_ns = 0;  ///< kernel arrival times (CLOCK_REALTIME)
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::uint64_t received = 0, gaps = 0;  ///< gaps: packets missing by sequence number
  // What this side sends back.
  std::uint16_t out_seq = 0;
  std::uint32_t out_ts = 0;
  std::uint32_t out_ssrc = 0;
};

/// One interval sample: when it ended and its |interval − 20 ms| in ms.
struct Sample {
  std::int64_t at_ns;
  double error_ms;
};

/// The callers' media side: one socket, every stream.
class Media {
 public:
  explicit Media(asio::io_context& io)
      : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    const int on = 1, buffer = 8 << 20;
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    // FORCE (root) passes rmem_max; otherwise the plain request is capped by it.
    if (setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer))
      setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    if (setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer))
      setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    socket_.non_blocking(true);
    // The caller's audio: a quiet 440 Hz tone, one 20 ms frame that repeats seamlessly.
    for (int i = 0; i < 160; ++i)
      frame_[i] = mulaw(
          static_cast<std::int16_t>(2000 * std::sin(2 * std::numbers::pi * 440 * i / 8000.0)));
  }
  std::uint16_t port() const { return socket_.local_endpoint().port(); }

  void start(asio::io_context& io) {
    asio::co_spawn(io, receive(), [](std::exception_ptr) {});
    asio::co_spawn(io, send(), [](std::exception_ptr) {});
  }
  void stop() {
    stopped_ = true;
    error_code ignored;
    socket_.close(ignored);
  }
  /// A new run: forget the streams and samples of the last one.
  void reset() {
    streams_.clear();
    samples_.clear();
  }
  const std::unordered_map<std::uint16_t, Stream>& streams() const { return streams_; }
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  Task<> receive() {
    std::array<char, 2048> data;
    std::array<char, 256> control;
    while (!stopped_) {
      auto [ec] = co_await socket_.async_wait(udp::socket::wait_read, kTuple);
      if (ec) co_return;
      for (;;) {
        sockaddr_in from{};
        iovec io{data.data(), data.size()};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &io;
        msg.msg_iovlen = 1;
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        const auto n = recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT);
        if (n < 0) break;
        std::int64_t at = 0;
        for (auto* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec t;
            std::memcpy(&t, CMSG_DATA(c), sizeof t);
            at = static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
          }
        if (n >= 12 && at != 0)
          packet(reinterpret_cast<const std::uint8_t*>(data.data()), from, at);
      }
    }
  }

  void packet(const std::uint8_t* p, const sockaddr_in& from, std::int64_t at) {
    if ((p[0] >> 6) != 2 || (p[1] & 0x7f) >= 72) return;  // not RTP audio (RTCP has 200+)
    const bool marker = p[1] & 0x80;
    const std::uint16_t seq = static_cast<std::uint16_t>(p[2] << 8 | p[3]);
    const std::uint32_t ts = static_cast<std::uint32_t>(p[4]) << 24 | p[5] << 16 | p[6] << 8 | p[7];
    const std::uint16_t port = ntohs(from.sin_port);
    auto [it, fresh] = streams_.try_emplace(port);
    Stream& s = it->second;
    if (fresh) {
      s.from = udp::endpoint(asio::ip::address_v4(ntohl(from.sin_addr.s_addr)), port);
      s.first_ns = at;
      s.out_ssrc = 0x5eed0000u + port;
    } else {
      const auto ahead = static_cast<std::uint16_t>(seq - s.seq);
      if (ahead == 0 || ahead > 0x8000) return;  // a duplicate or a late one: not counted
      s.gaps += ahead - 1u;
      if (ahead == 1 && !marker && ts - s.ts == 160)
        samples_.push_back({at, std::abs(static_cast<double>(at - s.last_ns) / 1e6 - 20.0)});
    }
    s.seq = seq;
    s.ts = ts;
    s.last_ns = at;
    ++s.received;
  }

  /// Every 20 ms (one grid, not drifting), one frame to each stream heard from in the last
  /// second; sendto on the non-blocking socket (a full buffer would count as a failure).
  Task<> send() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto due = Clock::now();
    std::array<std::uint8_t, 172> packet{};
    packet[0] = 0x80;
    std::memcpy(packet.data() + 12, frame_.data(), 160);
    while (!stopped_) {
      due += kFrame;
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
      timespec now;
      clock_gettime(CLOCK_REALTIME, &now);
      const std::int64_t now_ns =
          static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
      for (auto& [port, s] : streams_) {
        if (now_ns - s.last_ns > 1'000'000'000) continue;
        packet[1] = s.out_seq == 0 ? 0x80 : 0;  // PCMU, the first with the marker
        packet[2] = static_cast<std::uint8_t>(s.out_seq >> 8);
        packet[3] = static_cast<std::uint8_t>(s.out_seq);
        for (int b = 0; b < 4; ++b) {
          packet[4 + b] = static_cast<std::uint8_t>(s.out_ts >> (24 - 8 * b));
          packet[8 + b] = static_cast<std::uint8_t>(s.out_ssrc >> (24 - 8 * b));
        }
        error_code ec;
        socket_.send_to(asio::buffer(packet), s.from, 0, ec);
        if (ec) ++send_failures;
        ++s.out_seq;
        s.out_ts += 160;
      }
    }
  }

 public:
  std::uint64_t send_failures = 0;

 private:
  udp::socket socket_;
  std::array<std::uint8_t, 160> frame_{};
  std::unordered_map<std::uint16_t, Stream> streams_;
  std::vector<Sample> samples_;
  bool stopped_ = false;
};

/// Kernel drops (/proc/net/udp's last column) of UDP sockets whose local port is in [first, last].
std::uint64_t udp_drops(int first, int last) {
  std::ifstream in("/proc/net/udp");
  std::string line;
  std::getline(in, line);  // the header
  std::uint64_t drops = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, field;
    fields >> slot >> local;
    const int port = std::stoi(local.substr(local.find(':') + 1), nullptr, 16);
    std::string last_field;
    while (fields >> field) last_field = field;
    if (port >= first && port <= last) drops += std::stoull(last_field);
  }
  return drops;
}

/// Sum of a per-call gauge family in a /metrics text.
std::uint64_t metric_sum(const std::string& text, const std::string& name) {
  std::uint64_t sum = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(name + "{") || line.starts_with(name + " "))
      sum += std::stoull(line.substr(line.rfind(' ') + 1));
  return sum;
}

double ms_since(Clock::time_point from) {
  return ms_between(from, Clock::now());
}

class LoadGenerator {
 public:
  LoadGenerator(asio::io_context& io, Options options)
      : io_(io),
        o_(std::move(options)),
        media_(io),
        transcriber_(io, [](std::shared_ptr<TranscriberSession>) {}),
        voice_(io,
               [ms = o_.ms_per_char](const auto& request, bool keep_alive) {
                 return voice_answer(request, keep_alive, ms);
               }),
        llm_(io, [this](const auto& request, bool keep_alive) {
          return llm_answer(request, keep_alive, ++llm_requests_);
        }) {}

  Task<> main() {
    co_await create_number();
    media_.start(io_);
    if (o_.header) print_header();
    for (std::size_t i = 0; i < o_.sizes.size(); ++i) {
      if (i > 0) co_await sleep_until(Clock::now() + 2s);
      co_await run_size(o_.sizes[i]);
    }
    media_.stop();
    transcriber_.close();
    voice_.close();
    llm_.close();
    io_.stop();
  }

 private:
  // The assistant talks for the whole call: a greeting of sentences that the custom voice says
  // at ms_per_char (30 ms: 2,000 characters are a minute), and the caller is never answered.
  Task<> create_number() {
    std::string greeting;
    const double call_s =
        o_.hold_s + 10.0 +
        *std::max_element(o_.sizes.begin(), o_.sizes.end()) / static_cast<double>(o_.rate);
    while (greeting.size() * o_.ms_per_char < call_s * 1000)
      greeting += "This is the benchmark greeting, one sentence of many. ";
    json::object assistant{
        {"name", "SIP bench"},
        {"firstMessage", greeting},
        {"silenceTimeoutSeconds", 600},
        {"model",
         {{"provider", "custom-llm"},
          {"url", "http://127.0.0.1:" + std::to_string(llm_.port()) + "/v1"},
          {"model", "bench"},
          {"messages", json::array{json::object{{"role", "system"}, {"content", "Be quick."}}}}}},
        {"transcriber",
         {{"provider", "custom-transcriber"}, {"server", {{"url", transcriber_.url()}}}}},
        {"voice",
         {{"provider", "custom-voice"},
          {"server", {{"url", "http://127.0.0.1:" + std::to_string(voice_.port()) + "/voice"}}}}},
        {"serverMessages", json::array{}}};
    if (!o_.recording) assistant["artifactPlan"] = {{"recordingEnabled", false}};
    const auto id = co_await create("/assistant", assistant);
    json::object number{{"provider", "vapi"}, {"sipUri", "sip:bench@127.0.0.1"}};
    number["assistantId"] = id;
    co_await create("/phone-number", number);
  }

  Task<std::string> create(const std::string& path, const json::object& body) {
    auto res = co_await http_call(o_.base, http::verb::post, path, json::serialize(body), o_.key);
    error_code ec;
    const auto parsed = json::parse(res.body(), ec);
    if (res.result_int() != 201 || ec || !parsed.as_object().contains("id"))
      throw std::runtime_error("POST " + path + ": " + res.body());
    co_return std::string(parsed.at("id").as_string());
  }

  /// sipp in load mode, in `dir`: n calls at o_.rate per second, each held `hold_ms` after its
  /// answer, then BYE. Its pid.
  pid_t start_sipp(int n, int hold_ms, const std::string& dir) {
    std::vector<std::string> args{"sipp",
                                  "127.0.0.1:" + std::to_string(o_.sip_port),
                                  "-sf",
                                  o_.scenario,
                                  "-s",
                                  "bench",
                                  "-i",
                                  "127.0.0.1",
                                  "-t",
                                  "u1",
                                  "-m",
                                  std::to_string(n),
                                  "-l",
                                  std::to_string(n),
                                  "-r",
                                  std::to_string(o_.rate),
                                  "-d",
                                  std::to_string(hold_ms),
                                  "-key",
                                  "rtp_port",
                                  std::to_string(media_.port()),
                                  "-nostdin",
                                  "-timeout",
                                  std::to_string(hold_ms / 1000 + 120) + "s",
                                  "-trace_rtt",
                                  "-rtt_freq",
                                  "1",
                                  "-trace_stat",
                                  "-trace_err",
                                  "-max_socket",
                                  "10000"};
    const pid_t pid = fork();
    if (pid == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      const int null = open("/dev/null", O_WRONLY);
      const int errors = open("stderr.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(null, 1);
      dup2(errors, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("sipp", argv.data());
      _exit(127);
    }
    if (pid < 0) throw std::runtime_error("fork failed");
    return pid;
  }

  Task<> run_size(int n) {
    media_.reset();
    const double ramp_s = static_cast<double>(n) / o_.rate;
    const int hold_ms = static_cast<int>((ramp_s + o_.hold_s) * 1000);
    const std::string dir = std::filesystem::temp_directory_path() /
                            ("sip-load-" + std::to_string(getpid()) + "-" + std::to_string(n));
    std::filesystem::create_directories(dir);
    const auto started = Clock::now();
    const pid_t sipp = start_sipp(n, hold_ms, dir);

    // Every call is up a little after the ramp; measure CPU from then to 80 % of the hold, and
    // read the server's counters at that point (every stream still live).
    co_await sleep_until(started +
                         std::chrono::milliseconds(static_cast<int>(ramp_s * 1000) + 2000));
    const double live_from_ms = ms_since(started);
    const double s0 = cpu_seconds(o_.server_pid), l0 = cpu_seconds(getpid()) + cpu_seconds(sipp),
                 m0 = machine_busy_seconds();
    co_await sleep_until(
        started + std::chrono::milliseconds(static_cast<int>(ramp_s * 1000 + o_.hold_s * 800)));
    const double live_s = (ms_since(started) - live_from_ms) / 1000;
    const double s1 = cpu_seconds(o_.server_pid), l1 = cpu_seconds(getpid()) + cpu_seconds(sipp),
                 m1 = machine_busy_seconds();
    const auto metrics = co_await http_call(o_.base, http::verb::get, "/metrics", "", o_.key);
    const std::string& m = metrics.body();
    const auto active = metric_sum(m, "switchboard_rtp_streams_active");
    const std::uint64_t lost_in = metric_sum(m, "switchboard_rtp_packets_lost"),
                        dropped_out = metric_sum(m, "switchboard_rtp_frames_dropped"),
                        ignored = metric_sum(m, "switchboard_rtp_packets_ignored"),
                        late_in = metric_sum(m, "switchboard_rtp_jitter_buffer_dropped");
    const auto kernel_server = udp_drops(o_.rtp_first, o_.rtp_last);
    const auto kernel_own = udp_drops(media_.port(), media_.port());

    int status = 0;
    while (waitpid(sipp, &status, WNOHANG) == 0) co_await sleep_until(Clock::now() + 100ms);
    const auto setup = read_setup(dir);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::ifstream errors(dir + "/stderr.log");
      std::cerr << "sipp (" << n << " calls): " << errors.rdbuf() << '\n';
    }
    std::filesystem::remove_all(dir);

    // The stretch when every call was live, and the pacing error over it.
    std::int64_t all_from = 0, all_until = INT64_MAX;
    std::uint64_t gaps = 0;
    for (const auto& [port, s] : media_.streams()) {
      all_from = std::max(all_from, s.first_ns);
      all_until = std::min(all_until, s.last_ns);
      gaps += s.gaps;
    }
    std::vector<double> all, live;
    for (const auto& x : media_.samples()) {
      all.push_back(x.error_ms);
      if (x.at_ns >= all_from && x.at_ns <= all_until) live.push_back(x.error_ms);
    }
    auto pct = [](const std::vector<double>& list) {
      if (list.empty()) return std::string("-");
      char text[64];
      std::snprintf(text, sizeof text, "%.2f / %.2f / %.1f", percentile(list, 50),
                    percentile(list, 99), *std::max_element(list.begin(), list.end()));
      return std::string(text);
    };
    const std::string sipp_status =
        WIFEXITED(status) && WEXITSTATUS(status) == 0
            ? ""
            : " (sipp exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    std::printf(
        "| %d | %zu/%d%s | %zu | %.0f | %s | %s | %s | %llu | %llu / %llu / %llu / %llu | %llu / "
        "%llu | "
        "%.0f / %.0f / %.0f |\n",
        n, setup.answered, n, sipp_status.c_str(), media_.streams().size(), setup.per_second,
        setup.latency.c_str(), pct(all).c_str(), pct(live).c_str(),
        static_cast<unsigned long long>(gaps), static_cast<unsigned long long>(lost_in),
        static_cast<unsigned long long>(late_in), static_cast<unsigned long long>(dropped_out),
        static_cast<unsigned long long>(ignored), static_cast<unsigned long long>(kernel_server),
        static_cast<unsigned long long>(kernel_own), (s1 - s0) / live_s * 100,
        (l1 - l0) / live_s * 100,
        std::max(0.0,
                 (m1 - m0) / live_s * 100 - (s1 - s0) / live_s * 100 - (l1 - l0) / live_s * 100));
    if (active != static_cast<std::uint64_t>(n))
      std::fprintf(stderr, "note: %llu RTP streams were live at the /metrics reading, not %d\n",
                   static_cast<unsigned long long>(active), n);
    if (media_.send_failures)
      std::fprintf(stderr, "note: %llu caller packets could not be sent\n",
                   static_cast<unsigned long long>(media_.send_failures));
    std::fflush(stdout);
  }

  struct Setup {
    std::size_t answered = 0;
    double per_second = 0;
    std::string latency = "-";
  };

  /// sipp's -trace_rtt file (`date_ms;response_time_ms;rtd_no` per answered INVITE).
  static Setup read_setup(const std::string& dir) {
    Setup out;
    std::vector<double> times, latencies;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.path().string().ends_with("_rtt.csv")) continue;
      std::ifstream in(entry.path());
      std::string line;
      std::getline(in, line);  // the header
      while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string date, rtt;
        if (!std::getline(fields, date, ';') || !std::getline(fields, rtt, ';')) continue;
        times.push_back(std::stod(date));
        latencies.push_back(std::stod(rtt));
      }
    }
    out.answered = latencies.size();
    if (times.size() > 1) {
      const auto [lo, hi] = std::minmax_element(times.begin(), times.end());
      out.per_second = static_cast<double>(times.size() - 1) / ((*hi - *lo) / 1000);
    }
    if (!latencies.empty()) {
      char text[64];
      std::snprintf(text, sizeof text, "%.1f / %.1f", percentile(latencies, 50),
                    percentile(latencies, 99));
      out.latency = text;
    }
    return out;
  }

  void print_header() {
    std::printf(
        "| calls | answered | streams heard | set up per s (offered %d) | INVITE → 200 p50 / p99 "
        "(ms) | pacing error p50 / p99 / max (ms) | while all were live | outbound lost (seq "
        "gaps) | server: caller packets lost / late or overflowed / frames dropped / ignored | "
        "kernel drops: server / "
        "load gen | CPU server / load gen + sipp / rest (%%) |\n",
        o_.rate);
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  }

  asio::io_context& io_;
  Options o_;
  Media media_;
  std::uint64_t llm_requests_ = 0;
  TranscriberStandin transcriber_;
  HttpStandin<std::function<std::string(const http::request<http::string_body>&, bool)>> voice_,
      llm_;
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
    std::fprintf(stderr, "sip_load: %s\n", e.what());
    return 1;
  }
  return 0;
}
