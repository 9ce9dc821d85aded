#pragma once
// An execution context and the threads that run it, owned by the application: it decides how
// many there are and what runs where (the listener and its connections on one, outbound
// exchanges and server messages on another), and components take the context they are given.
// Components built without one (tests, tools) own an IoThreads of their own.

#include <memory>
#include <string>

#include "core/clock.hpp"

namespace boost::asio {
class io_context;
}

namespace sb::net {

class IoThreads {
 public:
  /// `threads` 0 means one per CPU this process may run on. Nothing runs before start().
  IoThreads(std::string name, unsigned threads);
  ~IoThreads();  ///< stop()
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  boost::asio::io_context& context();
  unsigned size() const;
  const std::string& name() const;

  /// Starts the threads. The context keeps running, work or none, until stop().
  void start();
  /// Stops the context (handlers not yet run are dropped with it) and joins the threads.
  /// Idempotent; must not be called from one of its threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Where a component runs and the time it reads, as the application hands them down. Left
/// empty, the component runs on a thread of its own and reads the system clock.
struct Placement {
  boost::asio::io_context* io = nullptr;
  const Clock* clock = nullptr;

  const Clock& clock_or_system() const { return clock ? *clock : system_clock(); }
};

/// CPUs this process may run on (its affinity mask), at least 1.
unsigned usable_cpus();

}  // namespace sb::net
