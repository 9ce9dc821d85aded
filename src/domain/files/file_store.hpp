#pragma once
// The bytes of uploaded files, under DATA_DIR/files/. Each file is named by its content
// token and extension ("<64 hex>.pdf"); the token is unguessable (256 random bits) and is
// the whole capability of the public content URL, so content is served without a database
// lookup and another org's id leads nowhere. The rows (and with them org isolation) live in
// the database.
//
// An upload is first written (and synced) to DATA_DIR/files/tmp/, and moved into place only
// once its row is committed; a staged upload that is never published is removed. A crash
// leaves at most temp files, which the next start removes.
//
// Thread safety: const members may run on any thread.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sb::files {

class FileStore {
 public:
  /// Creates DATA_DIR/files and its tmp/ (mode 0700) and removes leftover temp files.
  explicit FileStore(const std::string& data_dir);

  /// An upload written to a temp file. publish() moves it into place (never throws: a
  /// failure is logged); destroying it unpublished removes the temp file.
  class Staged {
   public:
    Staged(std::string temp, std::string final_path);
    ~Staged();
    Staged(const Staged&) = delete;
    Staged& operator=(const Staged&) = delete;
    void publish() noexcept;

   private:
    std::string temp_;
    std::string final_;
    bool published_ = false;
  };

  /// Writes `bytes` to a temp file for `name` and syncs it. Throws std::runtime_error when
  /// the disk refuses (the temp file is removed).
  std::shared_ptr<Staged> stage(std::string_view name, std::string_view bytes) const;

  /// The bytes stored under `name`; nullopt when there are none (or `name` is not one this
  /// store could have made: only "<64 lower-case hex>.<extension>").
  std::optional<std::string> read(std::string_view name) const;

  /// Removes the bytes stored under `name`, if any. Never throws.
  void remove(std::string_view name) const noexcept;

  /// Whether `name` has the form of a stored file's name (so it can go into a path).
  static bool valid_name(std::string_view name);

  const std::string& root() const { return root_; }

 private:
  std::string root_;  // DATA_DIR/files
};

}  // namespace sb::files
