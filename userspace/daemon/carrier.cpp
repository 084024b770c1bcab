#include "daemon/carrier.hpp"

#include "daemon/kernel_carrier.hpp"
#include "daemon/user_carrier.hpp"

namespace pptpctl {

std::unique_ptr<Carrier> make_carrier(config::DataPath path, const config::Profile& profile, CarrierEvents events) {
  switch (path) {
    case config::DataPath::Auto:
    case config::DataPath::Kernel:
      return std::make_unique<KernelCarrier>(profile, std::move(events));
    case config::DataPath::Userspace:
      return std::make_unique<UserCarrier>(profile, std::move(events));
  }
  return std::make_unique<KernelCarrier>(profile, std::move(events));
}

}  // namespace pptpctl
