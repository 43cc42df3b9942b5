// The build's 4-lane SIMD vocabulary, for the data-movement code around the kernels (packing,
// padding, write-out) that is written once for 4 lanes: SIMD128 in wasm, SSE natively.
// AELAB_SIMD4 names it (simd::AELAB_SIMD4) and is undefined when there is none.
#pragma once
#if defined(__wasm_simd128__)
#include "simd_simd128.hpp"
#define AELAB_SIMD4 Simd128
#elif defined(__SSE__) || defined(__x86_64__)
#include "simd_sse.hpp"
#define AELAB_SIMD4 Sse
#endif
