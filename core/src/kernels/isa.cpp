// The run-time choice of instruction set (isa.hpp): the widest set compiled in that this CPU
// runs, AVX2+FMA, else SSE (every x86-64), else scalar; WebAssembly SIMD128 in the web build
// (fixed at compile time there). set_isa() and the environment variable AELAB_ISA force a
// narrower one, so tests and benchmarks reach every variant on one machine.
#include "isa.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/gemm.hpp"

#if defined(AELAB_ISA_AVX2)
#include <cpuid.h>
#endif

namespace aelab {

namespace {

#if defined(AELAB_ISA_AVX2)
// AVX2 and FMA in CPUID, and the OS saves the YMM state (OSXSAVE set and XCR0 holding both the
// SSE and the AVX bits): the check __builtin_cpu_supports also makes in libgcc, done here by
// hand so it does not depend on the compiler runtime's version.
bool cpu_has_avx2_fma() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool osxsave = ecx & (1u << 27), avx = ecx & (1u << 28), fma = ecx & (1u << 12);
    if (!osxsave || !avx || !fma) return false;
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));  // XGETBV, XCR0
    if ((xcr0_lo & 0x6u) != 0x6u) return false;                           // XMM and YMM state
    if (__get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return ebx & (1u << 5);  // AVX2
}
#endif

struct IsaName {
    Isa isa;
    const char* name;   // what instruction_set() says
    const char* alias;  // what set_isa() also takes
};
constexpr IsaName kNames[] = {
    {Isa::avx2, "avx2+fma", "avx2"},
    {Isa::simd128, "wasm-simd128", "simd128"},
    {Isa::sse, "sse", "sse"},
    {Isa::scalar, "scalar", "scalar"},
};

const char* name_of(Isa isa) {
    for (const IsaName& n : kNames)
        if (n.isa == isa) return n.name;
    return "scalar";
}

Isa detect() {
    for (const IsaName& n : kNames)
        if (isa_runnable(n.isa)) return n.isa;
    return Isa::scalar;
}

// -1 until first use: then the environment's choice (AELAB_ISA) or the detected one.
std::atomic<int> g_active{-1};

// The set `name` names if this build and CPU run it; otherwise an error saying what they run.
Isa parse(const std::string& name, const char* who) {
    if (name == "auto" || name.empty()) return detect();
    std::string runnable;
    for (const IsaName& n : kNames)
        if (isa_runnable(n.isa)) runnable += std::string(runnable.empty() ? "" : ", ") + n.alias;
    for (const IsaName& n : kNames)
        if (name == n.name || name == n.alias) {
            if (isa_runnable(n.isa)) return n.isa;
            throw Error(std::string(who) + ": " + n.name + " is not " +
                        (n.isa == Isa::simd128 || n.isa == Isa::sse ? "in this build"
                                                                     : "supported by this CPU") +
                        " (this machine runs: " + runnable + ", or auto)");
        }
    throw Error(std::string(who) + ": unknown instruction set (known: avx2, sse, simd128, scalar, "
                "auto; this machine runs: " + runnable + ")");
}

}  // namespace

bool isa_runnable(Isa isa) {
    switch (isa) {
        case Isa::scalar:
            return true;
        case Isa::sse:
#if defined(AELAB_ISA_SSE)
            return true;
#else
            return false;
#endif
        case Isa::simd128:
#if defined(AELAB_ISA_SIMD128)
            return true;
#else
            return false;
#endif
        case Isa::avx2: {
#if defined(AELAB_ISA_AVX2)
            static const bool has = cpu_has_avx2_fma();
            return has;
#else
            return false;
#endif
        }
    }
    return false;
}

int isa_rank(Isa isa) { return isa == Isa::scalar ? 0 : isa == Isa::avx2 ? 2 : 1; }

Isa active_isa() {
    int v = g_active.load(std::memory_order_relaxed);
    if (v >= 0) return Isa(v);
    Isa isa = detect();
    if (const char* env = std::getenv("AELAB_ISA"); env && *env) {
        try {
            isa = parse(env, "AELAB_ISA");
        } catch (const Error& e) {  // a bad variable must not stop the app: say so, run detected
            std::fprintf(stderr, "aelab: %s; using %s\n", e.what(), name_of(isa));
        }
    }
    int expected = -1;
    g_active.compare_exchange_strong(expected, int(isa));
    return Isa(g_active.load());
}

bool isa_allowed(Isa kernel) { return isa_rank(kernel) <= isa_rank(active_isa()); }

const char* instruction_set() { return name_of(active_isa()); }
const char* detected_instruction_set() { return name_of(detect()); }

std::vector<std::string> runnable_instruction_sets() {
    std::vector<std::string> names;
    for (const IsaName& n : kNames)
        if (isa_runnable(n.isa)) names.push_back(n.name);
    return names;
}

void set_isa(const std::string& name) { g_active.store(int(parse(name, "set_isa"))); }

}  // namespace aelab
