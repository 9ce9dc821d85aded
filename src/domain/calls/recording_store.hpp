#pragma once
// Where calls' recordings are kept: DATA_DIR/recordings/, one file per kind of recording, named
// "<64 lower-case hex>-<kind>.wav". The hex part (256 random bits, one per call) is the whole
// capability of the public URL <public-url>/recording/<name>, as with uploaded files: served
// without an API key, revoked by deleting the call (which removes the files).
//
// Thread safety: const members may run on any thread.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::calls {

/// The URL path of the recording route: <public-url>/recording/<name>.
inline constexpr std::string_view kRecordingPath = "/recording/";

/// The four files of one call's recording.
enum class RecordingKind { kStereo, kMono, kCustomer, kAssistant };
inline constexpr std::array<RecordingKind, 4> kRecordingKinds{
    RecordingKind::kStereo, RecordingKind::kMono, RecordingKind::kCustomer,
    RecordingKind::kAssistant};
std::string_view kind_name(RecordingKind kind);  ///< "stereo", "mono", "customer", "assistant"

class RecordingStore {
 public:
  /// Creates DATA_DIR/recordings (mode 0700). Throws std::runtime_error when it cannot.
  explicit RecordingStore(const std::string& data_dir);

  /// A fresh capability for one call's files (64 lower-case hex).
  static std::string new_token();
  static std::string file_name(std::string_view token, RecordingKind kind);
  /// Whether `name` has the form of a name file_name() makes (so it can go into a path).
  static bool valid_name(std::string_view name);

  /// The path of `name` in the directory; "" unless valid_name(name).
  std::string path(std::string_view name) const;
  /// The bytes of `name`; nullopt when there are none or `name` is not valid.
  std::optional<std::string> read(std::string_view name) const;
  /// Removes the files a call document's artifact names (artifact.recording.*, recordingUrl,
  /// stereoRecordingUrl): only names valid_name() accepts, so a document can never make it
  /// remove anything else. Never throws.
  void remove_call_files(const boost::json::object& call) const noexcept;

  const std::string& root() const { return root_; }

 private:
  std::string root_;  // DATA_DIR/recordings
};

/// The recording file name a URL ends with ("" when it does not end with a valid one).
std::string recording_name_of(std::string_view url);

}  // namespace sb::calls
