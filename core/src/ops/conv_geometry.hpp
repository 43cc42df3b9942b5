// Private to the core: the geometry shared by every convolution (1D, 2D, 3D, transposed), and
// the im2col / col2im pair that turns it into GEMM.
//
// Legend: a convolution slides a window over an *image* and produces one value per window
// position on the *grid*. For conv, image = input and grid = output; for transposed conv
// (its adjoint), image = output and grid = input. Both use the weight as (C_grid, C_img * k):
//   conv weight (C_out, C_in, k...)  = (C_grid, C_img, k...)
//   transposed  (C_in, C_out, k...)  = (C_grid, C_img, k...)
// Spatial axes are always (D, H, W); a 2D op has D = 1, a 1D op D = H = 1.
//   col = im2col(image): (C_img * kD * kH * kW, D_grid * H_grid * W_grid), row index
//   ((c * kD + kd) * kH + kh) * kW + kw, column index (gd * H_grid + gh) * W_grid + gw, holding
//   image[c, gd*S - P + kd*Dl, gh*S - P + kh*Dl, gw*S - P + kw*Dl] (0 outside the image).
#pragma once
#include <array>

#include "aelab/conv.hpp"

namespace aelab {

struct ConvGeometry {
    int N = 1;
    int C_img = 1, C_grid = 1;
    std::array<int, 3> image{1, 1, 1}, grid{1, 1, 1};
    std::array<int, 3> kernel{1, 1, 1}, stride{1, 1, 1}, padding{0, 0, 0}, dilation{1, 1, 1};

    int image_size() const { return image[0] * image[1] * image[2]; }
    int grid_size() const { return grid[0] * grid[1] * grid[2]; }
    int kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
    int col_rows() const { return C_img * kernel_size(); }
};

// Geometry of a `dims`-D convolution (x: (N, C_in, in...), weight (C_out, C_in, k...)).
// Validates every size and parameter and throws aelab::Error naming `op` (including when the
// output would be empty).
ConvGeometry conv_geometry(const char* op, int dims, int N, int C_in, const int* in, int C_out,
                           const int* kernel, const int* stride, const int* padding,
                           const int* dilation);
// Geometry of a `dims`-D transposed convolution (x: (N, C_in, in...), weight (C_in, C_out, k...)).
ConvGeometry conv_transpose_geometry(const char* op, int dims, int N, int C_in, const int* in,
                                     int C_out, const int* kernel, const int* stride,
                                     const int* padding, const int* output_padding,
                                     const int* dilation);

// The same for each public op's parameters (one place, shared by the fast path, the scalar
// twins and the Tensor layer).
ConvGeometry make_geometry(const char* op, int N, int C_in, int L, int C_out, int K,
                           const Conv1dParams& p);
ConvGeometry make_geometry(const char* op, int N, int C_in, int H, int W, int C_out, int kH, int kW,
                           const Conv2dParams& p);
ConvGeometry make_geometry(const char* op, int N, int C_in, int D, int H, int W, int C_out, int kD,
                           int kH, int kW, const Conv3dParams& p);
ConvGeometry make_geometry(const char* op, int N, int C_in, int L, int C_out, int K,
                           const ConvTranspose1dParams& p);
ConvGeometry make_geometry(const char* op, int N, int C_in, int H, int W, int C_out, int kH, int kW,
                           const ConvTranspose2dParams& p);

// col (col_rows, grid_size) = im2col(image (C_img, image...)).
void im2col(float* col, const float* image, const ConvGeometry& g);
// image (C_img, image...) += col2im(col (col_rows, grid_size)): the adjoint of im2col.
void col2im_add(float* image, const float* col, const ConvGeometry& g);

// The engines behind every conv op: fast (GEMM) and reference (direct loops), on one image
// batch. Conv: in is the image side, out the grid side; transposed conv the other way round.
void conv_forward_gemm(const ConvGeometry& g, float* out, const float* in, const float* weight,
                       const float* bias);
void conv_backward_gemm(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                        const float* d_out, const float* in, const float* weight);
void conv_transpose_forward_gemm(const ConvGeometry& g, float* out, const float* in,
                                 const float* weight, const float* bias);
void conv_transpose_backward_gemm(const ConvGeometry& g, float* d_in, float* d_weight,
                                  float* d_bias, const float* d_out, const float* in,
                                  const float* weight);
void conv_forward_direct(const ConvGeometry& g, float* out, const float* in, const float* weight,
                         const float* bias);
void conv_backward_direct(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                          const float* d_out, const float* in, const float* weight);
void conv_transpose_forward_direct(const ConvGeometry& g, float* out, const float* in,
                                   const float* weight, const float* bias);
void conv_transpose_backward_direct(const ConvGeometry& g, float* d_in, float* d_weight,
                                    float* d_bias, const float* d_out, const float* in,
                                    const float* weight);

}  // namespace aelab
