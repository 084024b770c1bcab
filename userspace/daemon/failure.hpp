#pragma once
// What a failure means for the user and for the redial: the exit code each
// protocol failure maps to, and whether trying again could ever help.
#include "daemon/exit_codes.hpp"
#include "ppp/session.hpp"
#include "pptp/control.hpp"

namespace pptpctl {

Exit exit_for(ppp::FailureKind kind);
// A control connection that ends after the link was up is a lost link; the
// same before it is the server refusing or timing out.
Exit exit_for(pptp::FailureCategory category, bool was_up);

// Permanent failures stop the tunnel at once: no retry can fix a bad
// profile, a kernel without PPTP, a wrong password, an impostor server or an
// MPPE policy the server cannot meet. Everything else is worth another try.
bool is_permanent(Exit code);

}  // namespace pptpctl
