#pragma once
// A password held in a fixed buffer that is wiped when it dies. A fixed
// buffer, not std::string, because a growing string leaves stale copies of
// its bytes behind in freed heap blocks. There is deliberately no stream
// operator, no to_string and no implicit conversion: getting at the bytes
// takes a call to reveal(), which is easy to find in review.
#include <array>
#include <cstddef>
#include <string_view>

namespace config {

class Secret {
 public:
  static constexpr std::size_t kCapacity = 1024;

  Secret() = default;
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  ~Secret();

  // False (and the secret left empty) when `bytes` does not fit.
  bool assign(std::string_view bytes);
  void clear();

  std::string_view reveal() const { return {bytes_.data(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  std::array<char, kCapacity> bytes_{};
  std::size_t size_ = 0;
};

// Overwrites `bytes` in a way the optimiser may not drop, for buffers that
// held a secret on their way into a Secret.
void wipe(char* bytes, std::size_t n);

}  // namespace config
