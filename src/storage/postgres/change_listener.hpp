#pragma once
// Hears the changes other instances commit on the same PostgreSQL schema (NOTIFYs sent by
// change_notify.hpp) and publishes them into this instance's change feed, so its response
// caches and key cache follow writes made elsewhere within a bounded delay (milliseconds:
// docs/multi-instance.md). Changes this process made itself are skipped: its store published
// them already, before their writers were answered.
//
// One dedicated connection and one thread. When the connection is lost, changes may be missed
// until it is back: the listener publishes "everything stale" (change_feed.hpp) on the loss
// and again once it LISTENs again, then goes on; it connects again with a backoff (50 ms
// doubling to 2 s). A connection that went silent is found by a check every 10 s.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "storage/change_feed.hpp"

namespace sb::storage::postgres {

class Connection;

class ChangeListener {
 public:
  /// Connects and LISTENs before returning (throws if it cannot), so no change committed
  /// after construction is missed.
  ChangeListener(std::string url, std::string schema, std::string origin, ChangeFeed& feed);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  /// Stops the thread; no publish happens after it returns. Idempotent.
  void stop();

 private:
  std::unique_ptr<Connection> listen();
  void run(std::unique_ptr<Connection> db);
  void serve(Connection& db);
  void deliver(Connection& db, std::string_view payload);
  /// Waits up to `ms` or until stop(); false when stopping.
  bool wait(int ms);

  const std::string url_, schema_, origin_;
  ChangeFeed& feed_;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sb::storage::postgres
