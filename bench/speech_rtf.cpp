// Real-time factors of the built-in speech engines on fixed input (bench/voice_builtin.sh),
// through the server's own code (runtime/speech): CPU time over audio time, so 0.1 means a
// second of audio costs 100 ms of one core.
//
// - pocketsphinx (SphinxDecoder, the server's configuration): each phrase — flite's slt voice
//   saying a fixed sentence, or --wav's recording, with 200 ms of silence before (the server's
//   pre-roll) and 300 ms after (its end of utterance) — fed in 20 ms frames with a partial
//   hypothesis every 300 ms, as the built-in transcriber does, back to back; then the last
//   phrase fed in real time (a frame every 20 ms, the thread sleeping in between as the speech
//   pool's threads do: the caches go cold, and it costs more); then `streams` decoders at once
//   on `threads` threads, their frames interleaved as the speech pool runs them, for the audio
//   decoded per second of wall time (how many customers speaking at once the cores keep up
//   with, decoding back to back and nothing else; many decoders share the caches worse);
// - flite (flite_synthesize), each voice on the same sentences.
//
//   speech_rtf [--repeat 5] [--threads 2] [--streams 2,16] [--wav FILE (16 kHz mono)]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "media/wav.hpp"
#include "runtime/speech/flite_voices.hpp"
#include "runtime/speech/sphinx_decoder.hpp"

namespace {

using sb::speech::FliteVoice;
using Pcm = std::vector<std::int16_t>;
constexpr int kRate = 16000;
constexpr std::size_t kFrame = kRate / 50;

const char* const kSentences[] = {
    "what is the weather like today",
    "i would like to book a table for two people tomorrow evening",
    "can you tell me when the store opens on saturday morning",
    "please transfer me to the billing department",
};

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double seconds_of(const Pcm& pcm) {
  return static_cast<double>(pcm.size()) / kRate;
}

// `speech` with the server's 200 ms of pre-roll before and 300 ms of closing silence after.
Pcm padded(const std::vector<std::int16_t>& speech) {
  Pcm pcm(kRate / 5, 0);
  pcm.insert(pcm.end(), speech.begin(), speech.end());
  pcm.insert(pcm.end(), kRate * 3 / 10, 0);
  return pcm;
}

Pcm phrase(const char* text) {
  auto spoken = sb::speech::flite_synthesize(FliteVoice::kSlt, text, 1.0);
  if (spoken.sample_rate != kRate) throw std::runtime_error("slt is not 16 kHz");
  return padded(spoken.samples);
}

// A 16 kHz mono 16-bit WAV file's samples.
std::vector<std::int16_t> wav_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto wav = sb::media::parse_wav(file);
  if (!wav || wav->format.sample_rate != kRate || wav->format.channels != 1)
    throw std::runtime_error(path + " is not a 16 kHz mono 16-bit WAV file");
  std::vector<std::int16_t> samples(wav->samples.size() / 2);
  std::memcpy(samples.data(), wav->samples.data(), samples.size() * 2);
  return samples;
}

