// The "Convolution" lesson's maths and state, separate from its drawing so tests can check it.
// Every output value comes from the core's conv ops; this file only enumerates windows and
// writes their products out so the page (and the tests) can show that they add up.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/tensor.hpp"
#include "kit/sections.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::convolution {

// --- The course's worked examples ----------------------------------------------------------------
Tensor course_signal();     // x (10,) = [1, 4, 3, -1, 2, -4, 1, 0, 2, -1]
Tensor course_kernel_1d();  // w (3,) = [1, 2, 1]
Tensor course_image();      // (5, 5)
Tensor course_kernel_2d();  // (3, 3)
// The course image / kernel tiled (or cropped) to another size, so every size has whole numbers
// and 5x5 / 3x3 give the course's own.
Tensor tiled_course_image(int rows, int cols);
Tensor tiled_course_kernel(int rows, int cols);

// --- One output element, written out ---------------------------------------------------------------
struct Term {
    int row, col;  // position of the tap in the zero-padded input
    float x, w;    // input value (0 in the padding) and kernel value
    bool padding;  // the tap falls on a padded zero
};
struct WindowStep {
    int row = 0, col = 0;     // the output element
    std::vector<Term> terms;  // one per kernel element, row-major over the kernel
    double sum = 0;           // the written-out products, added up
    float output = 0;         // the core's output element
    std::string products;     // "3*0 + 1*1 + ..."
    std::string text;         // "y[1,2] = 3*0 + 1*1 + ... = 17"
};
// x (H, W) the input plane, w (kH, kW) the kernel, y (H_out, W_out) the core's output for p.
// one_d: one-row planes, written y[i] instead of y[r,c]. `name` is the output's name.
WindowStep window_step(const Tensor& x, const Tensor& w, const Conv2dParams& p, const Tensor& y, int row, int col,
                       bool one_d, const std::string& name = "y");
// Every output element in row-major order.
std::vector<WindowStep> window_steps(const Tensor& x, const Tensor& w, const Conv2dParams& p, const Tensor& y,
                                     bool one_d);
// "3*0", "(-1)*2": one product as the step text writes it.
std::string product_text(float x, float w);

// "H_out = floor((H + 2P - D(K-1) - 1)/S) + 1 = floor((5 + 2*0 - 1*(3-1) - 1)/1) + 1 = 3"
// with the result from the core's conv_output_size.
std::string output_size_formula(const std::string& out_name, const std::string& in_name, int in, int kernel,
                                int stride, int padding, int dilation);

// A plane conv as the page runs it: the output (H_out, W_out), or an empty tensor and the
// reason (the core's aelab::Error message) when no window fits.
struct PlaneResult {
    Tensor y;
    std::string error;
    bool ok() const { return error.empty(); }
};
PlaneResult conv_plane(const Tensor& x, const Tensor& w, const Conv2dParams& p);     // x (H, W), w (kH, kW)
PlaneResult conv_signal(const Tensor& x, const Tensor& w, const Conv1dParams& p);    // x (L,), w (K,) -> (L_out,)

// --- 1. 1D -------------------------------------------------------------------------------------------
struct State1d {
    std::vector<float> x, w;  // the signal and the kernel as the student edited them
    int stride = 1, padding = 0, dilation = 1;
    bool flip = false;  // mathematicians' convolution: the kernel reversed
    State1d();
};
// The kernel the core is given: w, or w reversed when flip is set.
Tensor kernel_used_1d(const State1d& s);

// --- 2. 2D -------------------------------------------------------------------------------------------
struct Preset2d {
    const char* name;
    const char* note;
    int rows, cols, krows, kcols;
    Conv2dParams params;
};
const std::vector<Preset2d>& presets_2d();
struct State2d {
    int preset = 0;
    int rows = 5, cols = 5, krows = 3, kcols = 3;
    std::vector<float> kernel;  // krows * kcols, row-major
    std::array<int, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};
    bool per_axis = false;  // separate sliders for rows and columns
    State2d();
    void apply_preset(int index);
    void resize_kernel(int rows, int cols);  // the course kernel tiled to the new size
    Conv2dParams params() const { return {stride, padding, dilation}; }
};
Tensor input_2d(const State2d& s);   // (rows, cols)
Tensor kernel_2d(const State2d& s);  // (krows, kcols)

