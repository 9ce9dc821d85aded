#include "domain/calls/recording_store.hpp"

#include <unistd.h>

#include "core/file_io.hpp"
#include "core/ids.hpp"
#include "domain/resources/document_paths.hpp"

namespace sb::calls {
namespace {

constexpr std::size_t kTokenChars = 64;
constexpr std::string_view kExtension = ".wav";

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

std::string_view kind_name(RecordingKind kind) {
  switch (kind) {
    case RecordingKind::kStereo:
      return "stereo";
    case RecordingKind::kMono:
      return "mono";
    case RecordingKind::kCustomer:
      return "customer";
    case RecordingKind::kAssistant:
      return "assistant";
  }
  return "mono";
}

RecordingStore::RecordingStore(const std::string& data_dir) : root_(data_dir + "/recordings") {
  make_private_dir(root_);
}

std::string RecordingStore::new_token() {
  return random_hex(kTokenChars / 2);
}

std::string RecordingStore::file_name(std::string_view token, RecordingKind kind) {
  return std::string(token) + "-" + std::string(kind_name(kind)) + std::string(kExtension);
}

bool RecordingStore::valid_name(std::string_view name) {
  if (name.size() <= kTokenChars + 1 || name[kTokenChars] != '-') return false;
  for (std::size_t i = 0; i < kTokenChars; ++i)
    if (!is_lower_hex(name[i])) return false;
  const auto rest = name.substr(kTokenChars + 1);
  for (const auto kind : kRecordingKinds)
    if (rest == std::string(kind_name(kind)) + std::string(kExtension)) return true;
  return false;
}

std::string RecordingStore::path(std::string_view name) const {
  return valid_name(name) ? root_ + "/" + std::string(name) : std::string();
}

std::optional<std::string> RecordingStore::read(std::string_view name) const {
  const auto file = path(name);
  if (file.empty()) return std::nullopt;
  return read_file(file);
}

void RecordingStore::remove_call_files(const boost::json::object& call) const noexcept {
  static constexpr std::string_view kPaths[] = {"artifact.recording.stereoUrl",
                                                "artifact.recording.mono.combinedUrl",
                                                "artifact.recording.mono.customerUrl",
                                                "artifact.recording.mono.assistantUrl",
                                                "artifact.recordingUrl",
                                                "artifact.stereoRecordingUrl"};
  try {
    for (const auto at : kPaths)
      resources::for_each_at(call, at, [&](const std::string&, const boost::json::value& v) {
        if (!v.is_string()) return;
        const auto file = path(recording_name_of(v.get_string()));
        if (!file.empty()) ::unlink(file.c_str());
      });
  } catch (...) {
    // Best effort: a file left behind is unreachable once its call (its URL) is gone.
  }
}

std::string recording_name_of(std::string_view url) {
  const auto slash = url.rfind('/');
  const auto name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  return RecordingStore::valid_name(name) ? std::string(name) : std::string();
}

}  // namespace sb::calls
