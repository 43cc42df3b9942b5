// aelab core: pooling, unpooling and upsampling on NCHW, with torch.nn.functional semantics.
//
// Legend: N batch, C channels, H/W input size, H_out/W_out output size, k kernel, S stride,
//   P padding, Dl dilation, s_h/s_w integer scale factors.
//   max_pool2d:  out = floor((in + 2P - Dl*(k-1) - 1) / S) + 1, padding never wins the max;
//                indices are int64 flat positions h*W + w within each input (H, W) plane, the
//                first maximum in window order wins ties (as torch's CPU kernel).
//   avg_pool2d:  out = floor((in + 2P - k) / S) + 1, count_include_pad = True: every window
//                divides by kH*kW, padding counts as zeros.
//   Both require P <= k/2, as torch does; max_pool2d also rejects a dilation that leaves a
//   window entirely in the padding (torch returns -inf with an index outside the plane).
//   max_unpool2d: out[n, c].flat[indices[n, c, i]] = in[n, c, i], zeros elsewhere; output size
//                defaults to (in - 1)*S - 2P + k.
//   upsample_nearest2d: each value fills its s_h x s_w block.
//   upsample_bed_of_nails2d: each value at the top-left of its block, zeros elsewhere.
// Raw layer: <op>_forward / <op>_backward over buffers; backward ADDS into d_in. The pools'
// scalar twins (*_ref) check every tap against the bounds; the fast path walks precomputed
// valid ranges. Unpooling and upsampling are single copy loops: the op is its own reference.
// Tensor layer: validates shapes and parameters, throws aelab::Error naming the op.
#pragma once
#include <array>
#include <cstdint>

#include "aelab/tensor.hpp"

namespace aelab {

using IndexTensor = xt::xarray<std::int64_t, xt::layout_type::row_major>;

struct MaxPool2dParams {  // per axis (H, W)
    std::array<int, 2> kernel{2, 2}, stride{2, 2}, padding{0, 0}, dilation{1, 1};
};
struct AvgPool2dParams {
    std::array<int, 2> kernel{2, 2}, stride{2, 2}, padding{0, 0};
};
struct MaxUnpool2dParams {
    std::array<int, 2> kernel{2, 2}, stride{2, 2}, padding{0, 0};
    std::array<int, 2> output_size{0, 0};  // (H_out, W_out); 0 = (in - 1)*S - 2P + k
};

// ---- raw layer -----------------------------------------------------------------------------
// out, indices (N, C, H_out, W_out); in (N, C, H, W)
void max_pool2d_forward(float* out, std::int64_t* indices, const float* in, int N, int C, int H,
                        int W, const MaxPool2dParams& p);
void max_pool2d_forward_ref(float* out, std::int64_t* indices, const float* in, int N, int C, int H,
                            int W, const MaxPool2dParams& p);
// d_in (N, C, H, W) += d_out routed through indices (N, C, H_out, W_out)
void max_pool2d_backward(float* d_in, const float* d_out, const std::int64_t* indices, int N, int C,
                         int H, int W, int H_out, int W_out);

void avg_pool2d_forward(float* out, const float* in, int N, int C, int H, int W,
                        const AvgPool2dParams& p);
void avg_pool2d_forward_ref(float* out, const float* in, int N, int C, int H, int W,
                            const AvgPool2dParams& p);
void avg_pool2d_backward(float* d_in, const float* d_out, int N, int C, int H, int W,
                         const AvgPool2dParams& p);
void avg_pool2d_backward_ref(float* d_in, const float* d_out, int N, int C, int H, int W,
                             const AvgPool2dParams& p);

// The 2x2 stride-2 unpadded case runs on row kernels: one per instruction set compiled in and
// run by this CPU, best first, and a scalar one last ("pool_2x2s2_avx2", ...,
// "pool_2x2s2_scalar"). The forwards use the first the active instruction set allows
// (instruction_set(), gemm.hpp); *_with_kernel run kernel `index` of the list (tests). Out of
// range throws.
int pool_2x2s2_kernel_count();
const char* pool_2x2s2_kernel_name(int index = 0);
void max_pool2d_forward_with_kernel(int index, float* out, std::int64_t* indices, const float* in,
                                    int N, int C, int H, int W, const MaxPool2dParams& p);
void avg_pool2d_forward_with_kernel(int index, float* out, const float* in, int N, int C, int H,
                                    int W, const AvgPool2dParams& p);

// out (N, C, H_out, W_out) = zeros + in (N, C, H, W) scattered through indices (N, C, H, W)
void max_unpool2d_forward(float* out, const float* in, const std::int64_t* indices, int N, int C,
                          int H, int W, int H_out, int W_out);
// d_in (N, C, H, W) += d_out (N, C, H_out, W_out) gathered at indices
void max_unpool2d_backward(float* d_in, const float* d_out, const std::int64_t* indices, int N,
                           int C, int H, int W, int H_out, int W_out);

// out (N, C, H*s_h, W*s_w); backward: d_in (N, C, H, W) += block sums / top-left values
void upsample_nearest2d_forward(float* out, const float* in, int N, int C, int H, int W, int s_h,
                                int s_w);
void upsample_nearest2d_backward(float* d_in, const float* d_out, int N, int C, int H, int W,
                                 int s_h, int s_w);
void upsample_bed_of_nails2d_forward(float* out, const float* in, int N, int C, int H, int W,
                                     int s_h, int s_w);
void upsample_bed_of_nails2d_backward(float* d_in, const float* d_out, int N, int C, int H, int W,
                                      int s_h, int s_w);

// ---- Tensor layer --------------------------------------------------------------------------
struct MaxPool2dResult {
    Tensor out;           // (N, C, H_out, W_out)
    IndexTensor indices;  // (N, C, H_out, W_out), flat within each (H, W) input plane
};
MaxPool2dResult max_pool2d(const Tensor& x, const MaxPool2dParams& p = {});
// d_x (N, C, H, W) += d_out through indices.
void max_pool2d_backward(Tensor& d_x, const Tensor& d_out, const IndexTensor& indices);

Tensor avg_pool2d(const Tensor& x, const AvgPool2dParams& p = {});
void avg_pool2d_backward(Tensor& d_x, const Tensor& d_out, const AvgPool2dParams& p = {});

// x and indices (N, C, H, W) -> (N, C, H_out, W_out); throws if an index is outside the output.
Tensor max_unpool2d(const Tensor& x, const IndexTensor& indices, const MaxUnpool2dParams& p = {});
void max_unpool2d_backward(Tensor& d_x, const Tensor& d_out, const IndexTensor& indices);

Tensor upsample_nearest2d(const Tensor& x, int scale_h, int scale_w);
void upsample_nearest2d_backward(Tensor& d_x, const Tensor& d_out, int scale_h, int scale_w);
Tensor upsample_bed_of_nails2d(const Tensor& x, int scale_h, int scale_w);
void upsample_bed_of_nails2d_backward(Tensor& d_x, const Tensor& d_out, int scale_h, int scale_w);

}  // namespace aelab
