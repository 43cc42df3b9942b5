// Tests for core/src/pca.cpp: the eigensolver on matrices with known spectra, and PCA of
// Fashion-MNIST against NumPy (tests/golden/make_pca_golden.py).
#include <doctest/doctest.h>

#include <cmath>

#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/npy.hpp"
#include "aelab/pca.hpp"
#include "aelab/rng.hpp"

using namespace aelab;

namespace {
// A = Q diag(lambda) Q^T with Q a product of random Householder reflections.
std::vector<double> matrix_with_spectrum(const std::vector<double>& lambda, std::vector<double>& Q, Rng& rng) {
    const std::size_t n = lambda.size();
    Q.assign(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) Q[i * n + i] = 1;
    for (int r = 0; r < 3; ++r) {
        std::vector<double> v(n);
        double s = 0;
        for (double& x : v) x = rng.normal(), s += x * x;
        for (double& x : v) x /= std::sqrt(s);
        for (std::size_t i = 0; i < n; ++i) {  // Q <- Q (I - 2 v v^T)
            double d = 0;
            for (std::size_t j = 0; j < n; ++j) d += Q[i * n + j] * v[j];
            for (std::size_t j = 0; j < n; ++j) Q[i * n + j] -= 2 * d * v[j];
        }
    }
    std::vector<double> A(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) A[i * n + j] += Q[i * n + k] * lambda[k] * Q[j * n + k];
    return A;
}
}  // namespace

TEST_CASE("pca: eigensolver recovers a known spectrum, clusters included") {
    Rng rng(11);
    for (std::size_t n : {1, 2, 3, 7, 40}) {
        CAPTURE(n);
        std::vector<double> lambda(n);
        for (std::size_t i = 0; i < n; ++i) lambda[i] = 10.0 / double(i + 1) - (i % 3 == 0 ? 2.0 : 0.0);
        if (n >= 7) lambda[4] = lambda[5] = 0.77;  // a repeated eigenvalue
        std::vector<double> Q;
        auto A = matrix_with_spectrum(lambda, Q, rng);
        std::vector<double> sorted = lambda;
        std::sort(sorted.rbegin(), sorted.rend());
        const std::size_t k = std::min<std::size_t>(n, 6);
        std::vector<double> vals(k), vecs(k * n);
        symmetric_eigen_top_k(A.data(), n, k, vals.data(), vecs.data());
        for (std::size_t i = 0; i < k; ++i) {
            CHECK(vals[i] == doctest::Approx(sorted[i]).epsilon(1e-10));
            // A v = lambda v and unit norm; orthogonal to the others.
            double res = 0, norm = 0;
            for (std::size_t r = 0; r < n; ++r) {
                double av = 0;
                for (std::size_t c = 0; c < n; ++c) av += A[r * n + c] * vecs[i * n + c];
                res = std::max(res, std::fabs(av - vals[i] * vecs[i * n + r]));
                norm += vecs[i * n + r] * vecs[i * n + r];
            }
            CHECK(res < 1e-9);
            CHECK(norm == doctest::Approx(1.0).epsilon(1e-12));
            for (std::size_t j = 0; j < i; ++j) {
                double dot = 0;
                for (std::size_t r = 0; r < n; ++r) dot += vecs[i * n + r] * vecs[j * n + r];
                CHECK(std::fabs(dot) < 1e-9);
            }
        }
    }
}

