#pragma once
// The operator's pool of numbers that `vapi` phone numbers are given from
// (`--number-pool FILE`: one E.164 number per line, '#' starts a comment). Which pool numbers
// are taken is the database's business; the pool only lists candidates per area code.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sb::phone_numbers {

class NumberPool {
 public:
  NumberPool() = default;
  /// Throws std::runtime_error naming the line when the file has a number that is not a NANP
  /// E.164 number (only US/Canada area codes are handed out).
  static NumberPool load(const std::string& path);
  static NumberPool from_lines(std::string_view text);

  /// Pool numbers with this area code, in file order.
  const std::vector<std::string>& candidates(std::string_view area_code) const;
  std::size_t size() const { return size_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> by_area_code_;
  std::size_t size_ = 0;
};

}  // namespace sb::phone_numbers
