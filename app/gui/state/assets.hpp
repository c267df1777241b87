// Where the app's assets (lessons, scenarios, word vectors, language models) are.
#pragma once

#include <string>

namespace ax {

// The directory of the app's assets: $AX_ASSETS_DIR, else the source tree's assets/.
std::string assets_directory();

}  // namespace ax
