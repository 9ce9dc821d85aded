#include "domain/files/file_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/file_io.hpp"
#include "core/ids.hpp"

namespace sb::files {
namespace {

// Makes a rename or unlink in `dir` durable.
void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

FileStore::FileStore(const std::string& data_dir) : root_(data_dir + "/files") {
  make_private_dir(root_);
  make_private_dir(root_ + "/tmp");
  // Temp files belong to uploads that were never committed (the server stopped first).
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_ + "/tmp", ec))
    std::filesystem::remove(entry.path(), ec);
}

FileStore::Staged::Staged(std::string temp, std::string final_path)
    : temp_(std::move(temp)), final_(std::move(final_path)) {}

FileStore::Staged::~Staged() {
  if (!published_) ::unlink(temp_.c_str());
}

void FileStore::Staged::publish() noexcept {
  if (published_) return;
  if (::rename(temp_.c_str(), final_.c_str()) != 0) {
    spdlog::error("could not move an uploaded file into place ({}): {}", final_,
                  std::strerror(errno));
    return;
  }
  published_ = true;
  sync_dir(final_.substr(0, final_.rfind('/')));
}

std::shared_ptr<FileStore::Staged> FileStore::stage(std::string_view name,
                                                    std::string_view bytes) const {
  if (!valid_name(name)) throw std::logic_error("not a stored file name");
  // A random temp name, so two stagings never share a file.
  const std::string temp = root_ + "/tmp/" + random_hex(16);
  auto staged = std::make_shared<Staged>(temp, root_ + "/" + std::string(name));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot create an upload's temp file: " +
                             std::string(std::strerror(errno)));
  const bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write an upload: " + std::string(std::strerror(saved)));
  return staged;
}

std::optional<std::string> FileStore::read(std::string_view name) const {
  if (!valid_name(name)) return std::nullopt;
  const std::string path = root_ + "/" + std::string(name);
  return read_file(path);
}

void FileStore::remove(std::string_view name) const noexcept {
  if (!valid_name(name)) return;
  const std::string path = root_ + "/" + std::string(name);
  if (::unlink(path.c_str()) == 0) sync_dir(root_);
}

bool FileStore::valid_name(std::string_view name) {
  const auto dot = name.find('.');
  if (dot != 64 || name.size() < 66 || name.size() > 64 + 1 + 16) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    const bool ext = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (i < 64 ? !hex : i == 64 ? c != '.' : !ext) return false;
  }
  return true;
}

}  // namespace sb::files
