// Copies that bypass the cache (internal to core): for results written once and not read back
// soon, such as an n x m weight matrix far larger than the cache. An ordinary store first reads
// each destination line into the cache (read for ownership) and later writes it back; a streaming
// store only writes, halving the memory traffic of the result.
#pragma once

#include <algorithm>
#include <cstdint>

#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include "attn/base/types.hpp"

namespace attn::detail {

// dst[0..count) = scale * src[0..count) (scale 1 copies exactly). The destination's first bytes up
// to a vector boundary and the last partial vector use ordinary stores.
template <class T>
void store_streaming(const T* src, T* dst, Index count, T scale = T(1)) {
  Index k = 0;
#if defined(__AVX512F__)
  constexpr std::uintptr_t kAlign = 64;
#elif defined(__AVX__)
  constexpr std::uintptr_t kAlign = 32;
#elif defined(__SSE2__)
  constexpr std::uintptr_t kAlign = 16;
#else
  constexpr std::uintptr_t kAlign = 0;
#endif
  if constexpr (kAlign > 0) {
    constexpr Index lanes = static_cast<Index>(kAlign / sizeof(T));
    while (k < count && reinterpret_cast<std::uintptr_t>(dst + k) % kAlign != 0) {
      dst[k] = scale * src[k];
      ++k;
    }
    if (reinterpret_cast<std::uintptr_t>(dst + k) % kAlign == 0) {
      for (; k + lanes <= count; k += lanes) {
        if constexpr (sizeof(T) == 4) {
#if defined(__AVX512F__)
          _mm512_stream_ps(
              reinterpret_cast<float*>(dst + k),
              _mm512_mul_ps(_mm512_set1_ps(float(scale)), _mm512_loadu_ps(reinterpret_cast<const float*>(src + k))));
#elif defined(__AVX__)
          _mm256_stream_ps(
              reinterpret_cast<float*>(dst + k),
              _mm256_mul_ps(_mm256_set1_ps(float(scale)), _mm256_loadu_ps(reinterpret_cast<const float*>(src + k))));
#elif defined(__SSE2__)
          _mm_stream_ps(reinterpret_cast<float*>(dst + k),
                        _mm_mul_ps(_mm_set1_ps(float(scale)), _mm_loadu_ps(reinterpret_cast<const float*>(src + k))));
#endif
        } else {
#if defined(__AVX512F__)
          _mm512_stream_pd(
              reinterpret_cast<double*>(dst + k),
              _mm512_mul_pd(_mm512_set1_pd(double(scale)), _mm512_loadu_pd(reinterpret_cast<const double*>(src + k))));
#elif defined(__AVX__)
          _mm256_stream_pd(
              reinterpret_cast<double*>(dst + k),
              _mm256_mul_pd(_mm256_set1_pd(double(scale)), _mm256_loadu_pd(reinterpret_cast<const double*>(src + k))));
#elif defined(__SSE2__)
          _mm_stream_pd(reinterpret_cast<double*>(dst + k),
                        _mm_mul_pd(_mm_set1_pd(double(scale)), _mm_loadu_pd(reinterpret_cast<const double*>(src + k))));
#endif
        }
      }
    }
  }
  for (; k < count; ++k) dst[k] = scale * src[k];
}

// dst[0..count) = value, by streaming stores where whole aligned vectors fit (masked keys' zeros,
// an undefined row's NaN: written once, never read back here).
template <class T>
void fill_streaming(T* dst, Index count, T value) {
  Index k = 0;
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
#if defined(__AVX512F__)
  constexpr std::uintptr_t kAlign = 64;
#elif defined(__AVX__)
  constexpr std::uintptr_t kAlign = 32;
#else
  constexpr std::uintptr_t kAlign = 16;
#endif
  constexpr Index lanes = static_cast<Index>(kAlign / sizeof(T));
  while (k < count && reinterpret_cast<std::uintptr_t>(dst + k) % kAlign != 0) dst[k++] = value;
  if (reinterpret_cast<std::uintptr_t>(dst + k) % kAlign == 0) {
    for (; k + lanes <= count; k += lanes) {
      if constexpr (sizeof(T) == 4) {
#if defined(__AVX512F__)
        _mm512_stream_ps(reinterpret_cast<float*>(dst + k), _mm512_set1_ps(float(value)));
#elif defined(__AVX__)
        _mm256_stream_ps(reinterpret_cast<float*>(dst + k), _mm256_set1_ps(float(value)));
#else
        _mm_stream_ps(reinterpret_cast<float*>(dst + k), _mm_set1_ps(float(value)));
#endif
      } else {
#if defined(__AVX512F__)
        _mm512_stream_pd(reinterpret_cast<double*>(dst + k), _mm512_set1_pd(double(value)));
#elif defined(__AVX__)
        _mm256_stream_pd(reinterpret_cast<double*>(dst + k), _mm256_set1_pd(double(value)));
#else
        _mm_stream_pd(reinterpret_cast<double*>(dst + k), _mm_set1_pd(double(value)));
#endif
      }
    }
  }
#endif
  for (; k < count; ++k) dst[k] = value;
}

// Streaming stores are weakly ordered: fence them before the work is handed to another thread.
inline void finish_streaming_stores() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

}  // namespace attn::detail
