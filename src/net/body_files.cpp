#include "net/body_files.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace sb::net {
namespace {

// A sealed memfd holding `text`, or -1. `unsupported` is set when memfds do not exist here.
int make_file(const std::string& text, bool& unsupported) {
  const int fd = ::memfd_create("switchboard-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    unsupported = errno == ENOSYS || errno == EINVAL;
    return -1;
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    written += static_cast<std::size_t>(n);
  }
  // The bytes can no longer change, whoever holds the descriptor.
  ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return fd;
}

}  // namespace

BodyFile::~BodyFile() {
  ::close(fd_);
}

std::shared_ptr<const BodyFile> BodyFiles::file_for(
    const std::shared_ptr<const std::string>& body) {
  if (!body || body->size() < kMinSize) return nullptr;
  const std::string* key = body.get();
  {
    std::lock_guard lock(mutex_);
    if (unavailable_) return nullptr;
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.body.lock() != body) {
      // A body that was dropped, and whose address now holds another: forget the old one.
      if (it->second.file) bytes_ -= it->second.file->size();
      recency_.erase(it->second.recency);
      entries_.erase(it);
      it = entries_.end();
    }
    if (it == entries_.end()) {  // first send: remembered, written from memory
      while (entries_.size() >= kMaxFiles) drop_oldest_locked();
      recency_.push_front(key);
      entries_.emplace(key, Entry{body, nullptr, recency_.begin()});
      return nullptr;
    }
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    if (it->second.file) return it->second.file;
  }
  // Second send: made outside the lock (it copies the body), then installed unless another
  // thread was first.
  bool unsupported = false;
  const int fd = make_file(*body, unsupported);
  std::lock_guard lock(mutex_);
  if (fd < 0) {
    unavailable_ = unavailable_ || unsupported;
    return nullptr;
  }
  auto file = std::make_shared<const BodyFile>(fd, body->size());
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.body.lock() != body) return file;  // dropped meanwhile
  if (it->second.file) return it->second.file;
  bytes_ += file->size();
  it->second.file = file;
  while (bytes_ > kMaxBytes && entries_.size() > 1) drop_oldest_locked();
  return file;
}

void BodyFiles::drop_oldest_locked() {
  const std::string* key = recency_.back();
  recency_.pop_back();
  auto it = entries_.find(key);
  if (it->second.file) bytes_ -= it->second.file->size();
  entries_.erase(it);
}

}  // namespace sb::net
