#pragma once
// In-memory files (memfd) holding copies of large shared response bodies (the response
// caches' lists), so the server can sendfile() them: the kernel then sends the file's pages
// instead of copying the body from user memory on every response, which is where a cached
// 200 KB list spent a third of its time (copy_from_iter), and how nginx serves a static file.
//
// A body gets a file the second time it is sent (one sent once, like a list rendered right
// after a write, never pays for the copy into a file). Entries are keyed by the body's
// address and checked against a weak reference, so a body that was dropped and whose address
// was reused is never answered with the old bytes. At most kMaxFiles files and kMaxBytes bytes
// are kept, least recently sent dropped first; a file being sent stays open until its send ends.
//
// Thread safety: every member may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sb::net {

/// An open, read-only memfd with a copy of a body. Closed when the last holder lets go.
class BodyFile {
 public:
  BodyFile(int fd, std::size_t size) : fd_(fd), size_(size) {}
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  int fd() const { return fd_; }
  std::size_t size() const { return size_; }

 private:
  int fd_;
  std::size_t size_;
};

class BodyFiles {
 public:
  /// Bodies smaller than this are written from memory: a copy costs less than the system calls.
  static constexpr std::size_t kMinSize = 64 * 1024;
  static constexpr std::size_t kMaxFiles = 64;
  static constexpr std::size_t kMaxBytes = 64 * 1024 * 1024;

  /// The file for `body` if it has one or gets one now (its second send); null otherwise, and
  /// when files cannot be made here (no memfd): the caller then writes the body from memory.
  std::shared_ptr<const BodyFile> file_for(const std::shared_ptr<const std::string>& body);

 private:
  struct Entry {
    std::weak_ptr<const std::string> body;
    std::shared_ptr<const BodyFile> file;  // null until its second send
    std::list<const std::string*>::iterator recency;
  };
  void drop_oldest_locked();

  std::mutex mutex_;
  std::unordered_map<const std::string*, Entry> entries_;
  std::list<const std::string*> recency_;  // most recently sent first
  std::size_t bytes_ = 0;
  bool unavailable_ = false;  // memfd_create failed once: stop trying
};

}  // namespace sb::net
