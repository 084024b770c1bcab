#include "kernel/sys_error.hpp"

#include <cctype>
#include <cstring>

namespace kernel {

std::string errno_text(int err) {
  char buf[128];
  // GNU strerror_r may return a static string instead of filling buf.
  const char* s = strerror_r(err, buf, sizeof buf);
  std::string text = s ? s : "";
  if (text.empty()) text = "unknown error " + std::to_string(err);
  if (text.size() > 1 && std::isupper(static_cast<unsigned char>(text[0])) &&
      std::islower(static_cast<unsigned char>(text[1])))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}


}  // namespace kernel
