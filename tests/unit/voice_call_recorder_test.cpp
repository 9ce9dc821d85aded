// The call recorder's alignment on the call's clock (a manual clock: every arrival at a known
// time) and the recording disk: files finished and parseable, a full queue drops, never blocks.

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <future>
#include <sstream>

#include "core/manual_clock.hpp"
#include "media/wav.hpp"
#include "runtime/voice/call_recorder.hpp"
#include "runtime/voice/recording_disk.hpp"
#include "temp_directory.hpp"

namespace sb::voice {
namespace {

using std::chrono::milliseconds;
constexpr std::size_t kFrame = 320;  // 20 ms at 16 kHz

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::int16_t> samples_of(const media::WavData& wav) {
  std::vector<std::int16_t> out(wav.samples.size() / 2);
  std::memcpy(out.data(), wav.samples.data(), out.size() * 2);
  return out;
}

std::vector<std::int16_t> tone(std::size_t n, std::int16_t value) {
  return std::vector<std::int16_t>(n, value);
}

class CallRecorderTest : public ::testing::Test {
 protected:
  CallRecorderTest() : dir_("recorder") {
    paths_ = {(dir_.path() / "stereo.wav").string(), (dir_.path() / "mono.wav").string(),
              (dir_.path() / "customer.wav").string(), (dir_.path() / "assistant.wav").string()};
  }

  std::unique_ptr<CallRecorder> recorder(RecorderOptions options = {}) {
    return std::make_unique<CallRecorder>(disk_, paths_, clock_.steady_now(), boost::json::object{},
                                          options);
  }
  // Waits for the disk to have done everything queued so far.
  void settle() {
    std::promise<void> done;
    disk_->after_queued([&done] { done.set_value(); });
    done.get_future().wait();
  }
  media::WavData wav(const std::string& path) {
    files_.push_back(read_file(path));
    auto parsed = media::parse_wav(files_.back());
    EXPECT_TRUE(parsed) << path;
    return parsed.value_or(media::WavData{});
  }
  // Sends 20 ms customer frames of `value` from `from` for `count` frames, ticking as it goes.
  void customer_frames(CallRecorder& r, std::int16_t value, int count) {
    const auto frame = tone(kFrame, value);
    for (int i = 0; i < count; ++i) {
      clock_.advance(milliseconds(20));
      r.customer(frame, clock_.steady_now());
      r.tick(clock_.steady_now());
    }
  }

