#include "runtime/speech/speech_pool.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

namespace sb::speech {
namespace {

using namespace std::chrono_literals;

/// Blocks tasks until opened, so a test decides when pool threads are busy.
class Latch {
 public:
  void wait() { future_.wait(); }
  void open() { promise_.set_value(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
};

TEST(SpeechPool, TasksOfOneSerialRunInOrderAndNeverTogether) {
  SpeechPool pool(4);
  auto serial = pool.serial();
  std::mutex mutex;
  std::vector<int> order;
  std::atomic<int> running = 0;
  std::atomic<int> overlaps = 0;
  constexpr int kTasks = 500;
  std::promise<void> all_done;
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_TRUE(serial.post([&, i] {
      if (running.fetch_add(1) != 0) ++overlaps;
      {
        std::lock_guard lock(mutex);
        order.push_back(i);
      }
      running.fetch_sub(1);
      if (i == kTasks - 1) all_done.set_value();
    }));
  }
  ASSERT_EQ(all_done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(overlaps.load(), 0);
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kTasks));
  for (int i = 0; i < kTasks; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(SpeechPool, DifferentSerialsRunInParallel) {
  SpeechPool pool(2);
  Latch both_running;
  std::atomic<int> started = 0;
  std::promise<void> first, second;
  auto a = pool.serial();
  auto b = pool.serial();
  // Each task waits until the other has started: only possible if they run at once.
  auto task = [&](std::promise<void>& done) {
    return [&] {
      if (++started == 2) both_running.open();
      both_running.wait();
      done.set_value();
    };
  };
  ASSERT_TRUE(a.post(task(first)));
  ASSERT_TRUE(b.post(task(second)));
  EXPECT_EQ(first.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(second.get_future().wait_for(10s), std::future_status::ready);
}

TEST(SpeechPool, SerialsTakeTurns) {
  SpeechPool pool(1);
  Latch gate;
  ASSERT_TRUE(pool.post([&] { gate.wait(); }));  // holds the only thread
  auto a = pool.serial();
  auto b = pool.serial();
  std::vector<char> order;  // one thread: no lock needed
  std::promise<void> done;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(a.post([&] { order.push_back('a'); }));
  ASSERT_TRUE(a.post([&] {
    order.push_back('a');
    done.set_value();
  }));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(b.post([&] { order.push_back('b'); }));
  gate.open();
  ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(std::string(order.begin(), order.end()), "ababa");
}

TEST(SpeechPool, RefusesPostsBeyondItsBound) {
  SpeechPool pool(1, 3);
  Latch gate;
  std::promise<void> started;
  ASSERT_TRUE(pool.post([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // running: no longer counted as waiting
  auto serial = pool.serial();
  std::atomic<int> ran = 0;
  EXPECT_TRUE(serial.post([&] { ++ran; }));
  EXPECT_TRUE(pool.post([&] { ++ran; }));
  EXPECT_TRUE(serial.post([&] { ++ran; }));
  EXPECT_EQ(pool.queued(), 3u);
  auto refused = std::make_shared<int>(0);
  EXPECT_FALSE(serial.post([&ran, refused] { ++ran; }));
  EXPECT_FALSE(pool.post([&] { ++ran; }));
  EXPECT_EQ(refused.use_count(), 1) << "a refused task is released at once";
  gate.open();
  std::promise<void> last;
  while (!serial.post([&] { last.set_value(); })) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(last.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(ran.load(), 3);
}

TEST(SpeechPool, StopDropsWaitingTasksAndRefusesNewOnes) {
  auto pool = std::make_unique<SpeechPool>(1);
  Latch gate;
  std::promise<void> started;
  ASSERT_TRUE(pool->post([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  std::atomic<int> ran = 0;
  auto serial = pool->serial();
  auto held = std::make_shared<int>(0);
  ASSERT_TRUE(serial.post([&ran, held] { ++ran; }));
  std::thread opener([&] {
    std::this_thread::sleep_for(50ms);
    gate.open();
  });
  pool->stop();  // waits for the running task
  opener.join();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(held.use_count(), 1) << "dropped tasks are destroyed by stop()";
  EXPECT_FALSE(serial.post([&] { ++ran; }));
  pool.reset();
  EXPECT_FALSE(serial.post([&] { ++ran; })) << "a Serial may outlive its pool";
}

}  // namespace
}  // namespace sb::speech
