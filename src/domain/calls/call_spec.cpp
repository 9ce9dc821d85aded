#include "domain/calls/call_spec.hpp"

#include "domain/calls/recording_store.hpp"
#include "domain/resources/document_paths.hpp"
#include "storage/store.hpp"

namespace sb::calls {
namespace {

struct ArtifactPaths {
  std::string_view route;
  std::vector<std::string_view> paths;  // first one holding a non-empty string wins
};

const std::vector<ArtifactPaths>& artifact_paths() {
  static const std::vector<ArtifactPaths> table{
      {"mono-recording", {"artifact.recording.mono.combinedUrl", "artifact.recordingUrl"}},
      {"stereo-recording", {"artifact.recording.stereoUrl", "artifact.stereoRecordingUrl"}},
      {"video-recording", {"artifact.recording.videoUrl", "artifact.videoRecordingUrl"}},
      {"customer-recording", {"artifact.recording.mono.customerUrl"}},
      {"assistant-recording", {"artifact.recording.mono.assistantUrl"}},
      {"pcap", {"artifact.pcapUrl"}},
      {"call-logs", {"artifact.logUrl"}},
  };
  return table;
}

}  // namespace

resources::ResourceSpec call_spec(const RecordingStore* recordings) {
  resources::ResourceSpec spec;
  spec.kind = kCallKind;
  spec.noun = "Call";
  spec.search_fields = {"name"};
  if (recordings)
    spec.on_remove = [recordings](storage::Session& s, const boost::json::object& removed) {
      recordings->remove_call(s, removed);
    };
  return spec;
}

const std::vector<ArtifactKind>& artifact_kinds() {
  static const std::vector<ArtifactKind> kinds{
      {"mono-recording", "mono recording"},
      {"stereo-recording", "stereo recording"},
      {"video-recording", "video recording"},
      {"customer-recording", "customer recording"},
      {"assistant-recording", "assistant recording"},
      {"pcap", "packet capture"},
      {"call-logs", "call log"},
  };
  return kinds;
}

std::string artifact_url(const boost::json::object& call, std::string_view route) {
  for (const auto& entry : artifact_paths()) {
    if (entry.route != route) continue;
    for (const auto path : entry.paths) {
      std::string url;
      resources::for_each_at(call, path, [&](const std::string&, const boost::json::value& v) {
        if (v.is_string() && url.empty()) url = v.get_string();
      });
      if (!url.empty()) return url;
    }
  }
  return {};
}

}  // namespace sb::calls
