#include "shell/session.hpp"

#include <cstdlib>
#include <filesystem>

namespace ax {

std::string last_session_path() {
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::filesystem::path(home) / ".config";
  } else {
    return {};
  }
  return (base / "attention-explorer" / "last-session.json").string();
}

}  // namespace ax
