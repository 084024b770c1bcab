#include "config/secret.hpp"

#include <string.h>  // explicit_bzero

#include <algorithm>

namespace config {

Secret::~Secret() { clear(); }

bool Secret::assign(std::string_view bytes) {
  clear();
  if (bytes.size() > kCapacity) return false;
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
  size_ = bytes.size();
  return true;
}

void Secret::clear() {
  wipe(bytes_.data(), bytes_.size());
  size_ = 0;
}

void wipe(char* bytes, std::size_t n) {
  if (n != 0) explicit_bzero(bytes, n);
}

}  // namespace config
