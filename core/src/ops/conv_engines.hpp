// Private to the core: the engines behind every convolution op, on one batch described by a
// ConvGeometry (conv_geometry.hpp), and the four ops that choose among them (dispatch.cpp).
//
// Every engine is written in conv's terms: "forward" computes the grid side from the image
// side, "backward_input" the image side from the grid side (conv's dX), "backward_weight" the
// weight gradient. Transposed conv, the adjoint, uses the same engines the other way round:
// its forward is backward_input, its dX is forward.
//   direct          the scalar twins: loops over the definition (conv_ref.cpp)
//   indirect        indirect GEMM, one pointer per output position (conv_indirect.cpp)
//   polyphase       packed GEMM over phase planes (conv_polyphase.cpp)
//   weight gradient NT GEMM over phase planes, for every op (conv_polyphase.cpp)
// Conv: in is the image side, out the grid side; transposed conv the other way round.
#pragma once
#include "conv_geometry.hpp"

namespace aelab {

// ---- the ops: each picks its engines (dispatch.cpp) ----------------------------------------
void conv_forward(const ConvGeometry& g, float* out, const float* in, const float* weight,
                  const float* bias);
// Adds into d_in, d_weight, d_bias; any may be nullptr.
void conv_backward(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                   const float* d_out, const float* in, const float* weight);
void conv_transpose_forward(const ConvGeometry& g, float* out, const float* in, const float* weight,
                            const float* bias);
void conv_transpose_backward(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                             const float* d_out, const float* in, const float* weight);

// ---- direct: the scalar twins (conv_ref.cpp) -----------------------------------------------
void conv_forward_direct(const ConvGeometry& g, float* out, const float* in, const float* weight,
                         const float* bias);
void conv_backward_direct(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                          const float* d_out, const float* in, const float* weight);
void conv_transpose_forward_direct(const ConvGeometry& g, float* out, const float* in,
                                   const float* weight, const float* bias);
void conv_transpose_backward_direct(const ConvGeometry& g, float* d_in, float* d_weight,
                                    float* d_bias, const float* d_out, const float* in,
                                    const float* weight);

// ---- indirect GEMM (conv_indirect.cpp) and polyphase GEMM (conv_polyphase.cpp) -------------
// grid (N, C_grid, grid...) = (accumulate ? grid : bias) + conv(image (N, C_img, image...))
void conv_forward_indirect(const ConvGeometry& g, float* grid, const float* image,
                           const float* weight, const float* bias, bool accumulate);
void conv_forward_polyphase(const ConvGeometry& g, float* grid, const float* image,
                            const float* weight, const float* bias, bool accumulate);
// image (N, C_img, image...) = (accumulate ? image : bias) + conv^T(grid (N, C_grid, grid...))
void conv_backward_input_indirect(const ConvGeometry& g, float* image, const float* grid,
                                  const float* weight, const float* bias, bool accumulate);
void conv_backward_input_polyphase(const ConvGeometry& g, float* image, const float* grid,
                                   const float* weight, const float* bias, bool accumulate);
// d_weight (C_grid, C_img, k...) += grid (N, C_grid, grid...) x col(image (N, C_img, image...))
void conv_backward_weight_gemm_nt(const ConvGeometry& g, float* d_weight, const float* grid,
                                  const float* image);

}  // namespace aelab
