#pragma once
// Where calls' recordings are kept: DATA_DIR/recordings/, one file per kind of recording, named
// "<64 lower-case hex>-<kind>.wav". The hex part (256 random bits, one per call) is the whole
// capability of the public URL <public-url>/recording/<name>, as with uploaded files: served
// without an API key, revoked by deleting the call (which removes the files). On PostgreSQL the
// files of an ended call are kept in the database (storage/blob_repository.hpp) instead.
//
// Thread safety: const members may run on any thread.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::storage {
class Session;
}

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
  /// Creates DATA_DIR/recordings (mode 0700), where calls record. With `in_database` (the
  /// database is PostgreSQL), a call's files move into the database with its end, so every
  /// instance serves them. Throws std::runtime_error when the directory cannot be made.
  explicit RecordingStore(const std::string& data_dir, bool in_database = false);

  bool in_database() const { return in_database_; }

  /// A fresh capability for one call's files (64 lower-case hex).
  static std::string new_token();
  static std::string file_name(std::string_view token, RecordingKind kind);
  /// Whether `name` has the form of a name file_name() makes (so it can go into a path).
  static bool valid_name(std::string_view name);

  /// The path of `name` in the directory; "" unless valid_name(name).
  std::string path(std::string_view name) const;
  /// The bytes of `name`, in a read job (from the database when in_database()); nullopt when
  /// there are none or `name` is not valid.
  std::optional<std::string> read(storage::Session& session, std::string_view name) const;
  /// The recording names a call document's artifact holds (artifact.recording.*, recordingUrl,
  /// stereoRecordingUrl), each once: only names valid_name() accepts, so a document can never
  /// name anything else.
  static std::vector<std::string> names_of(const boost::json::object& call);
  /// The finished files of `call` as they are on disk (name, bytes), to move into the database
  /// with the call's end: keep_in_database(). Blocking file reads: the disk's thread, not a
  /// strand. A file missing or unreadable is left out.
  std::vector<std::pair<std::string, std::string>> read_call_files(
      const boost::json::object& call) const;
  /// In the write job storing the call's end: `files` go into the database, and off the disk
  /// once it commits.
  void keep_in_database(storage::Session& session,
                        const std::vector<std::pair<std::string, std::string>>& files) const;
  /// In the write job deleting the call: its recordings go (from the database at once, from
  /// the disk once the delete commits).
  void remove_call(storage::Session& session, const boost::json::object& call) const;

  const std::string& root() const { return root_; }

 private:
  void unlink_files(const std::vector<std::string>& names) const noexcept;

  std::string root_;  // DATA_DIR/recordings
  bool in_database_ = false;
};

/// The recording file name a URL ends with ("" when it does not end with a valid one).
std::string recording_name_of(std::string_view url);

}  // namespace sb::calls
