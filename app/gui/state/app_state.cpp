#include "state/app_state.hpp"

namespace ax {

std::vector<std::array<double, 2>> default_points() {
  return {{-1.6, 0.9}, {-1.1, 1.4}, {-0.8, 0.6}, {-1.4, 0.2}, {1.2, -0.4},
          {0.9, -1.1}, {1.6, -0.9}, {1.3, -1.5}, {0.1, 0.2}};
}

}  // namespace ax