  test::TempDirectory dir_;
  ManualClock clock_;
  std::shared_ptr<RecordingDisk> disk_ = std::make_shared<RecordingDisk>();
  RecordingPaths paths_;
  std::deque<std::string> files_;
};

TEST_F(CallRecorderTest, AudioLandsAtTheSampleOffsetOfItsArrival) {
  auto r = recorder();
  const auto start = clock_.steady_now();
  // Customer speaks at 1 s, the assistant at 2 s; nothing else arrives, the tick runs.
  for (int ms = 20; ms <= 3000; ms += 20) {
    clock_.advance(milliseconds(20));
    const auto t = clock_.steady_now();
    if (t - start == milliseconds(1000)) r->customer(tone(kFrame, 1000), t);
    if (t - start == milliseconds(2000)) r->assistant(tone(kFrame, 2000), t);
    r->tick(t);
  }
  r->finish(clock_.steady_now());
  settle();

  const auto stereo = wav(paths_.stereo);
  EXPECT_EQ(stereo.format.channels, 2);
  EXPECT_EQ(stereo.format.sample_rate, 16000);
  const auto s = samples_of(stereo);
  ASSERT_EQ(s.size(), 2u * 48000);  // 3 s
  for (std::size_t i = 0; i < 48000; ++i) {
    const bool customer = i >= 16000 && i < 16000 + kFrame;
    const bool assistant = i >= 32000 && i < 32000 + kFrame;
    ASSERT_EQ(s[2 * i], customer ? 1000 : 0) << "left at " << i;
    ASSERT_EQ(s[2 * i + 1], assistant ? 2000 : 0) << "right at " << i;
  }
  const auto mono = samples_of(wav(paths_.mono));
  ASSERT_EQ(mono.size(), 48000u);
  EXPECT_EQ(mono[16000], 1000);
  EXPECT_EQ(mono[32000], 2000);
  const auto customer = samples_of(wav(paths_.customer));
  const auto assistant = samples_of(wav(paths_.assistant));
  ASSERT_EQ(customer.size(), 48000u);
  ASSERT_EQ(assistant.size(), 48000u);
  EXPECT_EQ(customer[16000], 1000);
  EXPECT_EQ(customer[32000], 0);
  EXPECT_EQ(assistant[32000], 2000);
  EXPECT_EQ(assistant[16000], 0);
}

TEST_F(CallRecorderTest, ASilentChannelIsPaddedAndAContinuousOneIsNotHeldBack) {
  auto r = recorder();
  customer_frames(*r, 500, 100);  // 2 s of customer audio, the assistant silent throughout
  r->finish(clock_.steady_now());
  EXPECT_EQ(r->dropped_samples(), 0u);
  settle();
  const auto s = samples_of(wav(paths_.stereo));
  ASSERT_EQ(s.size(), 2u * 32000);
  // A stream within the slack follows on from the start: 2 s of customer, all of it.
  for (std::size_t i = 0; i < 32000; ++i) {
    ASSERT_EQ(s[2 * i], 500) << i;
    ASSERT_EQ(s[2 * i + 1], 0) << i;
  }
}

TEST_F(CallRecorderTest, TheTapGetsTheStereoFileAsItIsAligned) {
  auto r = recorder();
  std::vector<std::int16_t> tapped;
  std::size_t taps = 0;
  r->set_tap([&](std::span<const std::int16_t> stereo) {
    tapped.insert(tapped.end(), stereo.begin(), stereo.end());
    ++taps;
  });
  r->assistant(tone(3 * kFrame, 700), clock_.steady_now());  // sent 60 ms ahead
  EXPECT_TRUE(tapped.empty()) << "held until the customer's side catches up";
  customer_frames(*r, 500, 50);
  EXPECT_GE(taps, 45u) << "handed on as it is aligned, not in the disk's buffers";
  r->finish(clock_.steady_now());
  settle();
  EXPECT_EQ(tapped, samples_of(wav(paths_.stereo)));
  EXPECT_EQ(tapped[0], 500);
  EXPECT_EQ(tapped[1], 700);
  EXPECT_EQ(tapped[2 * 3 * kFrame + 1], 0);
}

TEST_F(CallRecorderTest, WithoutADiskItOnlyAlignsForTheTap) {
  CallRecorder r(nullptr, {}, clock_.steady_now(), boost::json::object{});
  EXPECT_FALSE(r.recording());
  std::size_t tapped = 0;
  r.set_tap([&](std::span<const std::int16_t> stereo) { tapped += stereo.size(); });
  customer_frames(r, 500, 10);
  r.finish(clock_.steady_now());
  EXPECT_EQ(tapped, 2u * 10 * kFrame);
  EXPECT_TRUE(r.artifact_fields().empty());
  EXPECT_FALSE(std::filesystem::exists(paths_.stereo));
}

TEST_F(CallRecorderTest, MixesAndClips) {
  auto r = recorder();
  const auto t = clock_.steady_now();
  r->customer(tone(kFrame, 30000), t);
  r->assistant(tone(kFrame, 10000), t);
  clock_.advance(milliseconds(20));
  r->finish(clock_.steady_now());
  settle();
  const auto mono = samples_of(wav(paths_.mono));
  ASSERT_EQ(mono.size(), kFrame);
  EXPECT_EQ(mono[0], 32767);
}

TEST_F(CallRecorderTest, AudioAheadIsHeldUntilTheOtherChannelCatchesUp) {
  auto r = recorder();
  // A buffering transport: 1 s of the assistant sent at once, at 0.5 s.
  clock_.advance(milliseconds(500));
  r->assistant(tone(16000, 700), clock_.steady_now());
  customer_frames(*r, 100, 100);  // the customer, in real time, to 2.5 s
  r->finish(clock_.steady_now());
  settle();
  const auto s = samples_of(wav(paths_.stereo));
  ASSERT_EQ(s.size(), 2u * 40000);
  EXPECT_EQ(s[2 * 7999 + 1], 0);
  EXPECT_EQ(s[2 * 8000 + 1], 700);   // starts where it was sent
  EXPECT_EQ(s[2 * 23999 + 1], 700);  // and lasts its second
  EXPECT_EQ(s[2 * 24000 + 1], 0);
}

TEST_F(CallRecorderTest, HeldAudioIsBoundedTheOldestDropped) {
  RecorderOptions options;
  options.max_held = milliseconds(1000);
  auto r = recorder(options);
  // 3 s of the assistant at once: the first 2 s held beyond the bound go.
  std::vector<std::int16_t> speech(48000);
  for (std::size_t i = 0; i < speech.size(); ++i)
    speech[i] = static_cast<std::int16_t>(i / 16000 + 1);
  r->assistant(speech, clock_.steady_now());
  EXPECT_EQ(r->dropped_samples(), 32000u);
  customer_frames(*r, 0, 100);  // to 2 s
  r->finish(clock_.steady_now());
  settle();
  const auto s = samples_of(wav(paths_.stereo));
  ASSERT_EQ(s.size(), 2u * 32000);
  EXPECT_EQ(s[1], 3);  // what is kept is the last second
  EXPECT_EQ(s[2 * 15999 + 1], 3);
  EXPECT_EQ(s[2 * 16000 + 1], 0);
}

TEST_F(CallRecorderTest, WhatTheTransportTookBackIsNotRecorded) {
  auto r = recorder();
  r->assistant(tone(32000, 900), clock_.steady_now());  // 2 s sent ahead
  customer_frames(*r, 0, 25);                           // 0.5 s played
  r->cut_assistant(clock_.steady_now());                // barge-in
  customer_frames(*r, 0, 25);
  r->finish(clock_.steady_now());
  settle();
  const auto s = samples_of(wav(paths_.stereo));
  ASSERT_EQ(s.size(), 2u * 16000);
  EXPECT_EQ(s[2 * 7999 + 1], 900);
  EXPECT_EQ(s[2 * 8000 + 1], 0);
}

TEST_F(CallRecorderTest, TheEndStopsAtTheTimeline) {
  auto r = recorder();
  clock_.advance(milliseconds(1000));
  r->assistant(tone(16000, 5), clock_.steady_now());  // sent, not yet played when it ends
  clock_.advance(milliseconds(200));
  r->finish(clock_.steady_now());
  settle();
  const auto s = samples_of(wav(paths_.assistant));
  ASSERT_EQ(s.size(), 19200u);
  EXPECT_EQ(s[15999], 0);
  EXPECT_EQ(s[16000], 5);
  EXPECT_EQ(s[19199], 5);
}

TEST_F(CallRecorderTest, ADestroyedRecorderStillFinishesItsFiles) {
  {
    auto r = recorder();
    customer_frames(*r, 42, 10);
  }
  settle();
  const auto s = samples_of(wav(paths_.customer));
  ASSERT_EQ(s.size(), 10 * kFrame);
  EXPECT_EQ(std::string_view(files_.back()).substr(40, 4),
            media::wav_header({16000, 1}, 6400).substr(40, 4));
}

TEST(RecordingDiskTest, AFullQueueDropsInsteadOfBlockingAndKeepsTheFilesAligned) {
  test::TempDirectory dir("recording-disk");
  const auto path = [&](const char* n) { return (dir.path() / n).string(); };
  RecordingDisk::Options options;
  options.max_queued_bytes = 4 * 1280;  // four 20 ms stereo buffers
  auto disk = std::make_shared<RecordingDisk>(options);
  const auto id = disk->open({path("s.wav"), path("m.wav"), path("c.wav"), path("a.wav")});
  // The disk's thread is held up: writes pile up to the bound, then drop.
  std::promise<void> release;
  auto held = release.get_future().share();
  disk->after_queued([held] { held.wait(); });
  int accepted = 0, dropped = 0;
  for (int i = 0; i < 10; ++i) {
    std::vector<std::int16_t> buffer(640, static_cast<std::int16_t>(i + 1));
    (disk->write(id, std::move(buffer)) ? accepted : dropped)++;
  }
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(dropped, 6);
  EXPECT_EQ(disk->stats().dropped_buffers, 6u);
  release.set_value();
  const auto settle = [&disk] {
    std::promise<void> done;
    disk->after_queued([&done] { done.set_value(); });
    done.get_future().wait();
  };
  settle();
  EXPECT_TRUE(disk->write(id, std::vector<std::int16_t>(640, 99)));
  disk->close(id);
  settle();

  const auto bytes = read_file(path("s.wav"));
  const auto parsed = media::parse_wav(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->format.channels, 2);
  const auto s = samples_of(*parsed);
  ASSERT_EQ(s.size(), 11u * 640);  // the dropped six as silence, in their place
  EXPECT_EQ(s[0], 1);
  EXPECT_EQ(s[4 * 640], 0);
  EXPECT_EQ(s[10 * 640], 99);
  for (const char* name : {"m.wav", "c.wav", "a.wav"}) {
    const auto mono = read_file(path(name));
    const auto m = media::parse_wav(mono);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(m->format.channels, 1);
    EXPECT_EQ(m->samples.size(), 11u * 320 * 2) << name;
  }
  EXPECT_EQ(disk->stats().failed_recordings, 0u);
}

TEST(RecordingDiskTest, FilesStillOpenAreFinishedWhenItStops) {
  test::TempDirectory dir("recording-disk");
  const auto path = [&](const char* n) { return (dir.path() / n).string(); };
  {
    RecordingDisk disk;
    const auto id = disk.open({path("s.wav"), path("m.wav"), path("c.wav"), path("a.wav")});
    disk.write(id, std::vector<std::int16_t>(640, 3));
  }
  const auto bytes = read_file(path("m.wav"));
  ASSERT_EQ(bytes.size(), 44u + 640);
  EXPECT_EQ(bytes.substr(0, 44), media::wav_header({16000, 1}, 640));
}

}  // namespace
}  // namespace sb::voice
