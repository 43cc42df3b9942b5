// The "Transposed convolution" lesson's maths and state, separate from its drawing so tests can
// check every number the page shows. Values come from the core's ops (conv_transpose2d, conv2d,
// upsample_*); the functions here arrange them into the lesson's views.
//
// Legend: x the transposed convolution's input (1, 1, H, W), w its kernel (1, 1, K, K),
//   y its output (1, 1, H_out, W_out); S stride, P padding, OP output padding, D dilation.
//   "Full" output: the sum of the kernel copies before the padding crops it, size
//   (H - 1)*S + D(K - 1) + 1 per axis; y is its window starting at (P, P).
#pragma once
#include <string>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/tensor.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::transposed_conv {

// --- Geometry -----------------------------------------------------------------------------------
// One square kernel and the same stride / padding / dilation on both axes. The defaults are the
// course's example (the first preset).
struct Geometry {
    int H = 2, W = 2;  // input size
    int K = 3;         // kernel size
    int S = 2, P = 1, OP = 1, D = 1;
    bool operator==(const Geometry& o) const {
        return H == o.H && W == o.W && K == o.K && S == o.S && P == o.P && OP == o.OP && D == o.D;
    }
};
// Slider ranges (also the valid range of URL values).
constexpr int kMaxInput = 4, kMinKernel = 2, kMaxKernel = 5, kMaxStride = 3, kMaxPadding = 4,
              kMaxOutputPadding = 2, kMaxDilation = 3;

ConvTranspose2dParams torch_params(const Geometry& g);
int out_rows(const Geometry& g);  // H_out from the core's formula (may be <= 0)
int out_cols(const Geometry& g);
int full_rows(const Geometry& g);  // (H - 1)*S + D(K - 1) + 1
int full_cols(const Geometry& g);
// The core's message when conv_transpose2d rejects the geometry, "" when it is valid.
std::string invalid_reason(const Geometry& g);
// A sentence on why, in the lesson's words, for the message panel (empty when valid).
std::string invalid_explanation(const Geometry& g);
// "H_out = (H - 1)*S - 2P + D(K - 1) + OP + 1 = (2 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 4"
std::string output_size_formula(const Geometry& g, bool rows);

// --- Presets ------------------------------------------------------------------------------------
struct Preset {
    const char* name;
    const char* note;  // what to look at
    Geometry g;
    std::vector<float> x, w;  // row-major H*W input and K*K kernel
};
const std::vector<Preset>& presets();
// Values for an input or kernel of a new size: 1, 2, 3, ... again if the old ones were, else the
// old values where they overlap and 0 (input) or 1 (kernel) elsewhere.
std::vector<float> resized(const std::vector<float>& old, int old_rows, int old_cols, int rows, int cols,
                           bool kernel);

// (1, 1, rows, cols) holding `values` row-major.
Tensor plane(const std::vector<float>& values, int rows, int cols);
// x (1,1,H,W), w (1,1,K,K) -> the core's conv_transpose2d output. Throws aelab::Error.
Tensor transposed(const Tensor& x, const Tensor& w, const Geometry& g);

// --- 1. Scatter view --------------------------------------------------------------------------------
// The uncropped canvas the copies land on: the full output, plus OP - P zero rows/cols at the
// bottom/right when the output padding reaches past it. y = canvas[P : P + H_out, P : P + W_out].
struct Canvas {
    int rows, cols;
};
Canvas canvas_size(const Geometry& g);
// The full (P = 0, OP = 0) transposed convolution of x, placed on the canvas (core op).
Tensor full_on_canvas(const Tensor& x, const Tensor& w, const Geometry& g);  // (rows, cols)
// The window of the canvas the output keeps.
Tensor crop_to_output(const Tensor& canvas, const Geometry& g);  // (H_out, W_out)

struct ScatterStep {
    int i, j;            // the input element x[i, j]
    float value;         // x[i, j]
    int row0, col0;      // top-left of its kernel copy on the canvas: (i*S, j*S)
    int span;            // D(K - 1) + 1: the copy covers [row0, row0 + span) x [col0, col0 + span)
    int landed;          // how many of the K*K copy values fall inside the output window
    Tensor copy;         // (rows, cols): x[i, j] * w placed on the canvas (core op on a one-hot input)
    Tensor running;      // (rows, cols): sum of the copies of steps 0..this (core op on a masked input)
    std::string text;    // "x[0,1] = 2 adds 2 * w to y_full[0:3, 2:5] ..."
};
// One step per input element, row-major. Empty when the geometry is invalid.
std::vector<ScatterStep> scatter_steps(const Tensor& x, const Tensor& w, const Geometry& g);
// How many kernel copies land on each canvas cell (transposed conv of ones by a ones kernel).
Tensor overlap_count(const Geometry& g);  // (rows, cols)

