#include "core/prometheus_text.hpp"

namespace sb {

void append_metric_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace sb
