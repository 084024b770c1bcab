#include <doctest/doctest.h>

#include <set>
#include <string>

#include "daemon/exit_codes.hpp"

using pptpctl::Exit;

TEST_CASE("exit codes: stable numbers, one distinct name each, up to the last") {
  struct Case {
    Exit exit;
    int number;
    const char* name;
  } cases[] = {{Exit::Ok, 0, "ok"},           {Exit::Unreachable, 6, "unreachable"},
               {Exit::LinkLost, 18, "link-lost"}, {Exit::Timeout, 19, "timeout"},
               {Exit::Cancelled, 20, "cancelled"}, {Exit::ProfileExists, 21, "profile-exists"}};
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(pptpctl::code(c.exit) == c.number);
    CHECK(pptpctl::exit_name(c.exit) == c.name);
  }
  CHECK(pptpctl::kLastExit == Exit::ProfileExists);
  std::set<std::string> names;
  for (int i = 0; i <= pptpctl::code(pptpctl::kLastExit); ++i)
    names.insert(std::string(pptpctl::exit_name(static_cast<Exit>(i))));
  CHECK(names.size() == static_cast<std::size_t>(pptpctl::code(pptpctl::kLastExit) + 1));
}
