#include "app/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/crypto.hpp"
#include "core/ids.hpp"

namespace sb::app {
namespace {

std::optional<std::string> read_trimmed(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

// Writes a new file readable only by its owner; never replaces an existing one, so two
// processes starting together cannot each mint a different key.
bool create_private_file(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  }
  const std::string line = content + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path);
  return true;
}

// A malformed key is refused at start, naming where it came from, before it can seal anything.
void check_key(const std::string& key_hex, const std::string& source) {
  try {
    SecretBox check(key_hex);
  } catch (const std::invalid_argument&) {
    throw std::runtime_error(source + " must be 64 hex characters (a 256-bit key), not " +
                             std::to_string(key_hex.size()) +
                             " characters; `openssl rand -hex 32` makes one");
  }
}

}  // namespace

bool DataDir::holds_database(const std::string& path) {
  struct stat st {};
  const std::string file = path + "/" + kDatabaseFile;
  return ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

DataDir::DataDir(std::string path) : path_(std::move(path)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  if (::mkdir(path_.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create the data directory " + path_ + ": " +
                             std::strerror(errno));
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error(path_ + " is not a directory");
}

std::string DataDir::database_path() const {
  return path_ + "/" + kDatabaseFile;
}

std::string DataDir::secret_key_hex() const {
  if (const char* env = std::getenv("SWITCHBOARD_SECRET_KEY"); env && *env) {
    check_key(env, "SWITCHBOARD_SECRET_KEY");
    return env;
  }
  const std::string file = path_ + "/secret.key";
  if (auto existing = read_trimmed(file)) {
    check_key(*existing, file);
    return *existing;
  }
  create_private_file(file, SecretBox::generate_key_hex());
  return *read_trimmed(file);  // another process may have won the race: use its key
}

std::string DataDir::instance_id() const {
  const std::string file = path_ + "/instance-id";
  if (auto existing = read_trimmed(file); existing && !existing->empty()) return *existing;
  create_private_file(file, new_uuid());
  return *read_trimmed(file);
}

std::optional<std::string> DataDir::read_api_key() const {
  return read_trimmed(path_ + "/api-key");
}

void DataDir::write_api_key(const std::string& key) const {
  create_private_file(path_ + "/api-key", key);
}

}  // namespace sb::app
