// The polyphase GEMM engines of the convolutions (conv_engines.hpp), batched: each GEMM runs
// over the positions of a group of images (as many as keep the blocks in L2), the weights
// packed once per block, im2col fused into the packing of B (the column matrix is never
// written: each of its rows is a contiguous run of a phase plane, conv_geometry.hpp).
//   conv forward     grid  = W (C_grid, K) * col(image)          conv_forward_polyphase
//   conv dX          image += col2im(W^T (K, C_grid) * grid)     conv_backward_input_polyphase
//   conv dW          W    += grid (C_grid, NT) * col(image)^T   conv_backward_weight_gemm_nt
// Transposed conv is the adjoint: its forward is conv's dX, its dX is conv's forward, its dW
// is conv's dW with the roles of input and output swapped (dispatch.cpp routes them).
//
// Legend (conv_geometry.hpp): K = C_img * kD * kH * kW rows of col; T pitched positions per
//   image, G images per group, NT = G * T the GEMM's columns (positions); planes (G, C_img,
//   phases, plane) the group's split image side; pitched (G, C_grid, T) its grid side.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../kernels/gemm_driver.hpp"
#include "../kernels/gemm_kernels.hpp"
#include "aelab/gemm.hpp"
#include "conv_engines.hpp"
#include "conv_geometry.hpp"