// --- 3. Multi-channel and 3D ------------------------------------------------------------------------------
constexpr int kPictureRows = 12, kPictureCols = 16;
constexpr int kMaxFilters = 4;
// The built-in picture at 12 x 16 in 0..255 levels, (3, 12, 16).
Tensor picture_levels();
// The first n of the lesson's filters, (n, 3, 3, 3) = (C_out, C_in, kH, kW), and their names.
Tensor multichannel_filters(int n);
const char* multichannel_filter_name(int f);
// x (3, H, W), w (F, 3, kH, kW): the core's output per filter (F, H_out, W_out) and, for each
// filter and input channel, the conv of that channel alone (F, 3, H_out, W_out).
struct ChannelSplit {
    Tensor total, partial;
};
ChannelSplit multichannel_conv(const Tensor& x, const Tensor& w);
// A small whole-number volume (d1, d2, d3) and kernel (k1, k2, k3) for the course's 3D formula.
Tensor demo_volume(int d1, int d2, int d3);
Tensor demo_volume_kernel(int k1, int k2, int k3);
// conv3d of the volume with the kernel (core), shaped (d1-k1+1, d2-k2+1, d3-k3+1).
PlaneResult conv_volume(const Tensor& x, const Tensor& w);
// out[i,j,g] written out: "out[1,2,0] = 2*1 + 0*(-1) + ... = 4" (the value from the core's y)
// and the written products added up.
struct VolumeSum {
    std::string text;
    double sum = 0;
    float output = 0;
};
VolumeSum volume_sum(const Tensor& x, const Tensor& w, const Tensor& y, int i, int j, int g);
struct State3d {
    int filters = 2;  // C_out
    int filter = 0;   // the output channel being stepped
    std::array<int, 3> volume{4, 5, 5}, kernel{2, 3, 3};
    std::array<int, 3> at{0, 0, 0};  // the volume's output element written out
};

// --- 4. Filters on real images ------------------------------------------------------------------------
enum class Filter {
    box3, box5, gaussian, sobel_x, sobel_y, sobel_magnitude, w1, w2, sharpen, vertical_line, directional, custom
};
constexpr int kFilterCount = 12;
const char* filter_name(Filter f);
Tensor sobel_x();  // [[1,0,-1],[2,0,-2],[1,0,-1]]
Tensor sobel_y();  // [[1,2,1],[0,0,0],[-1,-2,-1]]
// size x size, normalised to sum 1.
Tensor gaussian_kernel(int size, float sigma);
// cos(a) * sobel_x + sin(a) * sobel_y: responds most to edges across direction a (degrees).
Tensor directional_kernel(float degrees);
struct State4 {
    int source = 0;  // 0: Fashion-MNIST test image, 1..3: the picture's R, G or B channel
    int image = 0;   // Fashion-MNIST test index
    int filter = static_cast<int>(Filter::sobel_x);
    float angle = 45.0f, sigma = 1.0f;
    bool same_padding = false;
    int custom_size = 3;
    std::vector<float> custom;  // custom_size^2 values
    int probe_row = 13, probe_col = 13;  // the output element written out
    int filters_n = 6;                   // n, for the parameter count
    State4();
    void resize_custom(int size);  // an identity kernel of the new size
};
// The kernel(s) of the filter: one, or Sobel x and y for the gradient magnitude.
std::vector<Tensor> filter_kernels(const State4& s);
// Zero padding that keeps the size for odd kernels: ((kH-1)/2, (kW-1)/2).
Conv2dParams filter_params(const State4& s, const Tensor& kernel);
struct FilterResult {
    std::vector<Tensor> parts;  // the core's conv output per kernel (H_out, W_out)
    Tensor out;                 // parts[0], or sqrt(gx^2 + gy^2) for the magnitude
    std::string error;
    bool ok() const { return error.empty(); }
};
FilterResult apply_filter(const Tensor& image, const State4& s);  // image (H, W)

// The course's count: n filters of 5x5 on a 28x28 image vs a dense layer making the same
// 24x24 maps, from the core's layers (weights only, as the course counts).
struct ParameterCounts {
    std::size_t conv = 0, dense = 0;
    Shape conv_output;  // (n, 24, 24)
};
ParameterCounts parameter_counts(int n);

// --- PyTorch --------------------------------------------------------------------------------------------
std::string pytorch_1d(const State1d& s);
std::string pytorch_2d(const State2d& s);
std::string pytorch_multichannel(int filters);
std::string pytorch_filter(const State4& s);

// --- The whole page's state in the URL ----------------------------------------------------------------
struct State {
    State1d one;
    State2d two;
    State3d three;
    State4 four;
    kit::Sections sections{1};  // section i+1 expanded: bit i
};
// Declares the page's URL keys on s's fields (the steppers' steps st1..st3 are the lesson's);
// missing or malformed values leave the defaults.
void bind_url(kit::UrlState& url, State& s);
// "451,584": a count as the course writes it.
std::string with_commas(std::size_t n);

}  // namespace aelab::lessons::convolution
