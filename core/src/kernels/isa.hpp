// The instruction sets this build compiles SIMD kernels for (the one #if chain that the
// kernels, their dispatch (dispatch.cpp), the SIMD peak loop and the benchmark read) and the
// run-time choice among them (isa.cpp).
//
// Compiled in:
//   AELAB_ISA_AVX2     AVX2 + FMA, 8 lanes. On x86-64 (CMake defines AELAB_AVX2_KERNELS) the
//                      files named *avx2*.cpp are compiled with -mavx2 -mfma and nothing else
//                      is: the rest of the build stays baseline x86-64 (SSE2) unless
//                      AELAB_NATIVE_ARCH=ON. Those kernels are reached only through the
//                      dispatch's function pointers, and only on a CPU (and OS) with AVX2+FMA.
//   AELAB_ISA_SSE      SSE (SSE2 only), 4 lanes: every x86-64, so also defined alongside AVX2
//   AELAB_ISA_SIMD128  WebAssembly SIMD128, 4 lanes (the web build's -msimd128: compile time)
//   AELAB_ISA_SCALAR   none of the above (AELAB_FORCE_SCALAR, or another target)
// The scalar kernels are compiled into every build.
//
// Run time (isa.cpp): the widest set both compiled in and supported by the CPU, unless
// set_isa() or the environment variable AELAB_ISA forces one (tests, benchmarks).
#pragma once

#if !defined(AELAB_FORCE_SCALAR)
#if defined(AELAB_AVX2_KERNELS) && defined(__x86_64__)
#define AELAB_ISA_AVX2 1
#endif
#if defined(__SSE__) || defined(__x86_64__)
#define AELAB_ISA_SSE 1
#endif
#if defined(__wasm_simd128__)
#define AELAB_ISA_SIMD128 1
#endif
#endif

#if !defined(AELAB_ISA_AVX2) && !defined(AELAB_ISA_SSE) && !defined(AELAB_ISA_SIMD128)
#define AELAB_ISA_SCALAR 1
#endif

// A file of AVX2 kernels defines AELAB_AVX2_TU before including this header, and refuses to
// compile without the per-file flags (core/CMakeLists.txt).
#if defined(AELAB_AVX2_TU) && defined(AELAB_ISA_AVX2) && !(defined(__AVX2__) && defined(__FMA__))
#error "*avx2*.cpp must be compiled with -mavx2 -mfma (core/CMakeLists.txt)"
#endif

namespace aelab {

// The instruction sets (sse and simd128 are never both compiled in).
enum class Isa { scalar, sse, simd128, avx2 };

// Whether a kernel of one set may run when another is chosen: scalar < sse, simd128 < avx2.
int isa_rank(Isa isa);

// Compiled in and supported by this CPU (and its OS: AVX state saved by XSAVE).
bool isa_runnable(Isa isa);
// The set the kernels use now (isa.cpp: detected, or forced by set_isa() / AELAB_ISA).
Isa active_isa();
// A kernel of set `kernel` is eligible under the active choice. (Nothing here is inline: the
// AVX2 files include this header, and an inline function they emitted could be the copy the
// linker keeps for every caller.)
bool isa_allowed(Isa kernel);

}  // namespace aelab
