// PCA: covariance by GEMM, then a double-precision symmetric eigensolver for the top k.
// Symbols: N samples, D features, K components, n = D (matrix order), T tridiagonal.
#include "aelab/pca.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "aelab/gemm.hpp"
#include "aelab/rng.hpp"

namespace aelab {
namespace {

// Householder reduction of the symmetric matrix A (n x n, row-major, overwritten) to a
// tridiagonal T = Q^T A Q with Q = H_0 H_1 ... H_{n-3}, H_j = I - 2 v_j v_j^T acting on
// indices j+1 .. n-1. Returns diag (n), off-diagonal (n-1) and the unit vectors v_j.
struct Tridiagonal {
    std::vector<double> diag, off;
    std::vector<std::vector<double>> reflectors;  // v_j has n - j - 1 entries
};

Tridiagonal householder_tridiagonalize(std::vector<double>& A, std::size_t n) {
    Tridiagonal t;
    t.reflectors.resize(n > 2 ? n - 2 : 0);
    std::vector<double> p(n);
    for (std::size_t j = 0; j + 2 < n; ++j) {
        const std::size_t m = n - j - 1;  // size of the trailing block
        std::vector<double>& v = t.reflectors[j];
        v.assign(m, 0.0);
        double norm2 = 0;
        for (std::size_t i = 0; i < m; ++i) {
            v[i] = A[(j + 1 + i) * n + j];
            norm2 += v[i] * v[i];
        }
        const double norm = std::sqrt(norm2);
        if (norm == 0.0) {
            v.assign(m, 0.0);  // already tridiagonal in this column: H_j = I
            continue;
        }
        const double alpha = v[0] > 0 ? -norm : norm;
        v[0] -= alpha;
        double vnorm = 0;
        for (double x : v) vnorm += x * x;
        vnorm = std::sqrt(vnorm);
        if (vnorm == 0.0) {
            v.assign(m, 0.0);
            continue;
        }
        for (double& x : v) x /= vnorm;
        // p = B v, with B the trailing block; w = p - (v.p) v; B -= 2 (v w^T + w v^T).
        double vp = 0;
        for (std::size_t r = 0; r < m; ++r) {
            const double* row = &A[(j + 1 + r) * n + j + 1];
            double s = 0;
            for (std::size_t c = 0; c < m; ++c) s += row[c] * v[c];
            p[r] = s;
            vp += v[r] * s;
        }
        for (std::size_t r = 0; r < m; ++r) p[r] -= vp * v[r];
        for (std::size_t r = 0; r < m; ++r) {
            double* row = &A[(j + 1 + r) * n + j + 1];
            const double vr = 2 * v[r], pr = 2 * p[r];
            for (std::size_t c = 0; c < m; ++c) row[c] -= vr * p[c] + pr * v[c];
        }
        A[(j + 1) * n + j] = A[j * n + j + 1] = alpha;
        for (std::size_t i = 1; i < m; ++i) A[(j + 1 + i) * n + j] = A[j * n + j + 1 + i] = 0.0;
    }
    t.diag.resize(n);
    t.off.resize(n > 0 ? n - 1 : 0);
    for (std::size_t i = 0; i < n; ++i) t.diag[i] = A[i * n + i];
    for (std::size_t i = 0; i + 1 < n; ++i) t.off[i] = A[(i + 1) * n + i];
    return t;
}

// Number of eigenvalues of T strictly below x (Sturm sequence via the LDL^T pivots).
std::size_t count_below(const Tridiagonal& t, double x, double tiny) {
    std::size_t count = 0;
    double q = t.diag[0] - x;
    for (std::size_t i = 0;; ++i) {
        if (q == 0.0) q = -tiny;
        if (q < 0) ++count;
        if (i + 1 == t.diag.size()) break;
        q = t.diag[i + 1] - x - t.off[i] * t.off[i] / q;
    }
    return count;
}

// The j-th smallest eigenvalue of T (j = 0 .. n-1) by bisection between Gershgorin bounds.
double eigenvalue_by_bisection(const Tridiagonal& t, std::size_t j, double lo, double hi, double tiny) {
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;  // interval as small as doubles allow
        if (count_below(t, mid, tiny) <= j) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

// Solves (T - shift I) x = b in place with partial pivoting (LU of a tridiagonal matrix;
// row swaps create a second superdiagonal).
void solve_shifted(const Tridiagonal& t, double shift, double tiny, std::vector<double>& x) {
    const std::size_t n = t.diag.size();
    std::vector<double> d(n), dl(n), du(n), du2(n, 0.0);
    std::vector<char> swapped(n, 0);
    for (std::size_t i = 0; i < n; ++i) d[i] = t.diag[i] - shift;
    for (std::size_t i = 0; i + 1 < n; ++i) dl[i] = du[i] = t.off[i];
    for (std::size_t i = 0; i + 1 < n; ++i) {
        if (std::fabs(d[i]) >= std::fabs(dl[i])) {
            if (d[i] == 0.0) d[i] = tiny;
            const double f = dl[i] / d[i];
            dl[i] = f;
            d[i + 1] -= f * du[i];
        } else {
            const double f = d[i] / dl[i];
            d[i] = dl[i];
            dl[i] = f;
            const double tmp = du[i];
            du[i] = d[i + 1];
            d[i + 1] = tmp - f * d[i + 1];
            if (i + 2 < n) {
                du2[i] = du[i + 1];
                du[i + 1] = -f * du[i + 1];
            }
            swapped[i] = 1;
        }
    }
    if (d[n - 1] == 0.0) d[n - 1] = tiny;
    for (std::size_t i = 0; i + 1 < n; ++i) {
        if (swapped[i]) {
            const double tmp = x[i];
            x[i] = x[i + 1];
            x[i + 1] = tmp - dl[i] * x[i];
        } else {
            x[i + 1] -= dl[i] * x[i];
        }
    }
    x[n - 1] /= d[n - 1];
    if (n >= 2) x[n - 2] = (x[n - 2] - du[n - 2] * x[n - 1]) / d[n - 2];
    for (std::size_t i = n >= 3 ? n - 3 : 0; n >= 3; --i) {
        x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / d[i];
        if (i == 0) break;
    }
}

double normalize(std::vector<double>& x) {
    double s = 0;
    for (double v : x) s += v * v;
    s = std::sqrt(s);
    if (s > 0)
        for (double& v : x) v /= s;
    return s;
}

}  // namespace

void symmetric_eigen_top_k(const double* A_in, std::size_t n, std::size_t k, double* values, double* vectors) {
    if (n == 0 || k == 0 || k > n) throw Error("symmetric_eigen_top_k: need 1 <= k <= n, got k = " + std::to_string(k) +
                                               ", n = " + std::to_string(n));
    std::vector<double> A(A_in, A_in + n * n);
    if (n == 1) {
        values[0] = A[0];
        vectors[0] = 1.0;
        return;
    }
    Tridiagonal t = householder_tridiagonalize(A, n);
    double lo = std::numeric_limits<double>::max(), hi = -lo, scale = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double r = (i > 0 ? std::fabs(t.off[i - 1]) : 0.0) + (i + 1 < n ? std::fabs(t.off[i]) : 0.0);
        lo = std::min(lo, t.diag[i] - r);
        hi = std::max(hi, t.diag[i] + r);
        scale = std::max(scale, std::fabs(t.diag[i]) + r);
    }
    if (scale == 0.0) scale = 1.0;
    const double eps = std::numeric_limits<double>::epsilon();
    const double tiny = eps * scale;
    lo -= 2 * tiny;
    hi += 2 * tiny;

