#include "net/io_threads.hpp"

#include <sched.h>

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace sb::net {

namespace asio = boost::asio;

unsigned usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

struct IoThreads::Impl {
  Impl(std::string n, unsigned t)
      : name(std::move(n)), threads(t ? t : usable_cpus()), io(static_cast<int>(threads)) {}

  std::string name;
  unsigned threads;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> running;
};

IoThreads::IoThreads(std::string name, unsigned threads)
    : impl_(std::make_unique<Impl>(std::move(name), threads)) {}

IoThreads::~IoThreads() {
  stop();
}

asio::io_context& IoThreads::context() {
  return impl_->io;
}

unsigned IoThreads::size() const {
  return impl_->threads;
}

const std::string& IoThreads::name() const {
  return impl_->name;
}

void IoThreads::start() {
  if (!impl_->running.empty()) return;
  impl_->io.restart();
  impl_->work.emplace(impl_->io.get_executor());
  for (unsigned i = 0; i < impl_->threads; ++i)
    impl_->running.emplace_back([this] {
      // A handler that throws is a bug logged, not the end of the context's thread.
      for (;;) {
        try {
          impl_->io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("{}: {}", impl_->name, e.what());
        }
      }
    });
}

void IoThreads::stop() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->running)
    if (t.joinable()) t.join();
  impl_->running.clear();
}

}  // namespace sb::net
