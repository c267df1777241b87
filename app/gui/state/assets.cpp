#include "state/assets.hpp"

#include <cstdlib>

#ifndef AX_SOURCE_ASSETS_DIR
#define AX_SOURCE_ASSETS_DIR "assets"
#endif

namespace ax {

std::string assets_directory() {
  if (const char* env = std::getenv("AX_ASSETS_DIR"); env && *env) return env;
  return AX_SOURCE_ASSETS_DIR;
}

}  // namespace ax