// Which copies land on output y[r, c]: the gather form of the same sum.
struct Term {
    int i, j;  // input element
    int a, b;  // kernel element
    float x, w;
};
std::vector<Term> gather_terms(const Tensor& x, const Tensor& w, const Geometry& g, int r, int c);
// "y[1,2] = x[0,1]*w[2,0] + x[1,1]*w[0,0] = 2*1 + 4*3 = 14", the total printed from `value`.
std::string gather_text(const std::vector<Term>& terms, int r, int c, float value);

// --- 2. Zero insertion + ordinary convolution ---------------------------------------------------------
// General NCHW form: x (N, C_in, H, W), w (C_in, C_out, kH, kW).
struct ZeroInsertion {
    Tensor dilated;  // (N, C_in, (H-1)*S+1, (W-1)*S+1): S-1 zeros between values (bed of nails)
    Tensor padded;   // dilated with D(K-1) - P zeros on each side (+ OP at bottom/right);
                     // a negative amount crops
    Tensor flipped;  // (C_out, C_in, kH, kW): w flipped in both spatial axes, channels swapped
    Tensor y;        // conv2d(padded, flipped, stride 1, dilation D)
    int pad_top, pad_left;  // D(K-1) - P per axis (negative: cropped)
};
ZeroInsertion by_zero_insertion(const Tensor& x, const Tensor& w, const ConvTranspose2dParams& p);
// The window y[r, c] reads on `padded` and its products with the flipped kernel (1 channel).
struct Product {
    int pr, pc;  // position on padded
    int a, b;    // flipped-kernel element
    float v, k;
};
std::vector<Product> window_products(const ZeroInsertion& z, int dilation, int r, int c);
// "y[1,2] = 0*9 + 1*8 + ... = 17", the total printed from `value`.
std::string window_text(const std::vector<Product>& products, int r, int c, float value);

// --- 3. Matrix view ---------------------------------------------------------------------------------
// The convolution with stride S, padding P, dilation D that maps an H_out x W_out image z to an
// H x W image, as a matrix C of shape (H*W, H_out*W_out): column k is conv2d of the k-th unit
// basis image (core op). Throws aelab::Error if that convolution does not come back to H x W
// (output padding >= stride) or the geometry is invalid.
Tensor conv_matrix(const Tensor& w, const Geometry& g);
// C^T x as an (1, 1, H_out, W_out) image, and C z as (1, 1, H, W): matrix products as xtensor sums.
Tensor apply_transpose(const Tensor& C, const Tensor& x, const Geometry& g);
Tensor apply_matrix(const Tensor& C, const Tensor& z, const Geometry& g);
float dot(const Tensor& a, const Tensor& b);
// For how many matrix cells the lesson draws numbers (beyond: a heatmap).
constexpr int kMatrixNumberCols = 36;

// --- 4. Checkerboard artifacts ---------------------------------------------------------------------
enum class Upsampler { k3s2, k4s2, resize_conv };
constexpr int kUpsamplerCount = 3;
const char* upsampler_name(Upsampler u);
// The uniform weight that keeps the average brightness: S^2 / K^2 (1/9 after the resize).
float uniform_weight(Upsampler u);
// img (1, 1, H, W) -> (1, 1, 2H, 2W) with a uniform kernel (core ops).
Tensor upsample_x2(const Tensor& img, Upsampler u);
// How many kernel taps reach each output cell (ones input, ones kernel).
Tensor overlap_x2(int H, int W, Upsampler u);
// "conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)", for the page and PyTorch panel.
std::string upsampler_call(Upsampler u);

// --- PyTorch ------------------------------------------------------------------------------------------
std::string pytorch_code(const Tensor& x, const Tensor& w, const Geometry& g);
std::string pytorch_matrix_code(const Geometry& g);
std::string pytorch_checkerboard_code();

// --- Page state (all of it in the URL) -------------------------------------------------------------
// Keys: preset, h, w, k, s, p, op, d, x (input values, comma-separated), kw (kernel values),
// step (scatter step), ostep (zero-insertion output step), row (matrix row), src (0 constant,
// 1 Fashion-MNIST), img (test image index), open (bit mask of open sections).
struct State {
    int preset = 0;  // -1: custom (edited after choosing a preset)
    Geometry g;
    std::vector<float> x, w;
    int step = 0, out_step = 0, row = 0;
    int source = 0, image = 0;
    int open = 1;
};
State preset_state(int preset);
// The keys above, bound to the fields of `s` ("preset" first: reading it loads the preset's
// geometry, the default of h .. d).
kit::UrlState url_keys(State& s);
// The state the page parameters give. Invalid or missing values fall back to the preset's; x and
// kw missing or of the wrong count give the preset's values resized to the geometry read.
State state_from_params();

}  // namespace aelab::lessons::transposed_conv
