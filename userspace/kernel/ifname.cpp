#include "kernel/ifname.hpp"

namespace kernel {

std::string interface_name_problem(std::string_view name) {
  auto quoted = "interface name \"" + std::string(name) + "\"";
  if (name.empty()) return "the interface name is empty";
  if (name.size() > kMaxInterfaceName)
    return quoted + " is too long (at most " + std::to_string(kMaxInterfaceName) + " characters)";
  if (name == "." || name == "..") return quoted + " is not allowed";
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == ':' || u <= 0x20 || u == 0x7f)
      return quoted + " contains '/', ':', a space or a control character";
  }
  // A '%' makes the kernel number the name itself ("ppp%d"); the daemon would
  // then not know which link is ours.
  if (name.find('%') != std::string_view::npos) return quoted + " must not contain '%'";
  return {};
}

}  // namespace kernel
