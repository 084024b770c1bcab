// The whole negotiation as the daemon drives it: a hostile server's TCP
// stream (any split), its PPP frames, time passing, TCP closing, the kernel
// hanging up and the user stopping, in any order the input scripts, through
// pptp::Control and ppp::Session exactly as Attempt glues them (see
// negotiation_driver.hpp for the script format and the invariants: no IP
// before MPPE runs, never up without MPPE when required, no auth or MPPE
// downgrade, bounded output, printable text, teardown always ends).
//
// `fuzz_negotiation --generate=DIR` writes the seed scripts instead
// (negotiation_corpus.hpp); minimised with a campaign's finds, they are the
// committed corpus in tests/fuzz/corpus/negotiation, which scripts/fuzz uses.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "negotiation_corpus.hpp"
#include "negotiation_driver.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  constexpr std::string_view flag = "--generate=";
  for (int i = 1; i < *argc; ++i) {
    const std::string_view arg = (*argv)[i];
    if (arg.substr(0, flag.size()) == flag) std::exit(negotiation::generate(std::string(arg.substr(flag.size()))));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  negotiation::run_script(data, size);
  return 0;
}
