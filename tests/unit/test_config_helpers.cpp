// The small pieces under the profile parser: IPv4/CIDR/host-name syntax,
// typo suggestions, text positions, the wiping Secret.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <variant>

#include "config/ipv4.hpp"
#include "config/json_document.hpp"
#include "config/secret.hpp"
#include "config/suggest.hpp"

using namespace config;

TEST_CASE("config: strict dotted quads") {
  CHECK(parse_ipv4("192.0.2.1") == Ipv4{192, 0, 2, 1});
  CHECK(parse_ipv4("0.0.0.0") == Ipv4{0, 0, 0, 0});
  CHECK(parse_ipv4("255.255.255.255") == Ipv4{255, 255, 255, 255});
  for (std::string_view bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3",
                               "1.2.3.4.", " 1.2.3.4", "1.2.3.-4", "1.2.3.4x", "0x1.2.3.4", "1234.1.1.1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ipv4(bad).has_value());
  }
}

TEST_CASE("config: CIDR networks") {
  auto net = parse_cidr("203.0.113.0/24");
  REQUIRE(std::holds_alternative<Cidr>(net));
  CHECK(std::get<Cidr>(net).network == Ipv4{203, 0, 113, 0});
  CHECK(std::get<Cidr>(net).prefix == 24);
  CHECK(std::holds_alternative<Cidr>(parse_cidr("0.0.0.0/0")));
  CHECK(std::holds_alternative<Cidr>(parse_cidr("192.0.2.7/32")));
  CHECK(std::get<std::string>(parse_cidr("192.0.2.7/31")) ==
        "host bits must be zero; did you mean 192.0.2.6/31?");
  CHECK(std::get<std::string>(parse_cidr("1.0.0.0/0")) == "host bits must be zero; did you mean 0.0.0.0/0?");
  CHECK(std::get<std::string>(parse_cidr("10.0.0.0/33")) == "the prefix length must be 0 to 32");
  CHECK(std::get<std::string>(parse_cidr("10.0.0.0/")) == "the prefix length must be 0 to 32");
  CHECK(std::get<std::string>(parse_cidr("10.0.0.0/08")) == "the prefix length must be 0 to 32");
  CHECK(std::get<std::string>(parse_cidr("10.0.0.0/-1")) == "the prefix length must be 0 to 32");
  CHECK(std::get<std::string>(parse_cidr("10.0.0.0")) == "the prefix length is missing");
  CHECK(std::get<std::string>(parse_cidr("ten/8")) == "the address is not a dotted quad like 203.0.113.0");
}

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
