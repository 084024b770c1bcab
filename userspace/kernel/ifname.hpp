#pragma once
// Interface names a profile may give its link, checked before anything is
// created so a bad name fails up front with a sentence, not EINVAL mid-way.
#include <string>
#include <string_view>

namespace kernel {

inline constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

// Empty when the kernel would accept `name` (dev_valid_name's rules), else
// why not.
std::string interface_name_problem(std::string_view name);

}  // namespace kernel
