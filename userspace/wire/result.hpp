#pragma once
// Errors are values. Three kinds the caller can act on: drop the packet and
// carry on, try again later, or give up with a sentence a person understands.
#include <string>
#include <utility>
#include <variant>

namespace wire {

enum class ErrorKind { Ignore, Retry, Fatal };

struct Error {
  ErrorKind kind = ErrorKind::Fatal;
  std::string reason;

  static Error ignore(std::string r) { return {ErrorKind::Ignore, std::move(r)}; }
  static Error retry(std::string r) { return {ErrorKind::Retry, std::move(r)}; }
  static Error fatal(std::string r) { return {ErrorKind::Fatal, std::move(r)}; }
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};

}  // namespace wire
