// The small pieces under the profile parser: host-name syntax,
// typo suggestions, text positions, the wiping Secret.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>

#include "config/host_name.hpp"
#include "config/json_document.hpp"
#include "config/secret.hpp"
#include "config/suggest.hpp"

using namespace config;

TEST_CASE("config: host names") {
  CHECK(is_host_name("vpn.example.com"));
  CHECK(is_host_name("vpn.example.com."));
  CHECK(is_host_name("a"));
  CHECK(is_host_name("my_host-1"));
  CHECK_FALSE(is_host_name(""));
  CHECK_FALSE(is_host_name("."));
  CHECK_FALSE(is_host_name("-a.com"));
  CHECK_FALSE(is_host_name("a-.com"));
  CHECK_FALSE(is_host_name("a..com"));
  CHECK_FALSE(is_host_name("a b"));
  CHECK_FALSE(is_host_name(std::string(64, 'a')));
  CHECK(is_host_name(std::string(63, 'a')));
}

TEST_CASE("config: typo suggestions") {
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("rootes", "routes") == 1);
  CHECK(edit_distance("mut", "mtu") == 1);  // one swap
  CHECK(edit_distance("kitten", "sitting") == 3);
  constexpr std::array<std::string_view, 3> keys = {"routes", "mtu", "mru"};
  CHECK(closest_match("rootes", keys) == "routes");
  CHECK(closest_match("ROUTES", keys) == "routes");
  CHECK(closest_match("mut", keys) == "mtu");
  CHECK_FALSE(closest_match("xyz", keys).has_value());
  CHECK_FALSE(closest_match("colour", keys).has_value());
  CHECK_FALSE(closest_match(std::string(1000, 'r'), keys).has_value());
}

TEST_CASE("config: byte offsets to line and column") {
  const std::string_view text = "ab\ncd\n\nx";
  CHECK(position_of(text, 0).line == 1);
  CHECK(position_of(text, 0).column == 1);
  CHECK(position_of(text, 4).line == 2);
  CHECK(position_of(text, 4).column == 2);
  CHECK(position_of(text, 7).line == 4);
  CHECK(position_of(text, 7).column == 1);
  CHECK(position_of(text, 100).line == 4);
}

TEST_CASE("config: Secret holds bytes, refuses overflow, copies independently") {
  Secret s;
  CHECK(s.empty());
  CHECK(s.assign("hunter2"));
  CHECK(s.reveal() == "hunter2");
  Secret copy = s;
  s.clear();
  CHECK(s.empty());
  CHECK(copy.reveal() == "hunter2");
  CHECK_FALSE(copy.assign(std::string(Secret::kCapacity + 1, 'x')));
  CHECK(copy.empty());
  CHECK(copy.assign(std::string(Secret::kCapacity, 'x')));
}
