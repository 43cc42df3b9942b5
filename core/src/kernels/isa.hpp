// The instruction sets this build compiles SIMD code for: the one #if chain that the kernels,
// their dispatch (dispatch.cpp), the SIMD peak loop and the benchmark read. Fixed at compile
// time (the native build uses -march=native, the web build -msimd128). AELAB_FORCE_SCALAR
// (cmake -DAELAB_FORCE_SCALAR=ON) compiles none of them: the scalar paths a target without
// x86 or WebAssembly SIMD takes, built and tested on any machine.
//   AELAB_ISA_AVX2     AVX2 + FMA, 8 lanes
//   AELAB_ISA_SSE      SSE, 4 lanes: every x86-64, so also defined alongside AELAB_ISA_AVX2
//   AELAB_ISA_SIMD128  WebAssembly SIMD128, 4 lanes
//   AELAB_ISA_SCALAR   none of the above
// AELAB_ISA_NAME names the widest: "avx2+fma", "wasm-simd128", "sse" or "scalar".
#pragma once

#if !defined(AELAB_FORCE_SCALAR)
#if defined(__AVX2__) && defined(__FMA__)
#define AELAB_ISA_AVX2 1
#endif
#if defined(__SSE__) || defined(__x86_64__)
#define AELAB_ISA_SSE 1
#endif
#if defined(__wasm_simd128__)
#define AELAB_ISA_SIMD128 1
#endif
#endif

#if defined(AELAB_ISA_AVX2)
#define AELAB_ISA_NAME "avx2+fma"
#elif defined(AELAB_ISA_SIMD128)
#define AELAB_ISA_NAME "wasm-simd128"
#elif defined(AELAB_ISA_SSE)
#define AELAB_ISA_NAME "sse"
#else
#define AELAB_ISA_SCALAR 1
#define AELAB_ISA_NAME "scalar"
#endif
