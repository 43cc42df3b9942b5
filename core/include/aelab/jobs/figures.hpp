// aelab core: doubles in a job's figures. A TrainJob's evaluate() returns floats; a figure the
// lesson keeps as a double (a held-out MSE, a probe's accuracy) travels as three floats whose
// sum is the double again, bit for bit, so the page shows what the recipe computed.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "aelab/error.hpp"

namespace aelab {

// hi = float(v), then the remainders: each subtraction is exact in double and the last
// remainder has at most a few significant bits left, so hi + mid + lo == v (finite v, not
// tiny enough for the remainders to fall below float's range).
inline void push_double(std::vector<float>& out, double v) {
    const float hi = float(v);
    const double r1 = v - double(hi);
    const float mid = float(r1);
    out.push_back(hi);
    out.push_back(mid);
    out.push_back(float(r1 - double(mid)));
}

// Reads the double push_double wrote at f[pos]; advances pos. Throws aelab::Error naming
// `what` when the figures are too short.
inline double read_double(const std::vector<float>& f, std::size_t& pos, const char* what) {
    if (pos + 3 > f.size()) throw Error(std::string(what) + ": the figures end early (" + std::to_string(f.size()) + ")");
    const double v = double(f[pos]) + double(f[pos + 1]) + double(f[pos + 2]);
    pos += 3;
    return v;
}

inline float read_float(const std::vector<float>& f, std::size_t& pos, const char* what) {
    if (pos >= f.size()) throw Error(std::string(what) + ": the figures end early (" + std::to_string(f.size()) + ")");
    return f[pos++];
}

}  // namespace aelab
