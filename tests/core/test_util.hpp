// Helpers shared by the core tests: random buffers from aelab::Rng and closeness checks.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/error.hpp"
#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train_job.hpp"

namespace testutil {

// The packed Fashion-MNIST subset the training tests use, loaded once per test binary.
inline const aelab::Dataset& dataset() {
    static const aelab::Dataset d = aelab::load_dataset(AELAB_TEST_DATASET);
    return d;
}

// Whether building the job a spec names (on the test dataset) throws an aelab::Error whose
// message names `key`.
inline bool job_throws_naming(const aelab::JobSpec& spec, const std::string& key) {
    try {
        aelab::make_job(spec, &dataset());
    } catch (const aelab::Error& e) {
        return std::string(e.what()).find(key) != std::string::npos;
    }
    return false;
}

// A job's view state (TrainJob::save_view).
inline std::vector<float> job_view(const aelab::TrainJob& job) {
    std::vector<float> v;
    job.save_view(v);
    return v;
}

inline std::vector<float> random_vector(aelab::Rng& rng, std::size_t n, float lo = -1.0f,
                                        float hi = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(lo, hi);
    return v;
}

inline aelab::Tensor random_tensor(aelab::Rng& rng, const aelab::Shape& shape, float lo = -1.0f,
                                   float hi = 1.0f) {
    aelab::Tensor t = aelab::zeros(shape);
    for (auto& x : t) x = rng.uniform(lo, hi);
    return t;
}

// max |a - b| / max(1, max |b|) (b is the reference): float sums taken in a different order
// differ by a few ulps of the largest values, not of each element (cancellation makes
// elementwise relative errors meaningless near zero).
inline double max_rel_error(const float* a, const float* b, std::size_t n) {
    double worst = 0, scale = 1;
    for (std::size_t i = 0; i < n; ++i) {
        worst = std::max(worst, std::fabs(double(a[i]) - b[i]));
        scale = std::max(scale, std::fabs(double(b[i])));
    }
    return worst / scale;
}

inline double max_rel_error(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    return max_rel_error(a.data(), b.data(), a.size());
}

inline double max_rel_error(const aelab::Tensor& a, const aelab::Tensor& b) {
    REQUIRE(aelab::shape_str(a.shape()) == aelab::shape_str(b.shape()));
    return max_rel_error(a.data(), b.data(), a.size());
}

// Exact equality of a tensor with expected values in row-major order, and of its shape.
inline void check_values(const aelab::Tensor& t, const aelab::Shape& shape,
                         const std::vector<float>& values) {
    REQUIRE(aelab::shape_str(t.shape()) == aelab::shape_str(shape));
    for (std::size_t i = 0; i < values.size(); ++i) {
        INFO("element ", i);
        CHECK(t.data()[i] == doctest::Approx(values[i]).epsilon(1e-6));
    }
}

}  // namespace testutil
