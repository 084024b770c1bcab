// Every copy of the password is wiped when it is no longer needed (issue 9,
// item 7). What can be observed from outside: a wiped string leaves no byte
// of the secret in its buffer, a short one moved from included, and the
// credentials wipe themselves on destruction.
#include <doctest/doctest.h>

#include <algorithm>
#include <new>
#include <string>
#include <string_view>

#include "ppp/auth.hpp"
#include "ppp/auth_text.hpp"

using namespace ppp::auth;

namespace {

bool holds(const unsigned char* begin, std::size_t n, std::string_view needle) {
  const auto* end = begin + n;
  return std::search(begin, end, needle.begin(), needle.end(),
                     [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); }) != end;
}

}  // namespace

TEST_CASE("secrets: wipe() clears a string's whole buffer, a moved-from short one too") {
  for (std::string_view pw : {std::string_view("pw-7Qx"), std::string_view("a-longer-password-on-the-heap-93kd")}) {
    CAPTURE(pw);
    std::string s(pw);
    wipe(s);
    CHECK(s.empty());
    CHECK_FALSE(holds(reinterpret_cast<const unsigned char*>(s.data()), s.capacity(), pw));

    // std::move of a short string copies the bytes out of its inline buffer
    // and leaves them there; the source reports empty.
    std::string from(pw);
    std::string to = std::move(from);
    wipe(from);
    CHECK_FALSE(holds(reinterpret_cast<const unsigned char*>(from.data()), from.capacity(), pw));
    CHECK(to == pw);
    wipe(to);
  }
}

TEST_CASE("secrets: AuthCredentials wipe their password when they die") {
  alignas(AuthCredentials) unsigned char storage[sizeof(AuthCredentials)];
  auto* c = new (storage) AuthCredentials{"alice", "pw-7Qx", {}};
  REQUIRE(holds(storage, sizeof storage, "pw-7Qx"));  // short: inside the object
  c->~AuthCredentials();
  CHECK_FALSE(holds(storage, sizeof storage, "pw-7Qx"));
}