TEST_CASE("pca: Fashion-MNIST matches NumPy (components up to sign, variance within 1e-4)") {
    Dataset d = load_dataset(AELAB_TEST_DATASET);
    Tensor X = d.batch(Split::test, 0, 500);
    X.reshape({500, 784});
    PcaResult p = pca(X, 12);
    const std::string g = AELAB_GOLDEN_DIR;
    Tensor mean = load_npy(g + "/pca/mean.npy"), comps = load_npy(g + "/pca/components.npy");
    Tensor ev = load_npy(g + "/pca/explained_variance.npy"), total = load_npy(g + "/pca/total_variance.npy");
    for (std::size_t j = 0; j < 784; ++j) REQUIRE(p.mean(j) == doctest::Approx(mean(j)).epsilon(1e-5));
    CHECK(p.total_variance == doctest::Approx(total(0)).epsilon(1e-5));
    for (std::size_t i = 0; i < 12; ++i) {
        CAPTURE(i);
        CHECK(std::fabs(p.explained_variance(i) - ev(i)) < 1e-4 * ev(0));
        CHECK(p.explained_variance(i) == doctest::Approx(ev(i)).epsilon(1e-4));
        double dot = 0, max_diff = 0;
        for (std::size_t j = 0; j < 784; ++j) dot += double(p.components(i, j)) * comps(i, j);
        const double sign = dot < 0 ? -1 : 1;
        for (std::size_t j = 0; j < 784; ++j)
            max_diff = std::max(max_diff, std::fabs(p.components(i, j) - sign * comps(i, j)));
        CHECK(max_diff < 1e-4);
    }
    CHECK(p.explained_variance_ratio(0) > 0.2f);

    // Encoding then decoding with all 12 components reconstructs better than with 2.
    Tensor Z = pca_encode(p, X);
    CHECK(Z.shape() == Shape{500, 12});
    Tensor R12 = pca_decode(p, Z);
    Tensor Z2 = xt::view(Z, xt::all(), xt::range(0, 2));
    Tensor R2 = pca_decode(p, Z2);
    double e12 = 0, e2 = 0;
    for (std::size_t i = 0; i < X.size(); ++i) {
        e12 += std::pow(R12.data()[i] - X.data()[i], 2);
        e2 += std::pow(R2.data()[i] - X.data()[i], 2);
    }
    CHECK(e12 < e2);
    // Residual energy equals the variance not explained (per sample, N - 1 convention).
    double ev12 = 0;
    for (std::size_t i = 0; i < 12; ++i) ev12 += p.explained_variance(i);
    CHECK(e12 / 499.0 == doctest::Approx(p.total_variance - ev12).epsilon(1e-3));
}

TEST_CASE("pca: bad input") {
    CHECK_THROWS_WITH_AS(pca(zeros({5}), 1), doctest::Contains("2 dimensions"), Error);
    CHECK_THROWS_WITH_AS(pca(zeros({1, 4}), 1), doctest::Contains("at least 2 samples"), Error);
    CHECK_THROWS_WITH_AS(pca(zeros({3, 4}), 5), doctest::Contains("k must be between 1 and D = 4"), Error);
    CHECK_THROWS_WITH_AS(pca(zeros({3, 4}), 0), doctest::Contains("k must be"), Error);
    PcaResult p = pca(from_values({3, 2}, {0, 0, 1, 1, 2, 2}), 1);
    CHECK(p.explained_variance(0) == doctest::Approx(2.0f));
    CHECK(std::fabs(p.components(0, 0)) == doctest::Approx(std::sqrt(0.5f)));
    CHECK_THROWS_WITH_AS(pca_encode(p, zeros({2, 3})), doctest::Contains("pca_encode"), Error);
}

TEST_CASE("pca: principal angles between subspaces") {
    // span{e0, e1} vs span{e0, cos(30) e1 + sin(30) e2}: angles 0 and 30 degrees.
    Tensor A = from_values({2, 3}, {1, 0, 0, 0, 1, 0});
    const float c = std::cos(30.0f * 3.14159265f / 180.0f), s = std::sin(30.0f * 3.14159265f / 180.0f);
    Tensor B = from_values({2, 3}, {2, 0, 0, 0, c, s});  // scale does not matter
    auto ang = principal_angles_deg(A, B);
    REQUIRE(ang.size() == 2);
    CHECK(ang[0] == doctest::Approx(0.0).epsilon(1e-6).scale(1.0));
    CHECK(ang[1] == doctest::Approx(30.0).epsilon(1e-5));
    // A basis of the same subspace, mixed: all angles ~0.
    Tensor C = from_values({2, 3}, {1, 1, 0, 1, -2, 0});
    for (double a : principal_angles_deg(A, C)) CHECK(a < 1e-3);
    // Orthogonal subspaces: 90 degrees.
    CHECK(principal_angles_deg(from_values({1, 3}, {1, 0, 0}), from_values({1, 3}, {0, 0, 5}))[0] ==
          doctest::Approx(90.0));
    CHECK_THROWS_WITH_AS(principal_angles_deg(from_values({2, 3}, {1, 0, 0, 2, 0, 0}), A), doctest::Contains("dependent"),
                         Error);
    CHECK_THROWS_AS(principal_angles_deg(A, zeros({2, 4})), Error);
}