    Rng rng(0x5eed);  // fixed start vectors: the same components on every run and platform
    std::vector<std::vector<double>> tri_vectors;  // eigenvectors of T found so far
    const double cluster = 1e-3 * scale;
    for (std::size_t i = 0; i < k; ++i) {
        const double lambda = eigenvalue_by_bisection(t, n - 1 - i, lo, hi, tiny);
        values[i] = lambda;
        std::vector<double> x(n);
        for (double& v : x) v = rng.uniform(-1.0f, 1.0f);
        normalize(x);
        // Inverse iteration; vectors of nearby eigenvalues are kept orthogonal explicitly.
        const double shift = lambda + 10 * tiny;
        for (int it = 0; it < 4; ++it) {
            solve_shifted(t, shift, tiny, x);
            for (std::size_t j = 0; j < i; ++j) {
                if (std::fabs(values[j] - lambda) > cluster) continue;
                double dot = 0;
                for (std::size_t r = 0; r < n; ++r) dot += x[r] * tri_vectors[j][r];
                for (std::size_t r = 0; r < n; ++r) x[r] -= dot * tri_vectors[j][r];
            }
            if (normalize(x) == 0.0) x[i % n] = 1.0;
        }
        tri_vectors.push_back(x);
        // Back to the original basis: apply H_{n-3} ... H_0.
        for (std::size_t j = t.reflectors.size(); j-- > 0;) {
            const std::vector<double>& v = t.reflectors[j];
            double dot = 0;
            for (std::size_t r = 0; r < v.size(); ++r) dot += v[r] * x[j + 1 + r];
            for (std::size_t r = 0; r < v.size(); ++r) x[j + 1 + r] -= 2 * dot * v[r];
        }
        std::size_t big = 0;
        for (std::size_t r = 1; r < n; ++r)
            if (std::fabs(x[r]) > std::fabs(x[big])) big = r;
        const double sign = x[big] < 0 ? -1.0 : 1.0;
        for (std::size_t r = 0; r < n; ++r) vectors[i * n + r] = sign * x[r];
    }
}

PcaResult pca(const Tensor& X, std::size_t k) {
    check_rank("pca", "data", X, 2, "N samples, D features");
    const std::size_t N = X.shape()[0], D = X.shape()[1];
    if (N < 2) throw Error("pca: need at least 2 samples, got " + std::to_string(N));
    if (D == 0 || D > 4096) throw Error("pca: need 1 <= D <= 4096 features, got " + std::to_string(D));
    if (k < 1 || k > D)
        throw Error("pca: k must be between 1 and D = " + std::to_string(D) + ", got " + std::to_string(k));

    PcaResult r;
    r.mean = zeros({D});  // (D,)
    std::vector<double> mean(D, 0.0);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < D; ++j) mean[j] += X.data()[i * D + j];
    for (std::size_t j = 0; j < D; ++j) r.mean.data()[j] = static_cast<float>(mean[j] / double(N));
    Tensor Xc = zeros({N, D});  // (N, D)
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < D; ++j) Xc.data()[i * D + j] = X.data()[i * D + j] - r.mean.data()[j];
    std::vector<float> cov_f(D * D);  // (D, D) = Xc^T Xc
    gemm(true, false, int(D), int(D), int(N), Xc.data(), int(D), Xc.data(), int(D), cov_f.data(), int(D), false);
    std::vector<double> cov(D * D);
    for (std::size_t i = 0; i < D; ++i)
        for (std::size_t j = 0; j < D; ++j)  // symmetrise: float GEMM rounding differs per triangle
            cov[i * D + j] = 0.5 * (double(cov_f[i * D + j]) + double(cov_f[j * D + i])) / double(N - 1);
    for (std::size_t j = 0; j < D; ++j) r.total_variance += cov[j * D + j];

    std::vector<double> values(k), vectors(k * D);
    symmetric_eigen_top_k(cov.data(), D, k, values.data(), vectors.data());
    r.components = zeros({k, D});          // (K, D)
    r.explained_variance = zeros({k});     // (K,)
    r.explained_variance_ratio = zeros({k});
    for (std::size_t i = 0; i < k; ++i) {
        const double v = std::max(values[i], 0.0);
        r.explained_variance.data()[i] = static_cast<float>(v);
        r.explained_variance_ratio.data()[i] = static_cast<float>(r.total_variance > 0 ? v / r.total_variance : 0.0);
        for (std::size_t j = 0; j < D; ++j) r.components.data()[i * D + j] = static_cast<float>(vectors[i * D + j]);
    }
    return r;
}

