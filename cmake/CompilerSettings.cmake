# Project-wide compiler settings: warnings, optimisation, sanitizers.
add_library(ax_warnings INTERFACE)
target_compile_options(ax_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                       -Wno-sign-conversion
                       # GCC 12 reports false positives inside its own AVX-512 intrinsics (inlined from Eigen).
                       -Wno-maybe-uninitialized -Wno-uninitialized)

if(CMAKE_BUILD_TYPE STREQUAL "Release")
  add_compile_options(-O3)
endif()

if(AX_NATIVE)
  # The project is built and run on the same machine (scripts/test.sh, scripts/run.sh), so the
  # build machine's vector units (AVX2/AVX-512) are what the engine's kernels should use.
  add_compile_options(-march=native)
endif()

if(AX_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
