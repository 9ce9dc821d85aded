#include "domain/calls/recording_store.hpp"

#include <unistd.h>

#include <algorithm>

#include "core/file_io.hpp"
#include "core/ids.hpp"
#include "domain/resources/document_paths.hpp"
#include "storage/blob_repository.hpp"
#include "storage/store.hpp"

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

RecordingStore::RecordingStore(const std::string& data_dir, bool in_database)
    : root_(data_dir + "/recordings"), in_database_(in_database) {
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

std::optional<std::string> RecordingStore::read(storage::Session& session,
                                                std::string_view name) const {
  if (!valid_name(name)) return std::nullopt;
  if (in_database_) return session.blobs().get(name);
  return read_file(path(name));
}

std::vector<std::string> RecordingStore::names_of(const boost::json::object& call) {
  static constexpr std::string_view kPaths[] = {"artifact.recording.stereoUrl",
                                                "artifact.recording.mono.combinedUrl",
                                                "artifact.recording.mono.customerUrl",
                                                "artifact.recording.mono.assistantUrl",
                                                "artifact.recordingUrl",
                                                "artifact.stereoRecordingUrl"};
  std::vector<std::string> names;
  for (const auto at : kPaths)
    resources::for_each_at(call, at, [&](const std::string&, const boost::json::value& v) {
      if (!v.is_string()) return;
      auto name = recording_name_of(v.get_string());
      if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(std::move(name));
    });
  return names;
}

std::vector<std::pair<std::string, std::string>> RecordingStore::read_call_files(
    const boost::json::object& call) const {
  std::vector<std::pair<std::string, std::string>> files;
  for (auto& name : names_of(call))
    if (auto bytes = read_file(path(name))) files.emplace_back(std::move(name), std::move(*bytes));
  return files;
}

void RecordingStore::keep_in_database(
    storage::Session& session,
    const std::vector<std::pair<std::string, std::string>>& files) const {
  std::vector<std::string> names;
  for (const auto& [name, bytes] : files) {
    session.blobs().put(name, bytes);
    names.push_back(name);
  }
  session.after_commit([this, names = std::move(names)] { unlink_files(names); });
}

void RecordingStore::remove_call(storage::Session& session, const boost::json::object& call) const {
  auto names = names_of(call);
  if (in_database_)
    for (const auto& name : names) session.blobs().remove(name);
  // A rolled-back delete keeps them; files an instance never moved go too.
  session.after_commit([this, names = std::move(names)] { unlink_files(names); });
}

void RecordingStore::unlink_files(const std::vector<std::string>& names) const noexcept {
  for (const auto& name : names) {
    const auto file = path(name);
    if (!file.empty()) ::unlink(file.c_str());
  }
}

std::string recording_name_of(std::string_view url) {
  const auto slash = url.rfind('/');
  const auto name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  return RecordingStore::valid_name(name) ? std::string(name) : std::string();
}

}  // namespace sb::calls
