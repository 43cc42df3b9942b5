// Tests for the image-quality measures of core/src/ops/loss.cpp (the losses themselves are
// checked against PyTorch in test_golden.cpp and by finite differences in test_gradcheck.cpp).
#include <doctest/doctest.h>

#include <cmath>

#include "aelab/error.hpp"
#include "aelab/loss.hpp"

using namespace aelab;

TEST_CASE("psnr: 10 log10(1 / MSE) against hand computations") {
    const Tensor a = from_values({1, 1, 2, 2}, {0.0f, 0.5f, 1.0f, 0.25f});
    const Tensor b = from_values({1, 1, 2, 2}, {0.1f, 0.5f, 0.8f, 0.25f});
    // squared errors 0.01, 0, 0.04, 0: MSE = 0.05 / 4 = 0.0125, PSNR = 10 log10(80) = 19.0309 dB
    CHECK(psnr_db(a, b) == doctest::Approx(19.0309).epsilon(1e-5));
    CHECK(psnr_db(b, a) == doctest::Approx(19.0309).epsilon(1e-5));
    CHECK(psnr_from_mse(0.01) == doctest::Approx(20.0));
    CHECK(psnr_from_mse(1.0) == doctest::Approx(0.0));
    CHECK(psnr_from_mse(0.25) == doctest::Approx(6.0206).epsilon(1e-4));  // sigma = 0.5 noise, unclipped
    CHECK(std::isinf(psnr_db(a, a)));
    CHECK_THROWS_AS(psnr_from_mse(-1.0), Error);
    CHECK_THROWS_AS(psnr_db(a, zeros({1, 1, 2, 3})), Error);
}
