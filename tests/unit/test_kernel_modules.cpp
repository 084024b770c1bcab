#include <doctest/doctest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kernel/modules.hpp"

namespace {

using kernel::KernelPiece;

struct ProbeCase {
  const char* what;
  int ppp_errno;   // what open("/dev/ppp") gives
  int pptp_errno;  // what socket(AF_PPPOX, ..., PX_PROTO_PPTP) gives
  bool fips;
  std::vector<KernelPiece> gaps;
};

const ProbeCase kCases[] = {
    {"everything there", 0, 0, false, {}},
    {"no /dev/ppp node", ENOENT, 0, false, {KernelPiece::Ppp}},
    {"a /dev/ppp node without its driver", ENODEV, 0, false, {KernelPiece::Ppp}},
    {"a /dev/ppp node without a device", ENXIO, 0, false, {KernelPiece::Ppp}},
    {"no PPPoX family", 0, EAFNOSUPPORT, false, {KernelPiece::Pptp}},
    {"PPPoX without PPTP", 0, EPROTONOSUPPORT, false, {KernelPiece::Pptp}},
    {"FIPS mode", 0, 0, true, {KernelPiece::Mppe}},
    {"nothing at all", ENOENT, EAFNOSUPPORT, true, {KernelPiece::Ppp, KernelPiece::Pptp, KernelPiece::Mppe}},
    // Refusals that do not mean "missing": the real open says why later.
    {"/dev/ppp needs root", EACCES, 0, false, {}},
    {"/dev/ppp blocked by a device policy", EPERM, 0, false, {}},
    {"PPTP socket needs CAP_NET_ADMIN", 0, EPERM, false, {}},
    {"out of file descriptors", EMFILE, EMFILE, false, {}},
};

kernel::KernelProbes fake(const ProbeCase& c) {
  return {[&c] { return c.ppp_errno; }, [&c] { return c.pptp_errno; }, [&c] { return c.fips; }};
}

std::vector<KernelPiece> pieces(const std::vector<kernel::KernelGap>& gaps) {
  std::vector<KernelPiece> out;
  for (const auto& g : gaps) out.push_back(g.piece);
  return out;
}

}  // namespace

TEST_CASE("kernel: probing finds each missing piece by its errno") {
  for (const auto& c : kCases) {
    CAPTURE(c.what);
    auto gaps = kernel::probe_kernel_support(fake(c));
    CHECK(pieces(gaps) == c.gaps);
    for (const auto& g : gaps) CHECK(!g.sentence.empty());
  }
}

TEST_CASE("kernel: each gap is one sentence that names what is missing") {
  struct {
    KernelPiece piece;
    const char* sentence;
  } const kSentences[] = {
      {KernelPiece::Ppp, "the kernel has no PPP support (module ppp_generic not available): cannot open /dev/ppp: "
                         "no such file or directory"},
      {KernelPiece::Pptp, "the kernel has no PPTP support (module pptp not available)"},
      {KernelPiece::Mppe, "MPPE is missing in the kernel: FIPS mode forbids MPPE"},
  };
  auto gaps = kernel::probe_kernel_support({[] { return ENOENT; }, [] { return EAFNOSUPPORT; }, [] { return true; }});
  REQUIRE(gaps.size() == std::size(kSentences));
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    CHECK(gaps[i].piece == kSentences[i].piece);
    CHECK(gaps[i].sentence == kSentences[i].sentence);
  }
}

TEST_CASE("kernel: a probe left out is not asked") {
  CHECK(kernel::probe_kernel_support({}).empty());
  int asked = 0;
  auto gaps = kernel::probe_kernel_support({{}, [&] { ++asked; return EPROTONOSUPPORT; }, {}});
  CHECK(asked == 1);
  CHECK(pieces(gaps) == std::vector<KernelPiece>{KernelPiece::Pptp});
}

TEST_CASE("kernel: FIPS mode is read from its proc file") {
  struct {
    const char* content;  // nullptr: no such file
    bool fips;
  } const kFips[] = {{"1\n", true}, {"0\n", false}, {"", false}, {"junk\n", false}, {nullptr, false}};
  std::string tmpl = (std::filesystem::temp_directory_path() / "pptpctl-fips-XXXXXX").string();
  std::filesystem::path dir = mkdtemp(tmpl.data());
  for (const auto& f : kFips) {
    CAPTURE(f.content ? f.content : "(none)");
    auto path = (dir / "fips_enabled").string();
    std::filesystem::remove(path);
    if (f.content) std::ofstream(path) << f.content;
    CHECK(kernel::fips_mode(path) == f.fips);
  }
  std::filesystem::remove_all(dir);
}
