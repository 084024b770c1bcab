#include <doctest/doctest.h>

#include <string>

#include "kernel/ifname.hpp"

TEST_CASE("kernel: interface names the kernel accepts pass") {
  CHECK(kernel::interface_name_problem("ppp0").empty());
  CHECK(kernel::interface_name_problem("office-vpn").empty());
  CHECK(kernel::interface_name_problem("a").empty());
  CHECK(kernel::interface_name_problem(std::string(15, 'x')).empty());
}

TEST_CASE("kernel: bad interface names are refused with a reason") {
  CHECK(kernel::interface_name_problem("") == "the interface name is empty");
  CHECK(kernel::interface_name_problem(std::string(16, 'x')) ==
        "interface name \"xxxxxxxxxxxxxxxx\" is too long (at most 15 characters)");
  CHECK(kernel::interface_name_problem(".") == "interface name \".\" is not allowed");
  CHECK(kernel::interface_name_problem("..") == "interface name \"..\" is not allowed");
  for (const char* bad : {"a/b", "a:b", "a b", "a\tb", "a\nb"})
    CHECK(kernel::interface_name_problem(bad) ==
          "interface name \"" + std::string(bad) + "\" contains '/', ':', a space or a control character");
  CHECK(kernel::interface_name_problem("ppp%d") == "interface name \"ppp%d\" must not contain '%'");
}
