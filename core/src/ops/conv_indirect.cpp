// The indirect-GEMM engines of the convolutions (conv_engines.hpp; igemm_microkernel.hpp), for
// when the written side has enough channels to fill the tile (dispatch.cpp decides): the GEMM's
// rows are output positions, its columns output channels, its depth source channels x taps.
// Each position is one pointer into a zero-padded copy of the source; each tap one offset from
// it. Nothing is packed but the weights (once per call), every register tile is full (positions
// run across rows and images; only the very last tile and the channel padding up to NR are
// dropped), and there are no junk positions: padding is read only as the zeros of the padded
// copy, multiplied by weights.
//   conv_forward_indirect         one pass: position g reads image g*S + k*Dl - P
//   conv_backward_input_indirect  one pass per output phase r (S per axis): output
//                                 q*S + r reads grid q + (r + P - k*Dl) / S for the taps k
//                                 with (r + P - k*Dl) divisible by S
// Conv dX is the transposed conv's forward (accumulating), transposed-conv dX is conv's.
//
// Legend (conv_geometry.hpp): src / dst the side read / written (image / grid or the other
//   way round), C_src / C_dst their channels; Q positions of a pass per axis; K = C_src * taps
//   the depth; MR x NR the igemm tile; ext the padded source extents (D, H, W).
#include <algorithm>
#include <array>
#include <vector>

#include "../kernels/gemm_kernels.hpp"
#include "../kernels/simd4.hpp"
#include "aelab/gemm.hpp"
#include "conv_engines.hpp"
#include "conv_geometry.hpp"

