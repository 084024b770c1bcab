#pragma once
// Bounds-checked cursor over wire bytes. Every read checks the remaining
// length first and latches a failure flag instead of reading past the end, so
// a parser can read a whole header and check ok() once.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wire {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  bool ok() const { return ok_; }
  std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  std::size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return data_[pos_++];
  }
  std::uint16_t u16() {
    if (!need(2)) return 0;
    auto v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32() {
    if (!need(4)) return 0;
    std::uint32_t v = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
                      (std::uint32_t{data_[pos_ + 2]} << 8) | std::uint32_t{data_[pos_ + 3]};
    pos_ += 4;
    return v;
  }
  // A view of the next n bytes; empty (and failed) if fewer remain.
  ByteView bytes(std::size_t n) {
    if (!need(n)) return {};
    auto v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  ByteView rest() { return bytes(remaining()); }
  bool skip(std::size_t n) { return !bytes(n).empty() || n == 0; }
  // A fixed-size, NUL-padded text field (PPTP host names and the like).
  std::string fixed_string(std::size_t n) {
    auto v = bytes(n);
    std::string s(v.begin(), v.end());
    if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
    return s;
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  ByteView data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

class Writer {
 public:
  Writer() = default;
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }

  Writer& u8(std::uint8_t v) {
    out_.push_back(v);
    return *this;
  }
  Writer& u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  Writer& u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
    return *this;
  }
  Writer& bytes(ByteView v) {
    out_.insert(out_.end(), v.begin(), v.end());
    return *this;
  }
  Writer& zeros(std::size_t n) {
    out_.insert(out_.end(), n, 0);
    return *this;
  }
  // Writes s truncated or NUL-padded to exactly n bytes.
  Writer& fixed_string(std::string_view s, std::size_t n) {
    auto len = s.size() < n ? s.size() : n;
    out_.insert(out_.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(len));
    return zeros(n - len);
  }
  // Overwrites a big-endian u16 already written, for length fields known late.
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_.at(at) = static_cast<std::uint8_t>(v >> 8);
    out_.at(at + 1) = static_cast<std::uint8_t>(v);
  }
  std::size_t size() const { return out_.size(); }
  const Bytes& view() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

}  // namespace wire
