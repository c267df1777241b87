// The last line of defence of the frame loop: an exception that escapes a panel or a service
// must not end a lecture in std::terminate.
#pragma once

#include <functional>

#include "panels/ui_context.hpp"
#include "state/app_state.hpp"

namespace ax {

// Runs one frame's UI code. If it throws, the ImGui scopes it left open (windows, pushed fonts,
// colours, IDs) are closed so the frame can still end, `state` goes back to what it was before the
// frame (the last good state), and the message goes to the message bar. Returns false then.
bool run_guarded_frame(AppState& state, Messages& messages, const std::function<void()>& frame);

}  // namespace ax