namespace aelab {
namespace {

// The positions of one pass and the taps they share.
struct Pass {
    std::array<int, 3> count{1, 1, 1};      // Q: positions per axis
    std::array<int, 3> src_step{1, 1, 1};   // source coordinate = q * src_step + shift
    std::array<int, 3> out_step{1, 1, 1};   // output coordinate = q * out_step + out_first
    std::array<int, 3> out_first{0, 0, 0};
    std::vector<std::array<int, 3>> shift;  // per tap
    std::vector<int> tap;                   // per tap: (kd * kH + kh) * kW + kw in the weight
};

// The op in the engine's terms. weight[c_dst * w_dst + c_src * w_src + tap].
struct Problem {
    int N, C_src, C_dst;
    std::array<int, 3> src, dst;
    long w_dst, w_src;
};

int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int images_per_group(long floats_per_image, int N) {
    return int(std::min<long>(N, std::max(1L, 32L * 1024 / floats_per_image)));
}

thread_local std::vector<float> t_block, t_packed;
thread_local std::vector<const float*> t_rows;
thread_local std::vector<long> t_out_index, t_offsets;

template <class T>
T* scratch(std::vector<T>& v, std::size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
}

// Tiles of one run of consecutive positions (pointers `step` apart), or of two (the tile wraps
// to the next row or image), take a run kernel: returns the split J, the first position of the
// second run (mr for one run), or 0 for any other tile.
int run_split(const float* const* rows, int mr, int step) {
    int J = 1;
    while (J < mr && rows[J] == rows[0] + J * step) ++J;
    for (int j = J + 1; j < mr; ++j)
        if (rows[j] != rows[J] + (j - J) * step) return 0;
    return J;
}

// Writes the results of m positions, block (m, Npad), into their channel planes:
// out[c * dst_size + out_index[i]] = (accumulate ? itself : bias[c]) + block[i, c].
void write_block_scalar(float* out, long dst_size, const float* block, int Npad,
                        const long* out_index, int i0, int m, int c0, int C_dst,
                        const float* bias, bool accumulate) {
    for (int c = c0; c < C_dst; ++c) {
        float* o = out + c * dst_size;
        const float bc = bias ? bias[c] : 0.0f;
        for (int i = i0; i < m; ++i) {
            const float v = block[std::size_t(i) * Npad + c];
            o[out_index[i]] = accumulate ? o[out_index[i]] + v : v + bc;
        }
    }
}

#if defined(AELAB_SIMD4)
// The same, 4 positions x 4 channels at a time: a 4x4 transpose in registers, then one vector
// per channel when the 4 positions are consecutive in the output (conv: along a row).
__attribute__((noinline)) void write_block(float* out, long dst_size, long out_size,
                                           const float* block, int Npad, const long* out_index,
                                           int m, int C_dst, const float* bias, bool accumulate) {
    using V = simd::AELAB_SIMD4;
    using vec = V::vec;
    const int c4 = C_dst / 4 * 4;
    const vec even = V::even_lanes(), zero = V::zero();
    int i = 0;
    for (; i + 4 <= m; i += 4) {
        // Indices increase with i, so a span of 3 means 4 consecutive outputs, and a span of 6
        // (steps of 2) every other output of a row: a stride-2 transposed conv's output phase.
        const long span = out_index[i + 3] - out_index[i];
        const bool consecutive = span == 3;
        const bool every_other = span == 6 && out_index[i + 1] - out_index[i] == 2 &&
                                 out_index[i + 2] - out_index[i] == 4;
        const float* r = block + std::size_t(i) * Npad;
        for (int c = 0; c < c4; c += 4) {
            vec v[4] = {V::load(r + c), V::load(r + Npad + c), V::load(r + 2 * Npad + c),
                        V::load(r + 3 * Npad + c)};
            V::transpose4(v[0], v[1], v[2], v[3]);  // v[k]: channel c + k, positions i..i+3
#pragma GCC unroll 4
            for (int k = 0; k < 4; ++k) {
                float* o = out + (c + k) * dst_size;
                if (consecutive) {
                    float* p = o + out_index[i];
                    V::store(p, V::add(v[k], accumulate ? V::load(p)
                                                        : V::broadcast(bias ? bias[c + k] : 0.0f)));
                    continue;
                }
                if (every_other && (c + k) * dst_size + out_index[i] + 8 <= out_size) {
                    // The 8 outputs from the first: ours in the even lanes, the others' kept.
                    float* p = o + out_index[i];
                    const vec lo = V::load(p), hi = V::load(p + 4);
                    vec new_lo = V::zip_lo(v[k], zero), new_hi = V::zip_hi(v[k], zero);
                    const vec base = accumulate ? zero : V::broadcast(bias ? bias[c + k] : 0.0f);
                    new_lo = V::add(new_lo, accumulate ? lo : base);
                    new_hi = V::add(new_hi, accumulate ? hi : base);
                    V::store(p, V::select(even, new_lo, lo));
                    V::store(p + 4, V::select(even, new_hi, hi));
                    continue;
                }
                alignas(16) float lane[4];
                V::store(lane, v[k]);
                for (int l = 0; l < 4; ++l) {
                    float& dst = o[out_index[i + l]];
                    dst = accumulate ? dst + lane[l] : lane[l] + (bias ? bias[c + k] : 0.0f);
                }
            }
        }
        write_block_scalar(out, dst_size, block, Npad, out_index, i, i + 4, c4, C_dst, bias,
                           accumulate);
    }
    write_block_scalar(out, dst_size, block, Npad, out_index, i, m, 0, C_dst, bias, accumulate);
}
#else
void write_block(float* out, long dst_size, long, const float* block, int Npad,
                 const long* out_index, int m, int C_dst, const float* bias, bool accumulate) {
    write_block_scalar(out, dst_size, block, Npad, out_index, 0, m, 0, C_dst, bias, accumulate);
}
#endif

// Clang turns the short row loops below into memcpy / memset calls; in wasm a call per row
// of 7-28 floats costs more than the copy (docs/PERFORMANCE.md). GCC keeps them inline.
#if defined(__clang__)
#define AELAB_NO_MEMCPY_CALLS __attribute__((no_builtin("memcpy", "memset")))
#else
#define AELAB_NO_MEMCPY_CALLS
#endif

// dst[0:n] = src[0:n] for the short rows of images, inline rather than a memcpy call per row;
// the last vector may overlap the one before (same values), so there is no scalar tail.
AELAB_NO_MEMCPY_CALLS inline void copy_row(float* __restrict dst, const float* __restrict src,
                                           int n) {
    int x = 0;
#if defined(AELAB_SIMD4)
    using V = simd::AELAB_SIMD4;
    if (n >= 4) {
        for (; x + 4 <= n; x += 4) V::store(dst + x, V::load(src + x));
        if (x < n) V::store(dst + n - 4, V::load(src + n - 4));
        return;
    }
#endif
    for (; x < n; ++x) dst[x] = src[x];
}

// Padded copies of the sources, one zero-filled buffer per layout (source extents, padding,
// padded extents), kept across calls: only the interiors are ever written, so the borders stay
// zero and each call copies the interiors alone (zeroing whole buffers was a sizeable part of
// the padding pass: docs/PERFORMANCE.md). A training step cycles through a handful of
// layouts; the least recently used goes when there are more, and big buffers are not kept.
struct PadBuffer {
    std::array<int, 3> src_ext, lo, ext;
    std::vector<float> data;
    unsigned long used;
};
thread_local std::vector<PadBuffer> t_pad_buffers;
thread_local unsigned long t_pad_clock = 0;
thread_local std::vector<float> t_pad_oversize;
constexpr std::size_t kPadBuffers = 8, kPadKeepFloats = std::size_t(1) << 20;

// A buffer of at least `floats` for this layout whose borders are zero.
float* padded_scratch(const std::array<int, 3>& src_ext, const std::array<int, 3>& lo,
                      const std::array<int, 3>& ext, std::size_t floats) {
    if (floats > kPadKeepFloats) {  // zeroed every call instead of kept
        t_pad_oversize.assign(floats, 0.0f);
        return t_pad_oversize.data();
    }
    ++t_pad_clock;
    for (PadBuffer& b : t_pad_buffers)
        if (b.src_ext == src_ext && b.lo == lo && b.ext == ext) {
            if (b.data.size() < floats) b.data.resize(floats, 0.0f);
            b.used = t_pad_clock;
            return b.data.data();
        }
    if (t_pad_buffers.size() < kPadBuffers) {
        t_pad_buffers.push_back({src_ext, lo, ext, std::vector<float>(floats, 0.0f), t_pad_clock});
        return t_pad_buffers.back().data.data();
    }
    PadBuffer& oldest = *std::min_element(
        t_pad_buffers.begin(), t_pad_buffers.end(),
        [](const PadBuffer& a, const PadBuffer& b) { return a.used < b.used; });
    oldest = {src_ext, lo, ext, std::vector<float>(floats, 0.0f), t_pad_clock};
    return oldest.data.data();
}

// The interiors of padded (planes, ext...) = the planes (planes, src...): coordinate x of the
// source lands at x + lo per axis; the borders are left as they are (zero, padded_scratch).
AELAB_NO_MEMCPY_CALLS __attribute__((noinline)) void pad_images(
    float* __restrict padded, const float* __restrict src, long planes,
    const std::array<int, 3>& src_ext, const std::array<int, 3>& lo,
    const std::array<int, 3>& ext) {
    const long plane = long(ext[0]) * ext[1] * ext[2];
    const int Ws = src_ext[2];
    for (long pl = 0; pl < planes; ++pl) {
        const float* s = src + pl * src_ext[0] * src_ext[1] * Ws;
        float* p = padded + pl * plane + (long(lo[0]) * ext[1] + lo[1]) * ext[2] + lo[2];
        for (int d = 0; d < src_ext[0]; ++d, p += long(ext[1]) * ext[2])
            for (int h = 0; h < src_ext[1]; ++h, s += Ws) copy_row(p + long(h) * ext[2], s, Ws);
    }
}

// out (N, C_dst, dst...) = (accumulate ? out : bias) + the passes over src (N, C_src, src...).
void run_passes(const IgemmKernel& kernel, const Problem& pr, const std::vector<Pass>& passes,
                float* out, const float* src, const float* weight, const float* bias,
                bool accumulate) {
    const int MR = kernel.mr, NR = kernel.nr;
    const int Npad = (pr.C_dst + NR - 1) / NR * NR;
    // Padded source: every coordinate a tap reads lies in [-lo, ext - lo) per axis.
    std::array<int, 3> lo{0, 0, 0}, ext = pr.src;
    for (const Pass& ps : passes)
        for (const auto& s : ps.shift)
            for (int a = 0; a < 3; ++a) {
                lo[a] = std::max(lo[a], -s[a]);
                ext[a] = std::max(ext[a], (ps.count[a] - 1) * ps.src_step[a] + s[a] + 1);
            }
    for (int a = 0; a < 3; ++a) ext[a] += lo[a];
    const long pitch_h = ext[2], pitch_d = long(ext[1]) * ext[2];
    const long plane = pitch_d * ext[0], image = plane * pr.C_src;
    const long src_size = long(pr.src[0]) * pr.src[1] * pr.src[2];
    const long dst_size = long(pr.dst[0]) * pr.dst[1] * pr.dst[2];
    const long out_size = dst_size * pr.C_dst * pr.N;  // floats of the whole output

    // Per pass: tap offsets (K,) and weights packed as panels (Npad / NR, K, NR).
    std::size_t offsets_total = 0, packed_total = 0;
    for (const Pass& ps : passes) {
        offsets_total += std::size_t(pr.C_src) * ps.tap.size();
        packed_total += std::size_t(pr.C_src) * ps.tap.size() * Npad;
    }
    long* offsets = scratch(t_offsets, offsets_total);
    float* packed = scratch(t_packed, packed_total);
    {
        long* o = offsets;
        float* b = packed;
        for (const Pass& ps : passes) {
            const int taps = int(ps.tap.size());
            for (int c = 0; c < pr.C_src; ++c)
                for (int t = 0; t < taps; ++t)
                    *o++ = c * plane + (ps.shift[t][0] + lo[0]) * pitch_d +
                           (ps.shift[t][1] + lo[1]) * pitch_h + ps.shift[t][2] + lo[2];
            for (int jp = 0; jp < Npad; jp += NR)
                for (int c = 0; c < pr.C_src; ++c)
                    for (int t = 0; t < taps; ++t)
                        for (int j = 0; j < NR; ++j, ++b)
                            *b = jp + j < pr.C_dst
                                     ? weight[(jp + j) * pr.w_dst + c * pr.w_src + ps.tap[t]]
                                     : 0.0f;
        }
    }

    const int G = images_per_group(image, pr.N);
    float* padded = padded_scratch(pr.src, lo, ext, std::size_t(G) * image);  // (G, C_src, ext...)
    // Positions per chunk: the block (chunk, Npad) of results stays in L1 (16 KB) for the
    // transposing write-out, which reads it with a stride of Npad.
    const int chunk = std::max(MR, (4096 / Npad) / MR * MR);
    const float** rows = scratch(t_rows, std::size_t(chunk));
    long* out_index = scratch(t_out_index, std::size_t(chunk));
    float* block = scratch(t_block, std::size_t(chunk) * Npad);  // (chunk, Npad)

    for (int n0 = 0; n0 < pr.N; n0 += G) {
        const int count = std::min(G, pr.N - n0);
        pad_images(padded, src + long(n0) * pr.C_src * src_size, long(count) * pr.C_src, pr.src,
                   lo, ext);
        const long* pass_offsets = offsets;
        const float* pass_packed = packed;
        for (const Pass& ps : passes) {
            const int taps = int(ps.tap.size()), K = pr.C_src * taps;
            const long per_image = long(ps.count[0]) * ps.count[1] * ps.count[2];
            const long total = per_image * count;
            // Consecutive positions of a row are `step` floats apart in the source.
            const int step = ps.src_step[2];
            const bool has_runs = kernel.runs_for(step, MR) != nullptr;
            // Walk positions (n, qd, qh, qw) in chunks.
            int n = 0;
            std::array<int, 3> q{0, 0, 0};
            for (long p0 = 0; p0 < total; p0 += chunk) {
                const int m = int(std::min<long>(chunk, total - p0));
                for (int i = 0; i < m; ++i) {
                    rows[i] = padded + n * image + q[0] * ps.src_step[0] * pitch_d +
                              q[1] * ps.src_step[1] * pitch_h + q[2] * ps.src_step[2];
                    out_index[i] = (long(n0 + n) * pr.C_dst * pr.dst[0] +
                                    (q[0] * ps.out_step[0] + ps.out_first[0])) *
                                       pr.dst[1] * pr.dst[2] +
                                   long(q[1] * ps.out_step[1] + ps.out_first[1]) * pr.dst[2] +
                                   q[2] * ps.out_step[2] + ps.out_first[2];
                    if (++q[2] == ps.count[2]) {
                        q[2] = 0;
                        if (++q[1] == ps.count[1]) {
                            q[1] = 0;
                            if (++q[0] == ps.count[0]) q[0] = 0, ++n;
                        }
                    }
                }
                if (taps == 0) {  // no tap reaches this phase: bias only
                    if (!accumulate)
                        for (int c = 0; c < pr.C_dst; ++c)
                            for (int i = 0; i < m; ++i)
                                out[out_index[i] + c * dst_size] = bias ? bias[c] : 0.0f;
                    continue;
                }
                const int m_pad = (m + MR - 1) / MR * MR;
                for (int i = m; i < m_pad; ++i) rows[i] = rows[m - 1];
                for (int i = 0; i < m_pad; i += MR) {
                    const int J = has_runs ? run_split(rows + i, MR, step) : 0;
                    const IgemmRunsMicrokernel runs = J ? kernel.runs_for(step, J) : nullptr;
                    for (int jp = 0; jp < Npad; jp += NR) {
                        const float* b = pass_packed + std::size_t(jp) * K;
                        float* c = block + std::size_t(i) * Npad + jp;
                        if (runs)
                            runs(K, rows[i], rows[J < MR ? i + J : i], pass_offsets, b, c, Npad);
                        else
                            kernel.run(K, rows + i, pass_offsets, b, c, Npad);
                    }
                }
                write_block(out, dst_size, out_size, block, Npad, out_index, m, pr.C_dst, bias,
                            accumulate);
            }
            pass_offsets += K;
            pass_packed += std::size_t(K) * Npad;
        }
    }
}

}  // namespace

// grid (N, C_grid, grid...) = (accumulate ? grid : bias) + conv(image): one pass.
void conv_forward_indirect(const ConvGeometry& g, float* grid, const float* image,
                           const float* weight, const float* bias, bool accumulate) {
    const int taps = g.kernel_size();
    const Problem pr{g.N, g.C_img, g.C_grid, g.image, g.grid, long(g.C_img) * taps, taps};
    Pass ps;
    ps.count = g.grid;
    ps.src_step = g.stride;
    for (int kd = 0; kd < g.kernel[0]; ++kd)
        for (int kh = 0; kh < g.kernel[1]; ++kh)
            for (int kw = 0; kw < g.kernel[2]; ++kw) {
                const int k[3] = {kd, kh, kw};
                std::array<int, 3> s;
                for (int a = 0; a < 3; ++a) s[a] = k[a] * g.dilation[a] - g.padding[a];
                ps.shift.push_back(s);
                ps.tap.push_back((kd * g.kernel[1] + kh) * g.kernel[2] + kw);
            }
    run_passes(igemm_kernel_best(), pr, {ps}, grid, image, weight, bias, accumulate);
}

// image (N, C_img, image...) = (accumulate ? image : bias) + conv^T(grid): a pass per phase.
void conv_backward_input_indirect(const ConvGeometry& g, float* image, const float* grid,
                                  const float* weight, const float* bias, bool accumulate) {
    const int taps = g.kernel_size();
    const Problem pr{g.N, g.C_grid, g.C_img, g.grid, g.image, taps, long(g.C_img) * taps};
    // Per axis and phase r: the taps reaching outputs q*S + r and their grid shifts.
    std::array<std::vector<std::vector<int>>, 3> axis_taps, axis_shift;
    for (int a = 0; a < 3; ++a) {
        const int S = g.stride[a];
        axis_taps[a].resize(S);
        axis_shift[a].resize(S);
        for (int r = 0; r < S; ++r)
            for (int k = 0; k < g.kernel[a]; ++k) {
                const int num = r + g.padding[a] - k * g.dilation[a];
                if (num - floor_div(num, S) * S != 0) continue;
                axis_taps[a][r].push_back(k);
                axis_shift[a][r].push_back(floor_div(num, S));
            }
    }
    std::vector<Pass> passes;
    for (int rd = 0; rd < g.stride[0]; ++rd)
        for (int rh = 0; rh < g.stride[1]; ++rh)
            for (int rw = 0; rw < g.stride[2]; ++rw) {
                const int r[3] = {rd, rh, rw};
                Pass ps;
                bool empty = false;
                for (int a = 0; a < 3; ++a) {
                    const int S = g.stride[a];
                    ps.count[a] = r[a] < g.image[a] ? (g.image[a] - r[a] + S - 1) / S : 0;
                    ps.out_step[a] = S;
                    ps.out_first[a] = r[a];
                    empty = empty || ps.count[a] == 0;
                }
                if (empty) continue;
                const auto &td = axis_taps[0][rd], &th = axis_taps[1][rh], &tw = axis_taps[2][rw];
                for (std::size_t i = 0; i < td.size(); ++i)
                    for (std::size_t j = 0; j < th.size(); ++j)
                        for (std::size_t l = 0; l < tw.size(); ++l) {
                            ps.shift.push_back({axis_shift[0][rd][i], axis_shift[1][rh][j],
                                                axis_shift[2][rw][l]});
                            ps.tap.push_back((td[i] * g.kernel[1] + th[j]) * g.kernel[2] + tw[l]);
                        }
                passes.push_back(std::move(ps));
            }
    run_passes(igemm_kernel_best(), pr, passes, image, grid, weight, bias, accumulate);
}

}  // namespace aelab
