#pragma once
// Calls (/call) as stored objects: listed, read, renamed (PATCH takes only `name`) and
// deleted here. Only the real-time voice runtime creates them (POST /call is a 501 until it
// exists), with kind "call" so it stores them where these routes read. Also: where a call's
// downloadable artifacts (/call/{id}/mono-recording, ...) are found in its document.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/resources/resource_spec.hpp"

namespace sb::calls {

inline constexpr const char* kCallKind = "call";

class RecordingStore;

/// `recordings`, when given, loses a call's recordings when the call is deleted (with the
/// deletion); it must outlive the spec.
resources::ResourceSpec call_spec(const RecordingStore* recordings = nullptr);

/// One downloadable artifact of a call: the last segment of its route and what it is.
struct ArtifactKind {
  std::string_view route;  ///< e.g. "mono-recording"
  std::string_view label;  ///< e.g. "mono recording"
};

/// Every artifact route of GET /call/{id}/..., as the contract lists them.
const std::vector<ArtifactKind>& artifact_kinds();

/// The stored URL of `route`'s artifact in a call document (Artifact.recording.* first, then
/// the deprecated flat fields); empty when the call has none.
std::string artifact_url(const boost::json::object& call, std::string_view route);

}  // namespace sb::calls
