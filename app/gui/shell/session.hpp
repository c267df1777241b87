// The last session: saved on exit, restored on the next start.
#pragma once

#include <string>

namespace ax {

// $XDG_CONFIG_HOME/attention-explorer/last-session.json, or ~/.config/...; empty when neither
// variable is set.
std::string last_session_path();

}  // namespace ax
