// The build's 4-lane SIMD vocabulary, for the data-movement code around the kernels (packing,
// padding, write-out) that is written once for 4 lanes: SIMD128 in wasm, SSE natively.
// AELAB_SIMD4 names it (simd::AELAB_SIMD4) and is undefined when there is none.
#pragma once
#include "isa.hpp"
#if defined(AELAB_ISA_SIMD128)
#include "simd_simd128.hpp"
#define AELAB_SIMD4 Simd128
#elif defined(AELAB_ISA_SSE)
#include "simd_sse.hpp"
#define AELAB_SIMD4 Sse
#endif
