# Project-wide compiler settings: warnings, optimisation, sanitizers.
add_library(ax_warnings INTERFACE)
target_compile_options(ax_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                       -Wno-sign-conversion
                       # GCC 12 reports false positives inside its own AVX-512 intrinsics (inlined from Eigen);
                       # clang (the fuzz build) does not know the first flag.
                       $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized> -Wno-uninitialized)

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

if(AX_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=thread)
endif()

if(AX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AX_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage instrumentation for the fuzzer in every library; only the fuzz targets link libFuzzer's
  # main. UB aborts so the fuzzer records it as a crash.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
