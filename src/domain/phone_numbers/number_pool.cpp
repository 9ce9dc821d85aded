#include "domain/phone_numbers/number_pool.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "domain/phone_numbers/phone_number_rules.hpp"

namespace sb::phone_numbers {

NumberPool NumberPool::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the number pool file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return from_lines(text.str());
}

NumberPool NumberPool::from_lines(std::string_view text) {
  NumberPool pool;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    line = line.substr(0, line.find('#'));
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    if (line.empty()) continue;
    const auto area = nanp_area_code(line);
    if (!area)
      throw std::runtime_error("number pool line " + std::to_string(line_no) +
                               ": not a +1 E.164 number: " + std::string(line));
    auto& list = pool.by_area_code_[*area];
    if (std::find(list.begin(), list.end(), line) == list.end()) {
      list.emplace_back(line);
      ++pool.size_;
    }
  }
  return pool;
}

const std::vector<std::string>& NumberPool::candidates(std::string_view area_code) const {
  static const std::vector<std::string> kNone;
  const auto it = by_area_code_.find(area_code);
  return it == by_area_code_.end() ? kNone : it->second;
}

}  // namespace sb::phone_numbers
