#pragma once
// A pipe whose two ends are owned, for tests of fd owners and of writers
// that must never block.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include "wire/fd.hpp"

namespace pipe_test {

struct Pipe {
  wire::Fd read, write;
  Pipe() {
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    read.reset(p[0]);
    write.reset(p[1]);
  }
};

}  // namespace pipe_test