Tensor pca_encode(const PcaResult& p, const Tensor& X) {
    const std::size_t D = p.mean.size(), K = p.components.shape()[0];
    check_shape("pca_encode", "data", X, {0, D});
    const std::size_t N = X.shape()[0];
    Tensor Xc = zeros({N, D});  // (N, D)
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < D; ++j) Xc.data()[i * D + j] = X.data()[i * D + j] - p.mean.data()[j];
    Tensor Z = zeros({N, K});  // (N, K)
    gemm(false, true, int(N), int(K), int(D), Xc.data(), int(D), p.components.data(), int(D), Z.data(), int(K), false);
    return Z;
}

Tensor pca_decode(const PcaResult& p, const Tensor& Z) {
    const std::size_t D = p.mean.size(), K = p.components.shape()[0];
    check_rank("pca_decode", "codes", Z, 2, "N samples, K components");
    const std::size_t N = Z.shape()[0], k = Z.shape()[1];
    if (k > K)
        throw Error("pca_decode: codes have " + std::to_string(k) + " components, the PCA has " + std::to_string(K));
    Tensor X = zeros({N, D});  // (N, D)
    if (k > 0)
        gemm(false, false, int(N), int(D), int(k), Z.data(), int(k), p.components.data(), int(D), X.data(), int(D), false);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < D; ++j) X.data()[i * D + j] += p.mean.data()[j];
    return X;
}