// One utterance as the built-in transcriber feeds it; returns the final hypothesis.
std::string decode(sb::speech::SphinxDecoder& decoder, const Pcm& pcm) {
  decoder.start();
  int since_partial = 0;
  for (std::size_t at = 0; at < pcm.size(); at += kFrame) {
    decoder.process(std::span(pcm).subspan(at, std::min(kFrame, pcm.size() - at)));
    if (++since_partial >= 15) {
      since_partial = 0;
      (void)decoder.partial();
    }
  }
  return decoder.finish();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it is known: the runs are long
  int repeat = 5;
  unsigned threads = 2;
  std::vector<unsigned> stream_counts{2, 16};
  std::string wav;  // a recording to time as well
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--repeat") {
      repeat = std::stoi(argv[i + 1]);
    } else if (name == "--threads") {
      threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
    } else if (name == "--wav") {
      wav = argv[i + 1];
    } else if (name == "--streams") {
      stream_counts.clear();
      std::stringstream list(argv[i + 1]);
      for (std::string n; std::getline(list, n, ',');)
        stream_counts.push_back(static_cast<unsigned>(std::stoul(n)));
    }
  }
  std::vector<Pcm> phrases;
  std::vector<std::string> names;
  for (const char* s : kSentences) {
    phrases.push_back(phrase(s));
    names.emplace_back(s);
  }
  if (!wav.empty()) {
    phrases.push_back(padded(wav_file(wav)));
    names.push_back(wav);
  }

  std::printf("## pocketsphinx (one thread, median of %d)\n\n", repeat);
  std::printf(
      "| phrase | audio (s) | CPU (ms) | real-time factor | heard |\n|---|---|---|---|---|\n");
  const auto load_start = std::chrono::steady_clock::now();
  sb::speech::SphinxDecoder decoder(sb::speech::kDefaultSphinxModel);
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  // A new decoder's first utterances cost more than the later ones: measured apart, on the
  // first phrase, and left out of the table (the repeats warm it up).
  std::vector<double> first_uses;
  for (int r = 0; r < 3; ++r) {
    const double t0 = thread_cpu_seconds();
    decode(decoder, phrases[0]);
    first_uses.push_back(thread_cpu_seconds() - t0);
  }
  double total_audio = 0, total_cpu = 0;
  for (std::size_t p = 0; p < phrases.size(); ++p) {
    std::vector<double> cpu;
    std::string heard;
    for (int r = 0; r < repeat; ++r) {
      const double t0 = thread_cpu_seconds();
      heard = decode(decoder, phrases[p]);
      cpu.push_back(thread_cpu_seconds() - t0);
    }
    const double c = median(cpu), a = seconds_of(phrases[p]);
    total_audio += a;
    total_cpu += c;
    std::printf("| %s | %.2f | %.0f | %.3f | %s |\n", names[p].c_str(), a, c * 1000, c / a,
                heard.c_str());
  }
  std::printf(
      "| all | %.2f | %.0f | %.3f | |\n\nA decoder loaded in %.2f s; its first three "
      "utterances (the first phrase) cost %.0f, %.0f and %.0f ms of CPU.\n\n",
      total_audio, total_cpu * 1000, total_cpu / total_audio, load_s, first_uses[0] * 1000,
      first_uses[1] * 1000, first_uses[2] * 1000);

  // The same decoder fed in real time, a frame every 20 ms as a call feeds it: between frames
  // the thread sleeps and the caches go cold.
  {
    const Pcm& pcm = phrases.back();
    std::vector<double> cpu;
    for (int r = 0; r < 3; ++r) {
      decoder.start();
      double used = 0;
      auto due = std::chrono::steady_clock::now();
      for (std::size_t at = 0, f = 1; at < pcm.size(); at += kFrame, ++f) {
        due += std::chrono::milliseconds(20);
        std::this_thread::sleep_until(due);
        const double t0 = thread_cpu_seconds();
        decoder.process(std::span(pcm).subspan(at, std::min(kFrame, pcm.size() - at)));
        if (f % 15 == 0) (void)decoder.partial();
        used += thread_cpu_seconds() - t0;
      }
      const double t0 = thread_cpu_seconds();
      (void)decoder.finish();
      cpu.push_back(used + thread_cpu_seconds() - t0);
    }
    std::printf(
        "Fed in real time (a frame every 20 ms), \"%s\" costs %.0f ms of CPU "
        "(median of 3): a real-time factor of %.3f.\n\n",
        names.back().c_str(), median(cpu) * 1000, median(cpu) / seconds_of(pcm));
  }

  // `streams` decoders on `threads` threads, each thread taking its streams' frames in turn
  // (as the speech pool's serials do), every stream decoding every phrase `repeat` times.
  for (const unsigned streams : stream_counts) {
    std::vector<std::unique_ptr<sb::speech::SphinxDecoder>> decoders;
    for (unsigned d = 0; d < streams; ++d)
      decoders.push_back(
          std::make_unique<sb::speech::SphinxDecoder>(sb::speech::kDefaultSphinxModel));
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        std::vector<sb::speech::SphinxDecoder*> mine;
        for (unsigned d = t; d < streams; d += threads) mine.push_back(decoders[d].get());
        for (int r = 0; r < repeat; ++r)
          for (const auto& pcm : phrases) {
            for (auto* d : mine) d->start();
            for (std::size_t at = 0, f = 1; at < pcm.size(); at += kFrame, ++f)
              for (auto* d : mine) {
                d->process(std::span(pcm).subspan(at, std::min(kFrame, pcm.size() - at)));
                if (f % 15 == 0) (void)d->partial();
              }
            for (auto* d : mine) (void)d->finish();
          }
      });
    for (auto& w : workers) w.join();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double audio = total_audio * repeat * streams;
    std::printf(
        "%u decoders on %u threads, frames interleaved: %.1f s of audio in %.2f s, "
        "%.1f× real time (customers speaking at once the cores keep up with, decoding "
        "only).\n",
        streams, threads, audio, wall, audio / wall);
  }
  std::printf("\n");

  std::printf("## flite (one thread, median of %d, all %zu sentences)\n\n", repeat,
              std::size(kSentences));
  std::printf("| voice | audio (s) | CPU (ms) | real-time factor |\n|---|---|---|---|\n");
  const std::pair<FliteVoice, const char*> voices[] = {{FliteVoice::kSlt, "slt"},
                                                       {FliteVoice::kRms, "rms"},
                                                       {FliteVoice::kAwb, "awb"},
                                                       {FliteVoice::kKal16, "kal16"}};
  for (const auto& [voice, name] : voices) {
    std::vector<double> cpu;
    double seconds = 0;
    for (int r = 0; r < repeat; ++r) {
      seconds = 0;
      const double t0 = thread_cpu_seconds();
      for (const char* s : kSentences) {
        const auto pcm = sb::speech::flite_synthesize(voice, s, 1.0);
        seconds += static_cast<double>(pcm.samples.size()) / pcm.sample_rate;
      }
      cpu.push_back(thread_cpu_seconds() - t0);
    }
    const double c = median(cpu);
    std::printf("| %s | %.2f | %.1f | %.4f |\n", name, seconds, c * 1000, c / seconds);
  }
  return 0;
}
