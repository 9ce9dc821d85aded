#include "runtime/voice/call_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/json_fields.hpp"
#include "domain/calls/recording_store.hpp"

namespace sb::voice {
namespace json = boost::json;
using calls::RecordingKind;
using calls::RecordingStore;

namespace {

std::size_t samples_in(std::chrono::milliseconds d) {
  return static_cast<std::size_t>(d.count()) * CallRecorder::kSampleRate / 1000;
}

bool recording_enabled(const json::object& assistant) {
  const auto* plan = object_at(assistant, "artifactPlan");
  return !plan || bool_at(*plan, "recordingEnabled", true);
}

}  // namespace

std::unique_ptr<CallRecorder> CallRecorder::start(const RecordingSetup& setup,
                                                  const json::object& assistant,
                                                  Clock::SteadyTime started,
                                                  RecorderOptions options) {
  if (!setup.disk || !setup.store || !recording_enabled(assistant)) return nullptr;
  // artifactPlan.recordingFormat may ask for "mp3": recordings are always WAV (16-bit PCM,
  // "wav;l16"), there being no encoder here; the URLs say .wav, so clients are not misled.
  const auto token = RecordingStore::new_token();
  const auto name = [&](RecordingKind kind) { return RecordingStore::file_name(token, kind); };
  const auto& store = *setup.store;
  RecordingPaths paths{
      store.path(name(RecordingKind::kStereo)), store.path(name(RecordingKind::kMono)),
      store.path(name(RecordingKind::kCustomer)), store.path(name(RecordingKind::kAssistant))};
  const auto base =
      (setup.public_url ? setup.public_url() : std::string()) + std::string(calls::kRecordingPath);
  const auto url = [&](RecordingKind kind) { return base + name(kind); };
  json::object fields{
      {"recording",
       json::object{{"stereoUrl", url(RecordingKind::kStereo)},
                    {"mono", json::object{{"combinedUrl", url(RecordingKind::kMono)},
                                          {"assistantUrl", url(RecordingKind::kAssistant)},
                                          {"customerUrl", url(RecordingKind::kCustomer)}}}}},
      {"recordingUrl", url(RecordingKind::kMono)},
      {"stereoRecordingUrl", url(RecordingKind::kStereo)}};
  return std::make_unique<CallRecorder>(setup.disk, std::move(paths), started, std::move(fields),
                                        options);
}

CallRecorder::CallRecorder(std::shared_ptr<RecordingDisk> disk, RecordingPaths paths,
                           Clock::SteadyTime started, json::object artifact_fields,
                           RecorderOptions options)
    : disk_(std::move(disk)),
      id_(disk_ ? disk_->open(std::move(paths)) : RecordingDisk::Id{}),
      started_(started),
      artifact_fields_(std::move(artifact_fields)),
      slack_(samples_in(options.slack)),
      max_held_(samples_in(options.max_held)),
      buffer_frames_(std::max<std::size_t>(1, samples_in(options.buffer))),
      last_seen_(started) {}

CallRecorder::~CallRecorder() {
  finish(last_seen_);
}

std::size_t CallRecorder::place(Clock::SteadyTime t) const {
  if (t <= started_) return 0;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t - started_).count();
  return static_cast<std::size_t>(ns / (1'000'000'000 / kSampleRate));
}

void CallRecorder::customer(std::span<const std::int16_t> pcm, Clock::SteadyTime t) {
  put(customer_, pcm, t);
}

void CallRecorder::assistant(std::span<const std::int16_t> pcm, Clock::SteadyTime t) {
  put(assistant_, pcm, t);
}

void CallRecorder::put(Channel& channel, std::span<const std::int16_t> pcm, Clock::SteadyTime t) {
  if (finished_) return;
  last_seen_ = std::max(last_seen_, t);
  const auto now = place(t);
  if (channel.end + slack_ < now) pad_to(channel, now);
  channel.held.insert(channel.held.end(), pcm.begin(), pcm.end());
  channel.end += pcm.size();
  bound(channel);
  emit();
}

void CallRecorder::tick(Clock::SteadyTime t) {
  if (finished_) return;
  last_seen_ = std::max(last_seen_, t);
  const auto now = place(t);
  if (now <= slack_) return;
  for (auto* channel : {&customer_, &assistant_})
    if (channel->end + slack_ < now) pad_to(*channel, now - slack_);
  emit();
}

void CallRecorder::cut_assistant(Clock::SteadyTime t) {
  if (finished_) return;
  const auto keep_to = std::max(place(t), emitted_);
  if (assistant_.end <= keep_to) return;
  assistant_.held.resize(keep_to - emitted_);
  assistant_.end = keep_to;
}

void CallRecorder::finish(Clock::SteadyTime t) {
  if (finished_) return;
  const auto end = std::max(place(std::max(last_seen_, t)), emitted_);
  for (auto* channel : {&customer_, &assistant_}) {
    pad_to(*channel, end);
    channel->held.resize(end - emitted_);
    channel->end = end;
  }
  emit();
  hand_over();
  if (disk_) disk_->close(id_);
  finished_ = true;
  if (dropped_ > 0)
    spdlog::warn("a recording lost {} ms held beyond its bound (a channel ran ahead)",
                 dropped_ * 1000 / kSampleRate);
}

void CallRecorder::pad_to(Channel& channel, std::size_t place) {
  if (channel.end >= place) return;
  channel.held.insert(channel.held.end(), place - channel.end, std::int16_t{0});
  channel.end = place;
}

// A channel far ahead of the other loses its oldest held samples; the rest follow on.
void CallRecorder::bound(Channel& channel) {
  if (channel.held.size() <= max_held_) return;
  const auto drop = channel.held.size() - max_held_;
  channel.held.erase(channel.held.begin(),
                     channel.held.begin() + static_cast<std::ptrdiff_t>(drop));
  channel.end -= drop;
  dropped_ += drop;
}

void CallRecorder::emit() {
  const auto both = std::min(customer_.end, assistant_.end);
  if (both <= emitted_) return;
  const auto n = both - emitted_;
  const auto from = out_.size();
  for (std::size_t i = 0; i < n; ++i) {
    out_.push_back(customer_.held[i]);
    out_.push_back(assistant_.held[i]);
  }
  customer_.held.erase(customer_.held.begin(),
                       customer_.held.begin() + static_cast<std::ptrdiff_t>(n));
  assistant_.held.erase(assistant_.held.begin(),
                        assistant_.held.begin() + static_cast<std::ptrdiff_t>(n));
  emitted_ = both;
  if (tap_) tap_(std::span<const std::int16_t>(out_).subspan(from));
  if (!disk_ || out_.size() / 2 >= buffer_frames_) hand_over();
}

void CallRecorder::hand_over() {
  if (!disk_) {
    out_.clear();
    return;
  }
  if (out_.empty()) return;
  disk_->write(id_, std::move(out_));  // a full queue drops it (the disk counts it)
  out_ = {};
  out_.reserve(2 * buffer_frames_ + 640);
}

}  // namespace sb::voice
