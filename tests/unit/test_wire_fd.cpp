// wire::Fd, the one fd owner: closes exactly once, on its owner's end.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "pipe_test_util.hpp"
#include "wire/fd.hpp"

namespace {
bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

using pipe_test::Pipe;
}  // namespace

TEST_CASE("wire: Fd closes once, on its owner's end") {
  int raw = -1;
  {
    Pipe p;
    raw = p.read.get();
    wire::Fd moved(std::move(p.read));
    CHECK_FALSE(p.read.valid());
    CHECK(moved.get() == raw);
    wire::Fd assigned;
    assigned = std::move(moved);
    CHECK_FALSE(moved.valid());
    CHECK(is_open(raw));
    int released = assigned.release();
    CHECK(released == raw);
    CHECK_FALSE(assigned.valid());
    assigned.reset(released);
  }
  CHECK_FALSE(is_open(raw));
}

TEST_CASE("wire: Fd::close reports, and leaves nothing to close twice") {
  Pipe p;
  const int raw = p.write.get();
  CHECK(p.write.close() == 0);
  CHECK_FALSE(p.write.valid());
  CHECK_FALSE(is_open(raw));
  CHECK(p.write.close() == 0);  // nothing held: nothing to report
  wire::Fd none;
  CHECK_FALSE(none);
  none.reset();  // closing nothing is fine
  CHECK(none.get() == -1);
}
