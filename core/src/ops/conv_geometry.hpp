// Private to the core: the geometry shared by every convolution (1D, 2D, 3D, transposed), and
// the polyphase planes that turn it into GEMM (im2col fused into the GEMM's packing).
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
#include <vector>

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

// Polyphase planes: im2col without the column matrix. Along an axis, tap k of grid position g
// reads image coordinate g*S + o with o = k*Dl - P, which is (g + floor(o/S))*S + (o mod S):
// phase o mod S of the image, at grid coordinate g shifted by floor(o/S). So the image is split
// once into S_d*S_h*S_w phase planes, each zero-padded by the extreme shifts, and laid out with
// the plane's row pitch ext_w. Then every row of the column matrix, for every grid position
// in *pitched* order t = (gd*ext_h + gh)*ext_w + gw, is one contiguous run of a plane:
//   col[r, t] = planes[n][tap_offset[r] + t]
// Positions with gw >= W_grid (or gh >= H_grid) are junk the engines compute and drop; they
// cost (ext_w - W_grid) / ext_w of the work (1/15 for 28x28 stride 2, 1/8 for 14x14).
// Without stride, dilation or padding the planes are the image itself, copied.
struct PhasePlanes {
    std::array<int, 3> lo{0, 0, 0};   // per axis: the smallest shift floor((-P)/S)
    std::array<int, 3> ext{1, 1, 1};  // per axis: plane extent = grid + largest - smallest shift
    int phases = 1;                   // S_d * S_h * S_w planes per channel
    long plane = 1;                   // floats per (n, c, phase) plane: ext_d * ext_h * ext_w
    long image_stride = 1;            // floats per image: C_img * phases * plane
    int positions = 1;                // T: pitched positions per image (last valid one + 1)
    std::vector<long> tap_offset;     // (col_rows,): start of row r's run within an image
};
PhasePlanes phase_planes(const ConvGeometry& g);
// planes (N, C_img, phases, plane) = the image side (N, C_img, image...) split into phases.
void split_phases(float* planes, const float* image, const ConvGeometry& g, const PhasePlanes& pp);
// image (N, C_img, image...) += planes (N, C_img, phases, plane): the adjoint of split_phases.
void merge_phases_add(float* image, const float* planes, const ConvGeometry& g,
                      const PhasePlanes& pp);
// pitched (N, C_grid, row) = the grid side (N, C_grid, grid...) in pitched order, junk and the
// positions from T to row (a row of at least T) zeroed.
void pitch_grid(float* pitched, const float* grid, const ConvGeometry& g, const PhasePlanes& pp,
                int row = 0);

}  // namespace aelab
