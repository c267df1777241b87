// Text of the shaders in shaders/, embedded at build time (cmake/EmbedFiles.cmake).
#pragma once

#include <string_view>

namespace ax {

// The source of shaders/<name>, or empty when no such shader was embedded.
std::string_view embedded_shader(std::string_view name);

}  // namespace ax
