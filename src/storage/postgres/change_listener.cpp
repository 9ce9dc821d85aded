#include "storage/postgres/change_listener.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "storage/postgres/change_notify.hpp"
#include "storage/postgres/connection.hpp"

namespace sb::storage::postgres {
namespace {

constexpr int kCheckEveryMs = 10'000;
constexpr int kFirstBackoffMs = 50;
constexpr int kMaxBackoffMs = 2'000;

}  // namespace

ChangeListener::ChangeListener(std::string url, std::string schema, std::string origin,
                               ChangeFeed& feed)
    : url_(std::move(url)), schema_(std::move(schema)), origin_(std::move(origin)), feed_(feed) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  auto db = listen();
  thread_ = std::thread([this, db = std::move(db)]() mutable { run(std::move(db)); });
}

ChangeListener::~ChangeListener() {
  stop();
  close(wake_fd_);
}

void ChangeListener::stop() {
  if (stopping_.exchange(true)) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<Connection> ChangeListener::listen() {
  auto db = std::make_unique<Connection>(url_, schema_);
  const auto channel = db->run("SELECT quote_ident(" + std::string(kChannelSql) + ")").text(0, 0);
  db->exec("LISTEN " + channel);
  return db;
}

void ChangeListener::run(std::unique_ptr<Connection> db) {
  int backoff = kFirstBackoffMs;
  while (!stopping_) {
    try {
      if (!db) {
        db = listen();
        feed_.publish(ResourceChange::everything_stale());  // what came while we were away
        spdlog::info("change feed from other instances: listening again");
        backoff = kFirstBackoffMs;
      }
      serve(*db);
    } catch (const std::exception& e) {
      if (stopping_) return;
      if (db) {
        spdlog::warn("change feed from other instances lost ({}); connecting again", e.what());
        feed_.publish(ResourceChange::everything_stale());
      }
      db.reset();
      if (!wait(backoff)) return;
      backoff = std::min(backoff * 2, kMaxBackoffMs);
    }
  }
}

// Returns when stopping; throws when the connection is lost.
void ChangeListener::serve(Connection& db) {
  while (!stopping_) {
    // Drained before waiting: a statement run meanwhile (a fetch, the check) may have read
    // notifications off the socket into libpq's queue, where poll() cannot see them.
    for (auto batch = db.notifications(); !batch.empty(); batch = db.notifications())
      for (const auto& n : batch) deliver(db, n.payload);
    pollfd fds[2] = {{db.socket(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int ready = poll(fds, 2, kCheckEveryMs);
    if (ready < 0 && errno != EINTR) throw std::runtime_error("poll failed");
    if (stopping_) return;
    if (ready == 0) {
      if (!db.ok()) throw std::runtime_error("connection lost");
      db.exec("SELECT 1");  // a silent connection is found dead here
    }
  }
}

void ChangeListener::deliver(Connection& db, std::string_view payload) {
  auto received = parse_change(payload);
  if (!received || received->origin == origin_) return;
  if (received->fetch_document) {
    // The connection must not quietly reconnect under us: that would drop the LISTEN.
    if (!db.ok()) throw std::runtime_error("connection lost");
    const auto& c = received->change;
    const auto r =
        db.run("SELECT document FROM resources WHERE kind = $1 AND org_id = $2 AND id = $3",
               {c.kind, c.org_id, c.id});
    // Gone by now: deleted since; its deletion's own NOTIFY follows.
    if (r.rows() > 0) received->change.document = std::make_shared<const std::string>(r.text(0, 0));
  }
  feed_.publish(received->change);
}

bool ChangeListener::wait(int ms) {
  pollfd fd{wake_fd_, POLLIN, 0};
  poll(&fd, 1, ms);
  return !stopping_;
}

}  // namespace sb::storage::postgres
