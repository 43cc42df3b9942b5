// aelab core: principal component analysis.
// pca(X, k) centres the rows of X (N samples, D features), forms the covariance
// C = Xc^T Xc / (N - 1) and returns its top-k eigenvectors (the principal directions) and
// eigenvalues (the explained variance, as numpy / scikit-learn report it).
// The eigenproblem is solved in double precision: Householder reduction to a tridiagonal
// matrix, bisection (Sturm counts) for the k largest eigenvalues, inverse iteration for their
// eigenvectors. Components are unique up to sign; we make the largest-magnitude entry of each
// component positive so the images a lesson shows do not flip between runs.
#pragma once
#include <cstddef>
#include <vector>

#include "aelab/tensor.hpp"

namespace aelab {

struct PcaResult {
    Tensor mean;                      // (D,)
    Tensor components;                // (K, D), orthonormal rows, by decreasing variance
    Tensor explained_variance;        // (K,)
    Tensor explained_variance_ratio;  // (K,), fraction of the total variance
    double total_variance = 0.0;      // trace of the covariance
};

// X (N, D) with N >= 2 and 1 <= k <= D <= 4096.
PcaResult pca(const Tensor& X, std::size_t k);

// Codes of X (N, D) in the principal basis: (X - mean) components^T -> (N, K).
Tensor pca_encode(const PcaResult& p, const Tensor& X);
// Back to data space: Z (N, K) -> Z components + mean -> (N, D). Uses the first Z.shape[1]
// components, so a reconstruction with fewer components needs no new PCA.
Tensor pca_decode(const PcaResult& p, const Tensor& Z);

// Principal angles (degrees, ascending) between the subspaces spanned by the rows of A
// (k, D) and of B (m, D): the rows are orthonormalised (Gram-Schmidt in double), then the
// angles are the arccosines of the singular values of Qa Qb^T. min(k, m) angles; 0 means the
// subspaces share that direction. Throws if a matrix has dependent rows.
std::vector<double> principal_angles_deg(const Tensor& A, const Tensor& B);

// Eigenvalues (descending) and eigenvectors (rows) of a symmetric n x n matrix held in
// double precision, top k only. Exposed for tests.
void symmetric_eigen_top_k(const double* A, std::size_t n, std::size_t k, double* values, double* vectors);

}  // namespace aelab