namespace aelab {
namespace {

// An operand whose row k, for every image n, is a contiguous run of T positions:
//   X[k, j] = base[row_offset[k] + (j / T) * image_stride + j % T],  j in [0, N*T)
struct RunRows {
    const float* base;
    const long* row_offset;
    long image_stride;
    int T;
};

// Copies kc rows of NR floats, row k from src + row_offset[k], into a packed (kc, NR) panel.
// NR is a constant so each row is a couple of vector moves, not a memcpy call.
template <int NR>
void copy_panel(float* dst, const float* src, const long* row_offset, int kc) {
    for (int k = 0; k < kc; ++k) std::memcpy(dst + k * NR, src + row_offset[k], NR * sizeof(float));
}

// Packs X[p0:p0+kc, j0:j0+nc] as panels (kc, nr), zero-padding the last: the B packer when the
// GEMM's columns are positions.
void pack_runs(float* dst, const RunRows& x, int p0, int kc, int j0, int nc, int nr) {
    const long* rows = x.row_offset + p0;
    for (int jp = 0; jp < nc; jp += nr, dst += std::size_t(kc) * nr) {
        const int cols = std::min(nr, nc - jp);
        int n = (j0 + jp) / x.T, t = (j0 + jp) % x.T;
        if (cols == nr && t + nr <= x.T) {  // the common case: one image, a full panel
            const float* src = x.base + n * x.image_stride + t;
            if (nr == 16) { copy_panel<16>(dst, src, rows, kc); continue; }
            if (nr == 8) { copy_panel<8>(dst, src, rows, kc); continue; }
        }
        std::fill(dst, dst + std::size_t(kc) * nr, 0.0f);
        for (int q = 0; q < cols; ++n, t = 0) {  // runs split where the panel crosses images
            const int len = std::min(cols - q, x.T - t);
            const float* src = x.base + n * x.image_stride + t;
            for (int k = 0; k < kc; ++k)
                std::copy(src + rows[k], src + rows[k] + len, dst + std::size_t(k) * nr + q);
            q += len;
        }
    }
}

// Images per GEMM call: their T positions each make the GEMM's columns (or depth, for dW).
// The C block (M, G*T) and the group's planes stay in L2 (~256 KB each) and are consumed
// while still warm, and the scratch does not grow with the batch.
int image_group(const ConvGeometry& g, const PhasePlanes& pp, int M) {
    const long columns = std::max(1L, 64L * 1024 / M / pp.positions);
    const long planes = std::max(1L, 64L * 1024 / pp.image_stride);
    return int(std::min<long>(g.N, std::max(1L, std::min(columns, planes))));
}

// Scratch reused per thread; each role has its own buffer.
float* scratch(std::vector<float>& v, std::size_t n) {
    v.resize(n);
    return v.data();
}
thread_local std::vector<float> t_planes, t_pitched, t_block;

// The geometry of images [n0, n0 + count) of a batch.
ConvGeometry image_range(ConvGeometry g, int count) {
    g.N = count;
    return g;
}

}  // namespace

// grid (N, C_grid, grid...) = (accumulate ? grid : bias) + W (C_grid, K) * col(image)
void conv_forward_polyphase(const ConvGeometry& g, float* grid, const float* image,
                            const float* weight, const float* bias, bool accumulate) {
    const PhasePlanes pp = phase_planes(g);
    const int M = g.C_grid, K = g.col_rows(), T = pp.positions, G = image_group(g, pp, M);
    const GemmKernel& kernel = gemm_kernel(gemm_kernel_for(M));
    float* planes = scratch(t_planes, std::size_t(G) * pp.image_stride);  // (G, C_img, phases, plane)
    float* block = scratch(t_block, std::size_t(M) * G * T);               // (M, G*T)
    const RunRows col{planes, pp.tap_offset.data(), pp.image_stride, T};
    const int Dg = g.grid[0], Hg = g.grid[1], Wg = g.grid[2], P = g.grid_size();
    for (int n0 = 0; n0 < g.N; n0 += G) {
        const int count = std::min(G, g.N - n0), NT = count * T;
        split_phases(planes, image + std::size_t(n0) * g.C_img * g.image_size(),
                     image_range(g, count), pp);
        gemm_blocked(
            kernel, M, NT, K,
            [&](float* dst, int i0, int mc, int p0, int kc, int mr) {
                pack_matrix_a(dst, weight, K, false, i0, mc, p0, kc, mr);
            },
            [&](float* dst, int p0, int kc, int j0, int nc, int nr) {
                pack_runs(dst, col, p0, kc, j0, nc, nr);
            },
            block, NT, false);
        // Drop the junk positions: each grid row is a run of W_grid values of the block.
        for (int n = 0; n < count; ++n)
            for (int m = 0; m < M; ++m) {
                float* dst = grid + (std::size_t(n0 + n) * M + m) * P;  // (Dg, Hg, Wg)
                const float* src = block + std::size_t(m) * NT + std::size_t(n) * T;
                const float b = bias ? bias[m] : 0.0f;
                for (int gd = 0; gd < Dg; ++gd)
                    for (int gh = 0; gh < Hg; ++gh, dst += Wg) {
                        const float* run = src + (gd * pp.ext[1] + gh) * pp.ext[2];
                        if (accumulate)
                            for (int i = 0; i < Wg; ++i) dst[i] += run[i];
                        else
                            for (int i = 0; i < Wg; ++i) dst[i] = run[i] + b;
                    }
            }
    }
}

// image (N, C_img, image...) = (accumulate ? image : bias) + col2im(W^T (K, C_grid) * grid)
void conv_backward_input_polyphase(const ConvGeometry& g, float* image, const float* grid,
                                   const float* weight, const float* bias, bool accumulate) {
    if (!accumulate) {
        const int I = g.image_size();
        for (long plane = 0; plane < long(g.N) * g.C_img; ++plane)
            std::fill(image + plane * I, image + (plane + 1) * I,
                      bias ? bias[plane % g.C_img] : 0.0f);
    }
    const PhasePlanes pp = phase_planes(g);
    const int M = g.col_rows(), K = g.C_grid, T = pp.positions, G = image_group(g, pp, M);
    const GemmKernel& kernel = gemm_kernel(gemm_kernel_for(M));
    float* planes = scratch(t_planes, std::size_t(G) * pp.image_stride);  // (G, C_img, phases, plane)
    float* pitched = scratch(t_pitched, std::size_t(G) * K * T);           // (G, C_grid, T)
    float* block = scratch(t_block, std::size_t(M) * G * T);               // (M, G*T)
    std::vector<long> grid_rows(static_cast<std::size_t>(K));  // row c starts at c*T
    for (int c = 0; c < K; ++c) grid_rows[c] = long(c) * T;
    const RunRows x{pitched, grid_rows.data(), long(K) * T, T};
    for (int n0 = 0; n0 < g.N; n0 += G) {
        const int count = std::min(G, g.N - n0), NT = count * T;
        const ConvGeometry group = image_range(g, count);
        pitch_grid(pitched, grid + std::size_t(n0) * K * g.grid_size(), group, pp);
        gemm_blocked(
            kernel, M, NT, K,
            [&](float* dst, int i0, int mc, int p0, int kc, int mr) {
                pack_matrix_a(dst, weight, M, true, i0, mc, p0, kc, mr);
            },
            [&](float* dst, int p0, int kc, int j0, int nc, int nr) {
                pack_runs(dst, x, p0, kc, j0, nc, nr);
            },
            block, NT, false);
        // col2im into the planes: row r of the block is one run of plane positions per image.
        // Junk positions add exact zeros (their grid values are zero); merge drops padding.
        std::fill(planes, planes + std::size_t(count) * pp.image_stride, 0.0f);
        for (int n = 0; n < count; ++n)
            for (int r = 0; r < M; ++r) {
                const float* src = block + std::size_t(r) * NT + std::size_t(n) * T;
                float* dst = planes + n * pp.image_stride + pp.tap_offset[r];
                for (int i = 0; i < T; ++i) dst[i] += src[i];
            }
        merge_phases_add(image + std::size_t(n0) * g.C_img * g.image_size(), planes, group, pp);
    }
}

// d_weight (C_grid, K) += grid (C_grid, NT) * col(image)^T (NT, K): every entry a dot product
// of a pitched gradient row with a column row, both runs of T positions per image, on the NT
// GEMM tiles (gemm_nt_microkernel.hpp): no packing, no gathers. The gradient rows are padded
// with zeros to a whole number of vectors (Tv), so the column rows are read Tv long too, into
// the next row or the planes' slack: finite values times zero (for a finite image; an inf or NaN
// anywhere in the image makes the result non-finite either way).
void conv_backward_weight_gemm_nt(const ConvGeometry& g, float* d_weight, const float* grid,
                                  const float* image) {
    const PhasePlanes pp = phase_planes(g);
    const int M = g.C_grid, K = g.col_rows(), T = pp.positions, G = image_group(g, pp, M);
    const GemmNtKernel& kernel = gemm_nt_kernel_best();
    const int Tv = (T + kGemmNtDepthStep - 1) / kGemmNtDepthStep * kGemmNtDepthStep;
    // (G, C_img, phases, plane) + slack for the last row's read past T
    float* planes = scratch(t_planes, std::size_t(G) * pp.image_stride + kGemmNtDepthStep);
    float* pitched = scratch(t_pitched, std::size_t(G) * M * Tv);  // (G, C_grid, Tv)
    for (int n0 = 0; n0 < g.N; n0 += G) {
        const int count = std::min(G, g.N - n0);
        const ConvGeometry group = image_range(g, count);
        pitch_grid(pitched, grid + std::size_t(n0) * M * g.grid_size(), group, pp, Tv);
        split_phases(planes, image + std::size_t(n0) * g.C_img * g.image_size(), group, pp);
        float* slack = planes + std::size_t(count) * pp.image_stride;  // not stale scratch
        std::fill(slack, slack + kGemmNtDepthStep, 0.0f);
        // Column tiles outer: a tile's NR column rows stay in L1 while the gradient rows stream.
        for (int k0 = 0; k0 < K; k0 += kernel.nr) {
            const int nr = std::min(kernel.nr, K - k0);
            for (int m0 = 0; m0 < M; m0 += kernel.mr)
                gemm_nt_run(kernel, std::min(kernel.mr, M - m0), nr, Tv, count,
                            pitched + std::size_t(m0) * Tv, Tv, long(M) * Tv, planes,
                            pp.tap_offset.data() + k0, pp.image_stride,
                            d_weight + std::size_t(m0) * K + k0, K);
        }
    }
}

}  // namespace aelab
