// The robustness chart of the trained language models: held-out perplexity against M and s_g.
#pragma once

#include "panels/ui_context.hpp"

namespace ax {

void draw_robustness_chart(UiContext& ctx);

}  // namespace ax