namespace {
// Rows of M (k, D) orthonormalised by modified Gram-Schmidt (twice, for stability), in double.
std::vector<std::vector<double>> orthonormal_rows(const Tensor& M, const char* what) {
    check_rank("principal_angles_deg", what, M, 2, "rows spanning a subspace");
    const std::size_t k = M.shape()[0], D = M.shape()[1];
    std::vector<std::vector<double>> q(k, std::vector<double>(D));
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j < D; ++j) q[i][j] = M.data()[i * D + j];
        double original = 0;
        for (double v : q[i]) original += v * v;
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t p = 0; p < i; ++p) {
                double dot = 0;
                for (std::size_t j = 0; j < D; ++j) dot += q[i][j] * q[p][j];
                for (std::size_t j = 0; j < D; ++j) q[i][j] -= dot * q[p][j];
            }
        double n = 0;
        for (double v : q[i]) n += v * v;
        if (!(n > 1e-20 * original) || n == 0)
            throw Error(std::string("principal_angles_deg: the rows of ") + what + " are linearly dependent (row " +
                        std::to_string(i) + ")");
        n = std::sqrt(n);
        for (double& v : q[i]) v /= n;
    }
    return q;
}
}  // namespace

std::vector<double> principal_angles_deg(const Tensor& A, const Tensor& B) {
    auto qa = orthonormal_rows(A, "A"), qb = orthonormal_rows(B, "B");
    if (A.shape()[1] != B.shape()[1])
        throw Error("principal_angles_deg: A and B must have the same number of columns, got " + shape_str(A.shape()) +
                    " and " + shape_str(B.shape()));
    // Singular values of M = Qa Qb^T (k x m) are the square roots of the eigenvalues of M M^T.
    const std::size_t k = qa.size(), m = qb.size(), D = A.shape()[1], r = std::min(k, m);
    const auto& small = k <= m ? qa : qb;
    const auto& large = k <= m ? qb : qa;
    std::vector<double> M(r * large.size());
    for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < large.size(); ++j) {
            double dot = 0;
            for (std::size_t c = 0; c < D; ++c) dot += small[i][c] * large[j][c];
            M[i * large.size() + j] = dot;
        }
    std::vector<double> MMt(r * r);
    for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < r; ++j) {
            double dot = 0;
            for (std::size_t c = 0; c < large.size(); ++c) dot += M[i * large.size() + c] * M[j * large.size() + c];
            MMt[i * r + j] = dot;
        }
    std::vector<double> values(r), vectors(r * r);
    symmetric_eigen_top_k(MMt.data(), r, r, values.data(), vectors.data());
    std::vector<double> angles(r);
    for (std::size_t i = 0; i < r; ++i) {
        const double c = std::sqrt(std::clamp(values[i], 0.0, 1.0));
        angles[i] = std::acos(std::min(1.0, c)) * (180.0 / 3.14159265358979323846);
    }
    std::sort(angles.begin(), angles.end());
    return angles;
}

}  // namespace aelab
