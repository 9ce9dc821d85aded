#include "storage/store.hpp"

#include <future>

namespace sb::storage {

void Store::read_sync(const ReadJob& job) {
  std::promise<void> finished;
  post_read([&](Session& s) {
    try {
      job(s);
      finished.set_value();
    } catch (...) {
      finished.set_exception(std::current_exception());
    }
  });
  finished.get_future().get();
}

void Store::write_sync(const WriteJob& job) {
  std::promise<void> finished;
  post_write(job, [&](std::exception_ptr error) {
    if (error)
      finished.set_exception(error);
    else
      finished.set_value();
  });
  finished.get_future().get();
}

}  // namespace sb::storage
