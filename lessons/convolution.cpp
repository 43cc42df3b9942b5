// Lesson "Convolution" (id: convolution)
// What it teaches: a convolution slides a small kernel over the input and writes one weighted
// sum per position. 1D and 2D are stepped window by window with every product written out;
// stride, zero padding and dilation change where the windows go and how many there are; a colour
// image needs one kernel slice per channel (and several filters give several output channels);
// classic filters (smoothing, Sobel and the course's edge filters, sharpening, any direction)
// show what kernels do to real images, and why a convolutional layer needs so few weights.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_convolution.cpp)
//   [SECTION] PyTorch code
//   [SECTION] State in the URL
//   [SECTION] Drawing helpers
//   [SECTION] 1. 1D
//   [SECTION] 2. 2D: stride, padding, dilation
//   [SECTION] 3. Colour images: channels, filters and 3D
//   [SECTION] 4. Filters on real images
//   [SECTION] The lesson
#include "convolution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/images.hpp"
#include "aelab/layers.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"

namespace aelab::lessons {
namespace convolution {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------

Tensor course_signal() { return from_values({10}, {1, 4, 3, -1, 2, -4, 1, 0, 2, -1}); }
Tensor course_kernel_1d() { return from_values({3}, {1, 2, 1}); }
Tensor course_image() {
    return from_values({5, 5}, {3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1});
}
Tensor course_kernel_2d() { return from_values({3, 3}, {0, 1, 2, 2, 2, 0, 0, 1, 2}); }

namespace {
Tensor tiled(const Tensor& src, int rows, int cols) {
    const int R = static_cast<int>(src.shape()[0]), C = static_cast<int>(src.shape()[1]);
    Tensor t = zeros({std::size_t(rows), std::size_t(cols)});
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) t(r, c) = src(r % R, c % C);
    return t;
}
int dim(const Tensor& t, std::size_t axis) { return static_cast<int>(t.shape()[axis]); }
}  // namespace

Tensor tiled_course_image(int rows, int cols) { return tiled(course_image(), rows, cols); }
Tensor tiled_course_kernel(int rows, int cols) { return tiled(course_kernel_2d(), rows, cols); }

namespace {
// A number inside a sum: negatives in parentheses, "(-1)".
std::string term(float v) { return v < 0 ? "(" + ui::fmt_num(v) + ")" : ui::fmt_num(v); }
}  // namespace

std::string product_text(float x, float w) { return term(x) + "*" + term(w); }

WindowStep window_step(const Tensor& x, const Tensor& w, const Conv2dParams& p, const Tensor& y, int row, int col,
                       bool one_d, const std::string& name) {
    const int H = dim(x, 0), W = dim(x, 1), kH = dim(w, 0), kW = dim(w, 1);
    WindowStep st;
    st.row = row;
    st.col = col;
    for (int kr = 0; kr < kH; ++kr)
        for (int kc = 0; kc < kW; ++kc) {
            const int pr = row * p.stride[0] + kr * p.dilation[0], pc = col * p.stride[1] + kc * p.dilation[1];
            const int ir = pr - p.padding[0], ic = pc - p.padding[1];
            const bool pad = ir < 0 || ir >= H || ic < 0 || ic >= W;
            const float xv = pad ? 0.0f : x(ir, ic);
            st.terms.push_back({pr, pc, xv, w(kr, kc), pad});
            st.sum += double(xv) * double(w(kr, kc));
            if (!st.products.empty()) st.products += " + ";
            st.products += product_text(xv, w(kr, kc));
        }
    st.output = y(row, col);
    const std::string index = one_d ? std::to_string(col) : std::to_string(row) + "," + std::to_string(col);
    st.text = name + "[" + index + "] = " + st.products + " = " + ui::fmt_num(st.output);
    return st;
}

std::vector<WindowStep> window_steps(const Tensor& x, const Tensor& w, const Conv2dParams& p, const Tensor& y,
                                     bool one_d) {
    std::vector<WindowStep> steps;
    for (int r = 0; r < dim(y, 0); ++r)
        for (int c = 0; c < dim(y, 1); ++c) steps.push_back(window_step(x, w, p, y, r, c, one_d));
    return steps;
}

Tensor zero_padded(const Tensor& x, int pad_rows, int pad_cols) {
    const int H = dim(x, 0), W = dim(x, 1);
    Tensor t = zeros({std::size_t(H + 2 * pad_rows), std::size_t(W + 2 * pad_cols)});
    for (int r = 0; r < H; ++r)
        for (int c = 0; c < W; ++c) t(r + pad_rows, c + pad_cols) = x(r, c);
    return t;
}

std::string output_size_formula(const std::string& out_name, const std::string& in_name, int in, int kernel,
                                int stride, int padding, int dilation) {
    const int span = in + 2 * padding - dilation * (kernel - 1) - 1;
    const int out = conv_output_size(in, kernel, stride, padding, dilation);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s = floor((%s + 2P - D(K-1) - 1)/S) + 1 = floor((%d + 2*%d - %d*(%d-1) - 1)/%d) + 1",
                  out_name.c_str(), in_name.c_str(), in, padding, dilation, kernel, stride);
    std::string s = buf;
    if (span < 0) {
        const int floored = -((-span + stride - 1) / stride);  // floor division, as torch does
        return s + " = floor(" + std::to_string(span) + "/" + std::to_string(stride) + ") + 1 = " +
               std::to_string(floored + 1) + ": no window fits, the output is empty";
    }
    return s + " = floor(" + std::to_string(span) + "/" + std::to_string(stride) + ") + 1 = " + std::to_string(out);
}

PlaneResult conv_plane(const Tensor& x, const Tensor& w, const Conv2dParams& p) {
    PlaneResult r;
    try {
        Tensor x4 = x, w4 = w;
        x4.reshape(Shape{1, 1, x.shape()[0], x.shape()[1]});
        w4.reshape(Shape{1, 1, w.shape()[0], w.shape()[1]});
        r.y = conv2d(x4, w4, nullptr, p);  // (1, 1, H_out, W_out)
        r.y.reshape(Shape{r.y.shape()[2], r.y.shape()[3]});
    } catch (const Error& e) {
        r.y = Tensor();
        r.error = e.what();
    }
    return r;
}

PlaneResult conv_signal(const Tensor& x, const Tensor& w, const Conv1dParams& p) {
    PlaneResult r;
    try {
        Tensor x3 = x, w3 = w;
        x3.reshape(Shape{1, 1, x.size()});
        w3.reshape(Shape{1, 1, w.size()});
        r.y = conv1d(x3, w3, nullptr, p);  // (1, 1, L_out)
        r.y.reshape(Shape{r.y.shape()[2]});
    } catch (const Error& e) {
        r.y = Tensor();
        r.error = e.what();
    }
    return r;
}

State1d::State1d() {
    Tensor x0 = course_signal(), w0 = course_kernel_1d();
    x.assign(x0.begin(), x0.end());
    w.assign(w0.begin(), w0.end());
}

bool State1d::operator==(const State1d& o) const {
    return x == o.x && w == o.w && stride == o.stride && padding == o.padding && dilation == o.dilation &&
           flip == o.flip && step == o.step;
}

Tensor kernel_used_1d(const State1d& s) {
    std::vector<float> k = s.w;
    if (s.flip) std::reverse(k.begin(), k.end());
    return from_values({k.size()}, k);
}

const std::vector<Preset2d>& presets_2d() {
    static const std::vector<Preset2d> presets = {
        {"Course example", "The course's worked example: a 5x5 input and a 3x3 kernel, stride 1, no padding: a 3x3 output.",
         5, 5, 3, 3, {{1, 1}, {0, 0}, {1, 1}}},
        {"Zero padding 1: same size",
         "One ring of zeros around the input gives every input pixel a window centred on it: the output is 5x5, like the input.",
         5, 5, 3, 3, {{1, 1}, {1, 1}, {1, 1}}},
        {"Stride 2, padding 1", "The window jumps two pixels at a time: every other window of the padded input, 3x3.", 5, 5, 3, 3,
         {{2, 2}, {1, 1}, {1, 1}}},
        {"Dilation 2 on a 7x7 input",
         "The kernel taps every other pixel: a 3x3 kernel spans 5x5 (D(K-1)+1 = 5) without more weights. 7x7 in, 3x3 out.",
         7, 7, 3, 3, {{1, 1}, {0, 0}, {2, 2}}},
        {"Stride (1, 2): per axis", "Stride 1 down the rows, 2 along the columns: 3 rows but only 2 columns of windows.", 5, 5,
         3, 3, {{1, 2}, {0, 0}, {1, 1}}},
        {"Empty: 3x3 kernel on a 2x2 input",
         "No 3x3 window fits inside a 2x2 input without padding, so there is no output at all. Add padding 1 to fix it.", 2,
         2, 3, 3, {{1, 1}, {0, 0}, {1, 1}}},
    };
    return presets;
}

State2d::State2d() { apply_preset(0); }

void State2d::apply_preset(int index) {
    const Preset2d& p = presets_2d().at(static_cast<std::size_t>(index));
    preset = index;
    rows = p.rows, cols = p.cols, krows = p.krows, kcols = p.kcols;
    Tensor k = tiled_course_kernel(krows, kcols);
    kernel.assign(k.begin(), k.end());
    stride = p.params.stride, padding = p.params.padding, dilation = p.params.dilation;
    per_axis = stride[0] != stride[1] || padding[0] != padding[1] || dilation[0] != dilation[1];
    step = 0;
}

Tensor input_2d(const State2d& s) { return tiled_course_image(s.rows, s.cols); }

Tensor kernel_2d(const State2d& s) {
    if (s.kernel.size() != std::size_t(s.krows) * s.kcols) return tiled_course_kernel(s.krows, s.kcols);
    return from_values({std::size_t(s.krows), std::size_t(s.kcols)}, s.kernel);
}

Tensor picture_levels() {
    Tensor p = make_rgb_picture(kPictureRows, kPictureCols);  // (3, H, W) in [0, 1]
    for (float& v : p) v = std::round(v * 255.0f);
    return p;
}

namespace {
const char* kFilterNames[kMaxFilters] = {
    "redness: 2R - G - B summed over the window",
    "vertical edges: Sobel x on R, G and B",
    "horizontal edges in blue: Sobel y on B only",
    "greenness: G summed over the window",
};
}  // namespace

const char* multichannel_filter_name(int f) { return f >= 0 && f < kMaxFilters ? kFilterNames[f] : "?"; }

Tensor multichannel_filters(int n) {
    n = std::clamp(n, 1, kMaxFilters);
    Tensor w = zeros({std::size_t(n), 3, 3, 3});  // (C_out, C_in, kH, kW)
    const Tensor sx = sobel_x(), sy = sobel_y();
    for (int f = 0; f < n; ++f)
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) switch (f) {
                    case 0: w(f, 0, r, c) = 2, w(f, 1, r, c) = -1, w(f, 2, r, c) = -1; break;
                    case 1:
                        for (int ch = 0; ch < 3; ++ch) w(f, ch, r, c) = sx(r, c);
                        break;
                    case 2: w(f, 2, r, c) = sy(r, c); break;
                    default: w(f, 1, r, c) = 1; break;
                }
    return w;
}

ChannelSplit multichannel_conv(const Tensor& x, const Tensor& w) {
    check_rank("multichannel_conv", "x", x, 3, "C, H, W");
    check_rank("multichannel_conv", "w", w, 4, "C_out, C_in, kH, kW");
    const std::size_t C = x.shape()[0], F = w.shape()[0];
    Tensor x4 = x;
    x4.reshape(Shape{1, C, x.shape()[1], x.shape()[2]});
    Tensor total = conv2d(x4, w, nullptr);  // (1, F, H_out, W_out)
    const std::size_t Ho = total.shape()[2], Wo = total.shape()[3];
    ChannelSplit s;
    s.partial = zeros({F, C, Ho, Wo});
    for (std::size_t c = 0; c < C; ++c) {
        Tensor xc = xt::view(x4, xt::all(), xt::range(c, c + 1));  // (1, 1, H, W)
        Tensor wc = xt::view(w, xt::all(), xt::range(c, c + 1));   // (F, 1, kH, kW)
        Tensor yc = conv2d(xc, wc, nullptr);                        // (1, F, H_out, W_out)
        xt::view(s.partial, xt::all(), c) = xt::view(yc, 0);
    }
    total.reshape(Shape{F, Ho, Wo});
    s.total = total;
    return s;
}

Tensor demo_volume(int d1, int d2, int d3) {
    Tensor v = zeros({std::size_t(d1), std::size_t(d2), std::size_t(d3)});
    for (int i = 0; i < d1; ++i)
        for (int j = 0; j < d2; ++j)
            for (int k = 0; k < d3; ++k) v(i, j, k) = float((i + 2 * j + 3 * k + i * k) % 4);
    return v;
}

Tensor demo_volume_kernel(int k1, int k2, int k3) {
    Tensor w = zeros({std::size_t(k1), std::size_t(k2), std::size_t(k3)});
    for (int l = 0; l < k1; ++l)
        for (int m = 0; m < k2; ++m)
            for (int n = 0; n < k3; ++n) w(l, m, n) = float((l + 2 * m + n) % 3 - 1);
    return w;
}

VolumeSum volume_sum(const Tensor& x, const Tensor& w, const Tensor& y, int i, int j, int g) {
    VolumeSum v;
    std::string products;
    for (int l = 0; l < dim(w, 0); ++l)
        for (int m = 0; m < dim(w, 1); ++m)
            for (int n = 0; n < dim(w, 2); ++n) {
                const float xv = x(i + l, j + m, g + n), wv = w(l, m, n);
                v.sum += double(xv) * wv;
                products += (products.empty() ? "" : " + ") + product_text(xv, wv);
            }
    v.output = y(i, j, g);
    v.text = "out[" + std::to_string(i) + "," + std::to_string(j) + "," + std::to_string(g) + "] = " + products + " = " +
             ui::fmt_num(v.output);
    return v;
}

PlaneResult conv_volume(const Tensor& x, const Tensor& w) {
    PlaneResult r;
    try {
        Tensor x5 = x, w5 = w;
        x5.reshape(Shape{1, 1, x.shape()[0], x.shape()[1], x.shape()[2]});
        w5.reshape(Shape{1, 1, w.shape()[0], w.shape()[1], w.shape()[2]});
        r.y = conv3d(x5, w5, nullptr);  // (1, 1, D_out, H_out, W_out)
        r.y.reshape(Shape{r.y.shape()[2], r.y.shape()[3], r.y.shape()[4]});
    } catch (const Error& e) {
        r.y = Tensor();
        r.error = e.what();
    }
    return r;
}

const char* filter_name(Filter f) {
    switch (f) {
        case Filter::box3: return "Box 3x3 (mean)";
        case Filter::box5: return "Box 5x5 (mean)";
        case Filter::gaussian: return "Gaussian 5x5";
        case Filter::sobel_x: return "Sobel x (vertical edges)";
        case Filter::sobel_y: return "Sobel y (horizontal edges)";
        case Filter::sobel_magnitude: return "Sobel gradient magnitude";
        case Filter::w1: return "W1 = [1, -1] (course)";
        case Filter::w2: return "W2 = [1; -1] (course)";
        case Filter::sharpen: return "Sharpen";
        case Filter::vertical_line: return "Vertical line (pattern match)";
        case Filter::directional: return "Edge at an angle";
        case Filter::custom: return "Your own kernel";
    }
    return "?";
}

Tensor sobel_x() { return from_values({3, 3}, {1, 0, -1, 2, 0, -2, 1, 0, -1}); }
Tensor sobel_y() { return from_values({3, 3}, {1, 2, 1, 0, 0, 0, -1, -2, -1}); }

Tensor gaussian_kernel(int size, float sigma) {
    Tensor g = zeros({std::size_t(size), std::size_t(size)});
    const float c = 0.5f * float(size - 1);
    double total = 0;
    for (int r = 0; r < size; ++r)
        for (int k = 0; k < size; ++k) {
            float v = std::exp(-((r - c) * (r - c) + (k - c) * (k - c)) / (2.0f * sigma * sigma));
            g(r, k) = v;
            total += v;
        }
    for (float& v : g) v = float(v / total);
    return g;
}

Tensor directional_kernel(float degrees) {
    const double a = degrees * 3.14159265358979 / 180.0;
    const float c = float(std::cos(a)), s = float(std::sin(a));
    Tensor k = c * sobel_x() + s * sobel_y();
    // Four decimals: cos(90 deg) is not exactly 0 in floating point, and the page shows 4 digits.
    for (float& v : k) v = std::round(v * 1e4f) / 1e4f + 0.0f;
    return k;
}

State4::State4() {
    Tensor k = sobel_x();
    custom.assign(k.begin(), k.end());
}

std::vector<Tensor> filter_kernels(const State4& s) {
    const auto fill = [](std::size_t r, std::size_t c, float v) { return Tensor(Shape{r, c}, v); };
    switch (static_cast<Filter>(s.filter)) {
        case Filter::box3: return {fill(3, 3, 1.0f / 9.0f)};
        case Filter::box5: return {fill(5, 5, 1.0f / 25.0f)};
        case Filter::gaussian: return {gaussian_kernel(5, s.sigma)};
        case Filter::sobel_x: return {sobel_x()};
        case Filter::sobel_y: return {sobel_y()};
        case Filter::sobel_magnitude: return {sobel_x(), sobel_y()};
        case Filter::w1: return {from_values({1, 2}, {1, -1})};
        case Filter::w2: return {from_values({2, 1}, {1, -1})};
        case Filter::sharpen: return {from_values({3, 3}, {0, -1, 0, -1, 5, -1, 0, -1, 0})};
        case Filter::vertical_line: return {from_values({3, 3}, {-1, 2, -1, -1, 2, -1, -1, 2, -1})};
        case Filter::directional: return {directional_kernel(s.angle)};
        case Filter::custom: {
            const std::size_t n = std::size_t(s.custom_size);
            if (s.custom.size() != n * n) return {Tensor({n, n}, 0.0f)};
            return {from_values({n, n}, s.custom)};
        }
    }
    return {sobel_x()};
}

Conv2dParams filter_params(const State4& s, const Tensor& kernel) {
    Conv2dParams p;
    if (s.same_padding) p.padding = {(dim(kernel, 0) - 1) / 2, (dim(kernel, 1) - 1) / 2};
    return p;
}

FilterResult apply_filter(const Tensor& image, const State4& s) {
    FilterResult r;
    for (const Tensor& k : filter_kernels(s)) {
        PlaneResult part = conv_plane(image, k, filter_params(s, k));
        if (!part.ok()) {
            r.error = part.error;
            r.parts.clear();
            return r;
        }
        r.parts.push_back(part.y);
    }
    r.out = r.parts[0];
    if (r.parts.size() == 2) {
        for (std::size_t i = 0; i < r.out.size(); ++i) {
            const float gx = r.parts[0].data()[i], gy = r.parts[1].data()[i];
            r.out.data()[i] = std::sqrt(gx * gx + gy * gy);
        }
    }
    return r;
}

ParameterCounts parameter_counts(int n) {
    Conv2d conv(1, n, 5, 1, 0, /*bias=*/false);
    Shape out = conv.output_shape({1, 1, 28, 28});  // (1, n, 24, 24)
    Linear dense(28 * 28, int(out[1] * out[2] * out[3]), /*bias=*/false);
    return {conv.param_count(), dense.param_count(), Shape(out.begin() + 1, out.end())};
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

namespace {
std::string torch_number(float v) {
    if (v == std::round(v) && std::fabs(v) < 1e7f) return ui::fmt_num(v);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// Rows start under their opening bracket: `column` is where "torch.tensor(" starts on its line.
void literal_rec(const Tensor& t, std::size_t axis, std::size_t offset, std::size_t column, std::string& out) {
    out += "[";
    const std::size_t n = t.shape()[axis];
    const std::size_t stride = static_cast<std::size_t>(t.strides()[axis]);
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += axis + 1 == t.dimension() ? ", " : ",\n" + std::string(column + 14 + axis, ' ');
        if (axis + 1 == t.dimension())
            out += torch_number(t.data()[offset + i * stride]);
        else
            literal_rec(t, axis + 1, offset + i * stride, column, out);
    }
    out += "]";
}

std::string values_list(const Tensor& t) {
    std::string s = "[";
    for (std::size_t i = 0; i < t.size(); ++i) s += (i ? ", " : "") + torch_number(t.data()[i]);
    return s + "]";
}

std::string pair_text(const std::array<int, 2>& v) { return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")"; }

const char* kTorchHeader = "import torch\nimport torch.nn.functional as F\n\n";
}  // namespace

std::string torch_literal(const Tensor& t, std::size_t column) {
    if (t.dimension() == 0) return "torch.tensor(" + torch_number(t()) + ")";
    std::string s;
    literal_rec(t, 0, 0, column, s);
    return "torch.tensor(" + s + ").float()";
}

std::string pytorch_1d(const State1d& s) {
    const Tensor x = from_values({s.x.size()}, s.x), w = kernel_used_1d(s);
    PlaneResult r = conv_signal(x, w, {s.stride, s.padding, s.dilation});
    std::string code = kTorchHeader;
    code += "x = " + torch_literal(x, 4) + "\n";
    code += "w = " + torch_literal(from_values({s.w.size()}, s.w), 4) + "\n";
    if (s.flip) code += "w = w.flip(0)  # mathematicians' convolution: the kernel reversed\n";
    code += "# conv1d wants (N, C_in, L) and (C_out, C_in, K)\n";
    code += "y = F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1), stride=" + std::to_string(s.stride) +
            ", padding=" + std::to_string(s.padding) + ", dilation=" + std::to_string(s.dilation) + ")\n";
    code += "print(y.flatten())";
    code += r.ok() ? "  # " + values_list(r.y) : "  # RuntimeError: the output would be empty";
    if (s.flip && s.stride == 1 && s.padding == 0 && s.dilation == 1)
        code += "\n\nimport numpy as np  # NumPy's convolve flips the kernel itself\nprint(np.convolve(x.numpy(), " +
                values_list(from_values({s.w.size()}, s.w)) + ", 'valid'))";
    return code;
}

std::string pytorch_2d(const State2d& s) {
    const Tensor x = input_2d(s), w = kernel_2d(s);
    PlaneResult r = conv_plane(x, w, s.params());
    std::string code = kTorchHeader;
    code += "x = " + torch_literal(x, 4) + "\n";
    code += "w = " + torch_literal(w, 4) + "\n";
    code += "# conv2d wants (N, C_in, H, W) and (C_out, C_in, kH, kW): x[None, None] adds N = C = 1\n";
    code += "y = F.conv2d(x[None, None], w[None, None], stride=" + pair_text(s.stride) + ", padding=" +
            pair_text(s.padding) + ", dilation=" + pair_text(s.dilation) + ")\n";
    code += "print(y[0, 0])";
    if (!r.ok()) code += "  # RuntimeError: the output would be empty";
    else if (r.y.size() <= 16) code += "  # " + values_list(r.y) + " row by row";
    return code;
}

std::string pytorch_multichannel(int filters) {
    std::string code = kTorchHeader;
    code += "import numpy as np\n";
    code += "x = torch.from_numpy(np.load('picture.npy'))  # (3, 12, 16) = (C_in, H, W), levels 0..255\n";
    code += "w = " + torch_literal(multichannel_filters(filters), 4) + "  # (C_out, C_in, kH, kW)\n";
    code += "y = F.conv2d(x[None], w)[0]  # (C_out, 10, 14)\n";
    code += "# The same numbers from a 3D convolution of the (3, 12, 16) volume with (3, 3, 3) kernels:\n";
    code += "y3 = F.conv3d(x[None, None], w[:, None])[0, :, 0]  # (1, 1, 3, 12, 16) conv (C_out, 1, 3, 3, 3)\n";
    code += "print(torch.equal(y, y3))  # True";
    return code;
}

std::string pytorch_filter(const State4& s) {
    std::string code = kTorchHeader;
    if (s.source == 0) {
        code += "from torchvision import datasets\n";
        code += "test = datasets.FashionMNIST('data', train=False, download=True)\n";
        code += "x = torch.tensor(list(test[" + std::to_string(s.image) +
                "][0].getdata())).float().view(28, 28)  # levels 0..255\n";
    } else {
        code += "import numpy as np\n";
        code += "x = torch.from_numpy(np.load('input.npy'))  # the exported channel, levels 0..255\n";
    }
    const auto kernels = filter_kernels(s);
    const char* names[2] = {"gx", "gy"};
    for (std::size_t i = 0; i < kernels.size(); ++i) {
        const std::string w = kernels.size() == 2 ? (i ? "wy" : "wx") : "w";
        const Conv2dParams p = filter_params(s, kernels[i]);
        code += w + " = " + torch_literal(kernels[i], w.size() + 3) + "\n";
        code += std::string(kernels.size() == 2 ? names[i] : "y") + " = F.conv2d(x[None, None], " + w +
                "[None, None], padding=" + pair_text(p.padding) + ")[0, 0]\n";
    }
    if (kernels.size() == 2) code += "y = torch.sqrt(gx**2 + gy**2)  # gradient magnitude\n";
    code += "print(y.shape)";
    return code;
}

//-----------------------------------------------------------------------------
// [SECTION] State in the URL
//-----------------------------------------------------------------------------

std::string with_commas(std::size_t n) {
    std::string digits = std::to_string(n), s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}


namespace {
std::array<int, 2> read_pair(const std::string& k0, const std::string& k1, std::array<int, 2> fallback, int lo, int hi) {
    return {platform::param_int(k0, fallback[0], lo, hi), platform::param_int(k1, fallback[1], lo, hi)};
}
}  // namespace

State state_from_params() {
    using platform::param_int;
    State s;
    s.open = param_int("open", 1, 0, 15);

    State1d& a = s.one;
    a.stride = param_int("s1", 1, 1, 3);
    a.padding = param_int("p1", 0, 0, 3);
    a.dilation = param_int("d1", 1, 1, 3);
    a.flip = param_int("flip", 0, 0, 1) == 1;
    if (auto v = platform::param_floats("x1", a.x.size()); !v.empty()) a.x = v;
    const int k1 = param_int("k1", 3, 1, 5);
    std::vector<float> w(std::size_t(k1), 1.0f);
    if (k1 == 3) w = a.w;
    if (auto v = platform::param_floats("w1", std::size_t(k1)); !v.empty()) w = v;
    a.w = w;
    a.step = param_int("st1", 0, 0, 1000);

    State2d& b = s.two;
    b.apply_preset(param_int("pre", 0, 0, int(presets_2d().size()) - 1));
    b.rows = param_int("ih", b.rows, 1, 9);
    b.cols = param_int("iw", b.cols, 1, 9);
    const int kr = param_int("kh", b.krows, 1, 5), kc = param_int("kw", b.kcols, 1, 5);
    if (kr != b.krows || kc != b.kcols) {
        b.krows = kr, b.kcols = kc;
        Tensor k = tiled_course_kernel(kr, kc);
        b.kernel.assign(k.begin(), k.end());
    }
    if (auto v = platform::param_floats("k2", b.kernel.size()); !v.empty()) b.kernel = v;
    b.stride = read_pair("sh", "sw", b.stride, 1, 3);
    b.padding = read_pair("ph", "pw", b.padding, 0, 3);
    b.dilation = read_pair("dh", "dw", b.dilation, 1, 3);
    b.per_axis = param_int("axis", b.per_axis ? 1 : 0, 0, 1) == 1;
    b.step = param_int("st2", 0, 0, 1000);

    State3d& c = s.three;
    c.filters = param_int("nf", 2, 1, kMaxFilters);
    c.filter = param_int("f", 0, 0, c.filters - 1);
    c.step = param_int("st3", 0, 0, 1000);
    // Three whole numbers in [lo, hi], or empty.
    auto int_triple = [](const char* key, float lo, float hi) {
        std::vector<float> v = platform::param_floats(key, 3);
        bool ok = std::all_of(v.begin(), v.end(), [&](float x) { return x >= lo && x <= hi && x == std::round(x); });
        return ok ? v : std::vector<float>{};
    };
    std::vector<float> v;
    if (!(v = int_triple("vol", 1, 6)).empty()) c.volume = {int(v[0]), int(v[1]), int(v[2])};
    if (!(v = int_triple("vk", 1, 6)).empty()) c.kernel = {int(v[0]), int(v[1]), int(v[2])};
    if (!(v = int_triple("va", 0, 5)).empty())
        c.at = {int(v[0]), int(v[1]), int(v[2])};

    State4& d = s.four;
    d.source = param_int("src", 0, 0, 3);
    d.image = param_int("img", 0, 0, 99999);
    d.filter = param_int("filt", d.filter, 0, kFilterCount - 1);
    d.angle = platform::param_float("ang", d.angle, -180.0f, 180.0f);
    d.sigma = platform::param_float("sig", d.sigma, 0.3f, 3.0f);
    d.same_padding = param_int("same", 0, 0, 1) == 1;
    d.custom_size = param_int("cs", 3, 3, 5) == 5 ? 5 : 3;
    if (d.custom_size == 5) d.custom.assign(25, 0.0f), d.custom[12] = 1.0f;
    if (auto v = platform::param_floats("k4", d.custom.size()); !v.empty()) d.custom = v;
    d.probe_row = param_int("pr", d.probe_row, 0, 63);
    d.probe_col = param_int("pc", d.probe_col, 0, 63);
    d.filters_n = param_int("n", d.filters_n, 1, 256);
    return s;
}

void write_params(const State& s) {
    using platform::set_param;
    set_param("open", s.open);
    set_param("x1", s.one.x);
    set_param("k1", int(s.one.w.size()));
    set_param("w1", s.one.w);
    set_param("s1", s.one.stride);
    set_param("p1", s.one.padding);
    set_param("d1", s.one.dilation);
    set_param("flip", s.one.flip ? 1 : 0);
    set_param("st1", s.one.step);

    set_param("pre", s.two.preset);
    set_param("ih", s.two.rows);
    set_param("iw", s.two.cols);
    set_param("kh", s.two.krows);
    set_param("kw", s.two.kcols);
    set_param("k2", s.two.kernel);
    set_param("sh", s.two.stride[0]);
    set_param("sw", s.two.stride[1]);
    set_param("ph", s.two.padding[0]);
    set_param("pw", s.two.padding[1]);
    set_param("dh", s.two.dilation[0]);
    set_param("dw", s.two.dilation[1]);
    set_param("axis", s.two.per_axis ? 1 : 0);
    set_param("st2", s.two.step);

    set_param("nf", s.three.filters);
    set_param("f", s.three.filter);
    set_param("st3", s.three.step);
    const auto& vo = s.three.volume;
    const auto& vk = s.three.kernel;
    set_param("vol", platform::floats_text({float(vo[0]), float(vo[1]), float(vo[2])}));
    set_param("vk", platform::floats_text({float(vk[0]), float(vk[1]), float(vk[2])}));
    set_param("va", platform::floats_text({float(s.three.at[0]), float(s.three.at[1]), float(s.three.at[2])}));

    set_param("src", s.four.source);
    set_param("img", s.four.image);
    set_param("filt", s.four.filter);
    set_param("ang", s.four.angle);
    set_param("sig", s.four.sigma);
    set_param("same", s.four.same_padding ? 1 : 0);
    set_param("cs", s.four.custom_size);
    set_param("k4", s.four.custom);
    set_param("pr", s.four.probe_row);
    set_param("pc", s.four.probe_col);
    set_param("n", s.four.filters_n);
}

}  // namespace convolution

namespace {
using namespace convolution;

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------

const ImU32 kWindowColor = IM_COL32(255, 200, 0, 255);
const ImU32 kPaddingColor = IM_COL32(90, 140, 255, 255);
const ImU32 kOutputColor = IM_COL32(255, 110, 40, 255);

bool has_negative(const Tensor& t) { return std::any_of(t.begin(), t.end(), [](float v) { return v < 0; }); }

ui::GridStyle grid_style(const Tensor& t, const char* format = "%.0f") {
    ui::GridStyle g;
    g.format = format;
    g.cmap = has_negative(t) ? ui::Colormap::diverging : ui::Colormap::gray;
    g.min_cell_width = 30.0f;
    return g;
}

// The padded input as a grid: padded zeros tinted blue, the window's taps yellow, its extent outlined.
void padded_input_grid(const char* id, const Tensor& x, int pad_rows, int pad_cols, const WindowStep* step) {
    Tensor xp = zero_padded(x, pad_rows, pad_cols);
    const int R = dim(xp, 0), C = dim(xp, 1);
    std::vector<ui::CellMark> marks;
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            if (r < pad_rows || r >= R - pad_rows || c < pad_cols || c >= C - pad_cols) marks.push_back({r, c, kPaddingColor});
    std::vector<ui::Highlight> boxes;
    if (step && !step->terms.empty()) {
        for (const Term& t : step->terms) marks.push_back({t.row, t.col, kWindowColor});
        const Term &first = step->terms.front(), &last = step->terms.back();
        boxes.push_back({first.row, first.col, last.row + 1, last.col + 1, kWindowColor});
    }
    ui::number_grid(id, xp.data(), R, C, grid_style(x), marks, boxes);
}

// The output with the current element marked; clicking an element steps to it.
void output_grid(const char* id, const Tensor& y, int row, int col, ui::Stepper& stepper) {
    const int rows = y.dimension() == 2 ? dim(y, 0) : 1, cols = y.dimension() == 2 ? dim(y, 1) : dim(y, 0);
    ui::Hover h = ui::number_grid(id, y.data(), rows, cols, grid_style(y), {{row, col, kOutputColor}});
    if (h.clicked) stepper.step = h.row * cols + h.col, stepper.playing = false;
}

// A thin rule and a title inside a section.
void subheading(const char* text) {
    ImGui::Separator();
    ImGui::TextUnformatted(text);
}

// A caption above a widget group.
void caption(const char* text) { ImGui::TextDisabled("%s", text); }

bool slider(const char* label, int* v, int lo, int hi, float width = 110.0f) {
    ImGui::SetNextItemWidth(width);
    return ImGui::SliderInt(label, v, lo, hi);
}

//-----------------------------------------------------------------------------
// The lesson
//-----------------------------------------------------------------------------
class ConvolutionLesson final : public Lesson {
public:
    ConvolutionLesson() : state_(state_from_params()) {
        one_.stepper.step = state_.one.step;
        two_.stepper.step = state_.two.step;
        three_.stepper.step = state_.three.step;
    }
    void draw() override;

private:
    State state_;
    bool first_frame_ = true;

    bool section(const char* title, int index) {
        const int bit = 1 << index;
        if (first_frame_) ImGui::SetNextItemOpen((state_.open & bit) != 0, ImGuiCond_Always);
        const bool open = ImGui::CollapsingHeader(title);
        state_.open = open ? (state_.open | bit) : (state_.open & ~bit);
        return open;
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. 1D
    //-------------------------------------------------------------------------
    struct OneD {
        ui::Stepper stepper;
        std::string key;  // the state the cached results belong to
        Tensor x, w;      // (L,), (K,) as given to the core
        PlaneResult result;
        std::vector<WindowStep> steps;
        std::string code;
    } one_;

    void update_1d() {
        State1d& s = state_.one;
        std::string key = platform::floats_text(s.x) + "|" + platform::floats_text(s.w) + "|" + std::to_string(s.stride) + std::to_string(s.padding) +
                          std::to_string(s.dilation) + std::to_string(s.flip);
        if (key == one_.key) return;
        one_.key = key;
        one_.x = from_values({s.x.size()}, s.x);
        one_.w = kernel_used_1d(s);
        one_.result = conv_signal(one_.x, one_.w, {s.stride, s.padding, s.dilation});
        one_.steps.clear();
        if (one_.result.ok()) {
            Tensor x2 = one_.x, w2 = one_.w, y2 = one_.result.y;
            x2.reshape(Shape{1, one_.x.size()});
            w2.reshape(Shape{1, one_.w.size()});
            y2.reshape(Shape{1, one_.result.y.size()});
            one_.steps = window_steps(x2, w2, {{1, s.stride}, {0, s.padding}, {1, s.dilation}}, y2, true);
        }
        one_.stepper.reset(static_cast<int>(one_.steps.size()));
        one_.code = pytorch_1d(s);
    }

    void draw_1d() {
        State1d& s = state_.one;
        ImGui::TextWrapped(
            "A 1D convolution slides the kernel w along the signal x and writes one weighted sum per position: "
            "y[i] = sum over k of x[i*S + k*D - P] * w[k]. With the course's x and w = [1, 2, 1] each output is the "
            "sum of three neighbours, the middle one counted twice.");
        ImGui::TextWrapped(
            "Deep-learning libraries (PyTorch's conv1d, every CNN) compute exactly this and call it convolution. "
            "Mathematicians call it cross-correlation: their convolution flips the kernel first, y[i] = sum x[i+k] w[K-1-k]. "
            "A symmetric kernel like [1, 2, 1] gives the same either way; try [1, 0, -1] with the flip switched on and off.");
        if (ImGui::Button("Course example")) s = State1d(), one_.stepper.step = 0;
        ImGui::SameLine();
        if (ImGui::Button("Kernel [1, 0, -1]")) {
            s = State1d();
            s.w = {1, 0, -1};
            one_.stepper.step = 0;
        }
        ImGui::SameLine();
        if (ImGui::Button("Stride 2, padding 1")) {
            s = State1d();
            s.stride = 2, s.padding = 1;
            one_.stepper.step = 0;
        }
        ImGui::SameLine();
        ImGui::Checkbox("flip the kernel (mathematicians' convolution)", &s.flip);

        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("x =");
        ImGui::SameLine();
        ui::edit_grid("x1", s.x.data(), 1, static_cast<int>(s.x.size()), 0.1f);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("w =");
        ImGui::SameLine();
        ui::edit_grid("w1", s.w.data(), 1, static_cast<int>(s.w.size()), 0.1f);
        ImGui::SameLine();
        int k = static_cast<int>(s.w.size());
        if (slider("kernel size K", &k, 1, 5)) s.w.resize(std::size_t(k), 1.0f);
        slider("stride S##1", &s.stride, 1, 3);
        ImGui::SameLine();
        slider("padding P##1", &s.padding, 0, 3);
        ImGui::SameLine();
        slider("dilation D##1", &s.dilation, 1, 3);

        update_1d();
        ui::code_block("size1", output_size_formula("L_out", "L", int(s.x.size()), int(s.w.size()), s.stride, s.padding,
                                                    s.dilation));
        if (!one_.result.ok()) {
            ui::error_panel("No output", one_.result.error + "\nMake the kernel smaller, the dilation smaller or add padding.");
            return;
        }
        ui::step_controller("step1", one_.stepper);
        const WindowStep& st = one_.steps[std::size_t(one_.stepper.step)];
        Tensor x2 = one_.x, w2 = one_.w, y2 = one_.result.y;
        x2.reshape(Shape{1, one_.x.size()});
        w2.reshape(Shape{1, one_.w.size()});
        y2.reshape(Shape{1, one_.result.y.size()});

        caption(s.padding ? "input x (zero padding in blue)" : "input x");
        padded_input_grid("x1grid", x2, 0, s.padding, &st);
        ImGui::BeginGroup();
        caption(s.flip ? "kernel used: w reversed" : "kernel w");
        ui::number_grid("w1grid", w2.data(), 1, dim(w2, 1), grid_style(w2, "%g"));
        ImGui::EndGroup();
        ImGui::SameLine(0, 40);
        ImGui::BeginGroup();
        caption("output y (from the core's conv1d)");
        output_grid("y1grid", y2, 0, st.col, one_.stepper);
        ImGui::EndGroup();
        ui::code_block("step1text", st.text);
        if (ImGui::TreeNode("All windows")) {
            std::string all;
            for (const auto& w : one_.steps) all += w.text + "\n";
            all.pop_back();
            ui::code_block("all1", all);
            ImGui::TreePop();
        }
        ui::pytorch_panel("torch1", one_.code);
        ui::export_buttons("export1", {{"x.npy", &one_.x}, {"w.npy", &one_.w}, {"y.npy", &one_.result.y}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. 2D: stride, padding, dilation
    //-------------------------------------------------------------------------
    struct TwoD {
        ui::Stepper stepper;
        std::string key;
        Tensor x, w;  // (H, W), (kH, kW)
        PlaneResult result;
        std::vector<WindowStep> steps;
        std::string code;
    } two_;

    void update_2d() {
        State2d& s = state_.two;
        std::string key = std::to_string(s.rows) + "x" + std::to_string(s.cols) + "|" + std::to_string(s.krows) + "x" +
                          std::to_string(s.kcols) + "|" + platform::floats_text(s.kernel) + "|" + pair_text(s.stride) +
                          pair_text(s.padding) + pair_text(s.dilation);
        if (key == two_.key) return;
        two_.key = key;
        two_.x = input_2d(s);
        two_.w = kernel_2d(s);
        two_.result = conv_plane(two_.x, two_.w, s.params());
        two_.steps.clear();
        if (two_.result.ok()) two_.steps = window_steps(two_.x, two_.w, s.params(), two_.result.y, false);
        two_.stepper.reset(static_cast<int>(two_.steps.size()));
        two_.code = pytorch_2d(s);
    }

    // One parameter: a shared slider, or one per axis.
    void axis_sliders(const char* name, std::array<int, 2>& v, int lo, int hi) {
        State2d& s = state_.two;
        if (s.per_axis) {
            slider((std::string(name) + " rows").c_str(), &v[0], lo, hi, 80);
            ImGui::SameLine();
            slider((std::string(name) + " cols").c_str(), &v[1], lo, hi, 80);
        } else if (slider(name, &v[0], lo, hi)) {
            v[1] = v[0];
        }
    }

    void draw_2d() {
        State2d& s = state_.two;
        ImGui::TextWrapped(
            "In 2D the kernel slides over rows and columns: y[r,c] = sum over i,j of x[r*S + i*D - P, c*S + j*D - P] * w[i,j]. "
            "Stride S moves the window S pixels at a time; zero padding P adds P rings of zeros around the input; dilation D "
            "spreads the kernel's taps D pixels apart. Each axis has its own output size:");
        const auto& presets = presets_2d();
        ImGui::SetNextItemWidth(280);
        if (ImGui::BeginCombo("preset", presets[std::size_t(s.preset)].name)) {
            for (int i = 0; i < int(presets.size()); ++i)
                if (ImGui::Selectable(presets[std::size_t(i)].name, i == s.preset)) {
                    s.apply_preset(i);
                    two_.stepper.step = 0;
                }
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        ImGui::TextWrapped("%s", presets[std::size_t(s.preset)].note);

        slider("input rows", &s.rows, 1, 9, 90);
        ImGui::SameLine();
        slider("input cols", &s.cols, 1, 9, 90);
        ImGui::SameLine();
        ui::help_marker("Sizes other than 5x5 repeat (or crop) the course's input, so the numbers stay whole.");
        ImGui::SameLine();
        int kr = s.krows, kc = s.kcols;
        bool kchanged = slider("kernel rows", &kr, 1, 5, 90);
        ImGui::SameLine();
        kchanged |= slider("kernel cols", &kc, 1, 5, 90);
        if (kchanged) {
            s.krows = kr, s.kcols = kc;
            Tensor k = tiled_course_kernel(kr, kc);
            s.kernel.assign(k.begin(), k.end());
        }
        if (ImGui::Checkbox("per axis", &s.per_axis) && !s.per_axis) {
            s.stride[1] = s.stride[0], s.padding[1] = s.padding[0], s.dilation[1] = s.dilation[0];
        }
        ImGui::SameLine();
        axis_sliders("stride S", s.stride, 1, 3);
        ImGui::SameLine();
        axis_sliders("padding P", s.padding, 0, 3);
        ImGui::SameLine();
        axis_sliders("dilation D", s.dilation, 1, 3);

        update_2d();
        ui::code_block("size2", output_size_formula("H_out", "H", s.rows, s.krows, s.stride[0], s.padding[0], s.dilation[0]) +
                                    "\n" +
                                    output_size_formula("W_out", "W", s.cols, s.kcols, s.stride[1], s.padding[1], s.dilation[1]));
        if (two_.result.ok()) ui::step_controller("step2", two_.stepper);
        const WindowStep* st = two_.result.ok() ? &two_.steps[std::size_t(two_.stepper.step)] : nullptr;

        ImGui::BeginGroup();
        caption(s.padding[0] || s.padding[1] ? "input x (zero padding in blue)" : "input x");
        padded_input_grid("x2grid", two_.x, s.padding[0], s.padding[1], st);
        ImGui::EndGroup();
        ImGui::SameLine(0, 30);
        ImGui::BeginGroup();
        caption("kernel w (drag to edit)");
        ui::edit_grid("w2edit", s.kernel.data(), s.krows, s.kcols, 0.1f);  // recomputed next frame
        ImGui::EndGroup();
        ImGui::SameLine(0, 30);
        ImGui::BeginGroup();
        if (two_.result.ok()) {
            caption("output y (from the core's conv2d)");
            output_grid("y2grid", two_.result.y, st->row, st->col, two_.stepper);
        } else {
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 420);
            ui::error_panel("No output", two_.result.error);
            ImGui::PopTextWrapPos();
        }
        ImGui::EndGroup();
        if (st) ui::code_block("step2text", st->text);
        ui::pytorch_panel("torch2", two_.code);
        std::vector<ui::NpyExport> files = {{"x.npy", &two_.x}, {"w.npy", &two_.w}};
        if (two_.result.ok()) files.push_back({"y.npy", &two_.result.y});
        ui::export_buttons("export2", files);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Colour images: channels, filters and 3D
    //-------------------------------------------------------------------------
    struct ThreeD {
        ui::Stepper stepper;
        Tensor picture = picture_levels();  // (3, 12, 16), levels 0..255
        Tensor picture01;                    // the same in [0, 1] for drawing
        int computed_filters = 0;
        Tensor w;            // (C_out, 3, 3, 3)
        ChannelSplit split;  // total (C_out, 10, 14), partial (C_out, 3, 10, 14)
        std::string code;
        std::array<int, 3> computed_volume{}, computed_kernel{};
        Tensor volume, volume_kernel;
        PlaneResult volume_result;
        float conv3d_difference = 0;  // max |conv3d of the picture volume - conv2d with C_in = 3|
    } three_;

    void update_3d() {
        State3d& s = state_.three;
        if (three_.computed_filters != s.filters) {
            three_.computed_filters = s.filters;
            three_.picture01 = three_.picture / 255.0f;
            three_.w = multichannel_filters(s.filters);
            three_.split = multichannel_conv(three_.picture, three_.w);
            three_.code = pytorch_multichannel(s.filters);
            // The course's view: the picture is a 3 x 12 x 16 volume and each filter a 3 x 3 x 3 kernel.
            Tensor x5 = three_.picture, w5 = three_.w;
            x5.reshape(Shape{1, 1, 3, kPictureRows, kPictureCols});
            w5.reshape(Shape{three_.w.shape()[0], 1, 3, 3, 3});
            Tensor y3 = conv3d(x5, w5, nullptr);  // (1, C_out, 1, 10, 14)
            three_.conv3d_difference = 0;
            for (std::size_t i = 0; i < y3.size(); ++i)
                three_.conv3d_difference =
                    std::max(three_.conv3d_difference, std::fabs(y3.data()[i] - three_.split.total.data()[i]));
        }
        if (three_.computed_volume != s.volume || three_.computed_kernel != s.kernel) {
            three_.computed_volume = s.volume, three_.computed_kernel = s.kernel;
            three_.volume = demo_volume(s.volume[0], s.volume[1], s.volume[2]);
            three_.volume_kernel = demo_volume_kernel(s.kernel[0], s.kernel[1], s.kernel[2]);
            three_.volume_result = conv_volume(three_.volume, three_.volume_kernel);
        }
        s.filter = std::clamp(s.filter, 0, s.filters - 1);
        three_.stepper.reset(dim(three_.split.total, 1) * dim(three_.split.total, 2));
    }

    void draw_3d() {
        State3d& s = state_.three;
        update_3d();
        ImGui::TextWrapped(
            "A colour image is a 3D tensor: the course writes it height x width x 3 (channels last), PyTorch stores it as "
            "(C, H, W) = (3, %d, %d), channels first. A filter for it has one 3x3 slice per input channel, (C_in, kH, kW) = "
            "(3, 3, 3): each slice is convolved with its channel and the three partial sums are added into one number. "
            "Click the picture or an output to move the window.",
            kPictureRows, kPictureCols);
        slider("filters C_out", &s.filters, 1, kMaxFilters);
        update_3d();
        ImGui::SameLine();
        ImGui::Text("weight shape (C_out, C_in, kH, kW) = %s", shape_str(three_.w.shape()).c_str());

        // The weights, one row per filter: its R, G and B slices.
        const char* channel_names[3] = {"R", "G", "B"};
        for (int f = 0; f < s.filters; ++f) {
            if (f % 2) ImGui::SameLine(0, 40);
            ImGui::PushID(f);
            if (ImGui::RadioButton("##pick", s.filter == f)) s.filter = f;
            ImGui::SameLine();
            ImGui::BeginGroup();
            ImGui::Text("w[%d]: %s", f, multichannel_filter_name(f));
            for (int c = 0; c < 3; ++c) {
                if (c) ImGui::SameLine(0, 12);
                ImGui::BeginGroup();
                ImGui::TextDisabled("w[%d,%d] %s", f, c, channel_names[c]);
                Tensor slice = xt::view(three_.w, f, c);  // (3, 3)
                ui::GridStyle g = grid_style(slice);
                g.cmap = ui::Colormap::diverging;
                ImGui::PushID(c);
                ui::number_grid("wslice", slice.data(), 3, 3, g);
                ImGui::PopID();
                ImGui::EndGroup();
            }
            ImGui::EndGroup();
            ImGui::PopID();
        }

        ui::step_controller("step3", three_.stepper);
        const int Wo = dim(three_.split.total, 2);
        const int row = three_.stepper.step / Wo, col = three_.stepper.step % Wo;
        const int f = s.filter;
        const ui::Highlight window{row, col, row + 3, col + 3, kWindowColor};

        // The picture and its channels with the window, then every output channel.
        const int Ho = dim(three_.split.total, 1);
        // A click on the input puts the window's top-left corner there; on an output, selects that element.
        auto move_window = [&](const ui::Hover& h) {
            if (!h.clicked) return;
            three_.stepper.step = std::min(h.row, Ho - 1) * Wo + std::min(h.col, Wo - 1);
            three_.stepper.playing = false;
        };
        ImGui::BeginGroup();
        caption("picture (3, 12, 16)");
        move_window(ui::rgb_image("pic", three_.picture01.data(), kPictureRows, kPictureCols, 10.0f, {window}));
        ImGui::EndGroup();
        const ui::Colormap tints[3] = {ui::Colormap::red, ui::Colormap::green, ui::Colormap::blue};
        for (int c = 0; c < 3; ++c) {
            ImGui::SameLine();
            ImGui::BeginGroup();
            ImGui::TextDisabled("x[%d] (%s)", c, channel_names[c]);
            Tensor plane = xt::view(three_.picture, c);
            ui::HeatmapStyle hs;
            hs.cmap = tints[c];
            hs.vmin = 0, hs.vmax = 255, hs.zoom = 7, hs.value_format = "%.0f";
            move_window(ui::heatmap(channel_names[c], plane.data(), kPictureRows, kPictureCols, hs, {window}));
            ImGui::EndGroup();
        }
        for (int o = 0; o < s.filters; ++o) {
            ImGui::SameLine();
            ImGui::BeginGroup();
            ImGui::TextDisabled(o == f ? "y[%d] (stepped)" : "y[%d]", o);
            Tensor plane = xt::view(three_.split.total, o);
            ui::HeatmapStyle hs;
            hs.cmap = ui::Colormap::diverging, hs.auto_range = true, hs.zoom = 7, hs.value_format = "%.0f";
            std::vector<ui::Highlight> mark;
            if (o == f) mark.push_back({row, col, row + 1, col + 1, kOutputColor});
            ImGui::PushID(o);
            ui::Hover h = ui::heatmap("y", plane.data(), dim(plane, 0), dim(plane, 1), hs, mark);
            if (h.clicked) s.filter = o;
            move_window(h);
            ImGui::PopID();
            ImGui::EndGroup();
        }

        // The current output element, channel by channel.
        std::string text;
        for (int c = 0; c < 3; ++c) {
            Tensor xc = xt::view(three_.picture, c);                  // (H, W)
            Tensor wc = xt::view(three_.w, f, c);                     // (3, 3)
            Tensor yc = xt::view(three_.split.partial, f, c);         // (H_out, W_out): the core's partial conv
            WindowStep st = window_step(xc, wc, {}, yc, row, col, false);
            if (c) ImGui::SameLine(0, 36);
            ImGui::BeginGroup();
            ImGui::TextDisabled("%s: x[%d] window   w[%d,%d]", channel_names[c], c, f, c);
            Tensor patch = xt::view(three_.picture, c, xt::range(row, row + 3), xt::range(col, col + 3));
            ImGui::PushID(c);
            ui::number_grid("patch", patch.data(), 3, 3, grid_style(patch));
            ImGui::SameLine(0, 8);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("*");
            ImGui::SameLine(0, 8);
            ui::GridStyle ws = grid_style(wc);
            ws.cmap = ui::Colormap::diverging;
            ui::number_grid("slice", wc.data(), 3, 3, ws);
            ImGui::PopID();
            ImGui::EndGroup();
            char head[64];
            std::snprintf(head, sizeof head, "%s (x[%d] with w[%d, %d]): ", channel_names[c], c, f, c);
            text += head + st.products + " = " + ui::fmt_num(st.output) + "\n";
        }
        char total[256];
        auto term = [](float v) { return v < 0 ? "(" + ui::fmt_num(v) + ")" : ui::fmt_num(v); };
        std::snprintf(total, sizeof total, "y[%d, %d, %d] = R + G + B = %s + %s + %s = %s", f, row, col,
                      term(three_.split.partial(f, 0, row, col)).c_str(), term(three_.split.partial(f, 1, row, col)).c_str(),
                      term(three_.split.partial(f, 2, row, col)).c_str(),
                      ui::fmt_num(three_.split.total(f, row, col)).c_str());
        ui::code_block("step3text", text + total);

        ui::pytorch_panel("torch3", three_.code);
        ui::export_buttons("export3", {{"picture.npy", &three_.picture}, {"weight.npy", &three_.w}, {"y.npy", &three_.split.total}});

        // The course's 3D formula on a volume, with the core's conv3d.
        ImGui::Spacing();
        subheading("3D convolution of a volume");
        ImGui::TextWrapped(
            "The course writes the same sum as a 3D convolution: x (d1 x d2 x d3) conv w (k1 x k2 x k3) has size "
            "(d1-k1+1) x (d2-k2+1) x (d3-k3+1), out[i,j,g] = sum over l,m,n of x[i+l, j+m, g+n] w[l,m,n]. The picture is a "
            "3 x 12 x 16 volume and each filter a 3 x 3 x 3 kernel, so the output is 1 x 10 x 14: one channel of the "
            "multi-channel convolution above (checked here: the core's conv3d of the picture volume and its conv2d with "
            "C_in = 3 differ by at most %s). Below, a small volume: choose its size and the kernel's, and click an output.",
            ui::fmt_num(three_.conv3d_difference).c_str());
        for (int a = 0; a < 3; ++a) {
            if (a) ImGui::SameLine();
            slider(("d" + std::to_string(a + 1)).c_str(), &s.volume[std::size_t(a)], 1, 6, 70);
        }
        for (int a = 0; a < 3; ++a) {
            ImGui::SameLine();
            slider(("k" + std::to_string(a + 1)).c_str(), &s.kernel[std::size_t(a)], 1, 6, 70);
        }
        update_3d();
        const auto& d = s.volume;
        const auto& k = s.kernel;
        char formula[256];
        std::snprintf(formula, sizeof formula, "(%d x %d x %d) conv (%d x %d x %d) -> (%d-%d+1) x (%d-%d+1) x (%d-%d+1)", d[0],
                      d[1], d[2], k[0], k[1], k[2], d[0], k[0], d[1], k[1], d[2], k[2]);
        if (!three_.volume_result.ok()) {
            ui::code_block("vol", formula);
            ui::error_panel("No output", three_.volume_result.error);
            return;
        }
        const Tensor& vy = three_.volume_result.y;
        auto& at = s.at;
        for (int a = 0; a < 3; ++a) at[std::size_t(a)] = std::clamp(at[std::size_t(a)], 0, dim(vy, std::size_t(a)) - 1);
        ui::code_block("vol", std::string(formula) + " = " + shape_str(vy.shape()) + "   (from the core's conv3d)");
        // Slices along d1; `marked(i)` outlines the window (or the chosen element) on slice i.
        auto slices = [&](const char* id, const Tensor& t, const char* name, auto marked) {
            ImGui::PushID(id);
            ImGui::BeginGroup();
            for (int i = 0; i < dim(t, 0); ++i) {
                if (i) ImGui::SameLine(0, 12);
                ImGui::BeginGroup();
                ImGui::TextDisabled("%s[%d]", name, i);
                Tensor plane = xt::view(t, i);
                ImGui::PushID(i);
                ui::Hover h = ui::number_grid("s", plane.data(), dim(plane, 0), dim(plane, 1), grid_style(plane), {}, marked(i));
                if (h.clicked && id[1] == 'y') at = {i, h.row, h.col};
                ImGui::PopID();
                ImGui::EndGroup();
            }
            ImGui::EndGroup();
            ImGui::PopID();
        };
        const int k1 = k[0], k2 = k[1], k3 = k[2];
        slices("vx", three_.volume, "x", [&](int i) {
            std::vector<ui::Highlight> h;
            if (i >= at[0] && i < at[0] + k1) h.push_back({at[1], at[2], at[1] + k2, at[2] + k3, kWindowColor});
            return h;
        });
        slices("vw", three_.volume_kernel, "w", [](int) { return std::vector<ui::Highlight>{}; });
        slices("vy", vy, "out", [&](int i) {
            std::vector<ui::Highlight> h;
            if (i == at[0]) h.push_back({at[1], at[2], at[1] + 1, at[2] + 1, kOutputColor});
            return h;
        });
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(volume_sum(three_.volume, three_.volume_kernel, vy, at[0], at[1], at[2]).text.c_str());
        ImGui::PopTextWrapPos();
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Filters on real images
    //-------------------------------------------------------------------------
    struct Filters {
        std::string key;
        Tensor picture = make_rgb_picture(48, 64);  // (3, 48, 64) in [0, 1]
        Tensor image;                               // (H, W), levels 0..255
        std::vector<Tensor> kernels;
        FilterResult result;
        std::string code;
    } four_;

    void update_4d(bool dataset) {
        State4& s = state_.four;
        if (s.source == 0 && !dataset) return;
        std::string key = std::to_string(s.source) + "|" + std::to_string(s.image) + "|" + std::to_string(s.filter) + "|" +
                          std::to_string(s.angle) + "|" + std::to_string(s.sigma) + "|" + std::to_string(s.same_padding) +
                          "|" + platform::floats_text(s.custom);
        if (key == four_.key) return;
        four_.key = key;
        if (s.source == 0) {
            const Dataset& d = *platform::fashion_mnist().dataset;
            s.image = std::clamp(s.image, 0, int(d.size(Split::test)) - 1);
            four_.image = d.image(Split::test, std::size_t(s.image)) * 255.0f;  // (1, 28, 28)
            four_.image.reshape(Shape{d.rows, d.cols});
        } else {
            four_.image = xt::view(four_.picture, s.source - 1) * 255.0f;
        }
        for (float& v : four_.image) v = std::round(v);  // whole levels, as stored
        four_.kernels = filter_kernels(s);
        four_.result = apply_filter(four_.image, s);
        four_.code = pytorch_filter(s);
    }

    void draw_filters() {
        State4& s = state_.four;
        ImGui::TextWrapped(
            "The same operation with other kernels does very different things. Averaging kernels (box, Gaussian) smooth; "
            "kernels that subtract neighbours (the course's W1 = [1, -1] and W2 = [1; -1], Sobel) respond to edges and give "
            "signed outputs (blue negative, red positive); a kernel that looks like a pattern responds where the pattern "
            "appears. Click the output to write out the sum for one pixel.");
        const char* sources[4] = {"Fashion-MNIST test image", "picture: R channel", "picture: G channel", "picture: B channel"};
        ImGui::SetNextItemWidth(220);
        ImGui::Combo("image", &s.source, sources, 4);
        const bool dataset = s.source != 0 || ui::dataset_ready();
        if (s.source == 0 && dataset) {
            const Dataset& d = *platform::fashion_mnist().dataset;
            ImGui::SameLine();
            ImGui::SetNextItemWidth(180);
            ImGui::SliderInt("test index", &s.image, 0, int(d.size(Split::test)) - 1);
            ImGui::SameLine();
            ImGui::Text("%s", d.class_names[d.test_labels[std::size_t(std::clamp(s.image, 0, int(d.size(Split::test)) - 1))]].c_str());
        }
        const char* names[kFilterCount];
        for (int i = 0; i < kFilterCount; ++i) names[i] = filter_name(static_cast<Filter>(i));
        ImGui::SetNextItemWidth(260);
        ImGui::Combo("filter", &s.filter, names, kFilterCount);
        const Filter filter = static_cast<Filter>(s.filter);
        if (filter == Filter::directional) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(160);
            ImGui::SliderFloat("angle", &s.angle, -180.0f, 180.0f, "%.0f deg");
            ui::help_marker("cos(angle) * Sobel x + sin(angle) * Sobel y: 0 deg responds to vertical edges (bright on the left), "
                            "90 deg to horizontal ones (bright on top), anything between to edges at that angle.");
        }
        if (filter == Filter::gaussian) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(160);
            ImGui::SliderFloat("sigma", &s.sigma, 0.3f, 3.0f, "%.2f");
        }
        ImGui::SameLine();
        ImGui::Checkbox("zero padding (same size)", &s.same_padding);
        if (filter == Filter::custom) {
            int size = s.custom_size;
            ImGui::RadioButton("3x3", &size, 3);
            ImGui::SameLine();
            ImGui::RadioButton("5x5", &size, 5);
            if (size != s.custom_size) {
                s.custom_size = size;
                s.custom.assign(std::size_t(size * size), 0.0f);
                s.custom[std::size_t(size * size / 2)] = 1.0f;
            }
            ImGui::SameLine();
            if (ImGui::SmallButton("identity")) s.custom.assign(s.custom.size(), 0.0f), s.custom[s.custom.size() / 2] = 1.0f;
            ImGui::SameLine();
            if (ImGui::SmallButton("zero")) s.custom.assign(s.custom.size(), 0.0f);
            ui::edit_grid("custom", s.custom.data(), s.custom_size, s.custom_size, 0.05f);
        }
        if (!dataset) return;
        update_4d(dataset);

        const int H = dim(four_.image, 0), W = dim(four_.image, 1);
        const float zoom = W <= 28 ? 9.0f : 5.0f;
        const Conv2dParams p = filter_params(s, four_.kernels[0]);
        int Ho = 0, Wo = 0;
        if (four_.result.ok()) {
            Ho = dim(four_.result.out, 0), Wo = dim(four_.result.out, 1);
            s.probe_row = std::clamp(s.probe_row, 0, Ho - 1);
            s.probe_col = std::clamp(s.probe_col, 0, Wo - 1);
        }
        const int kH = dim(four_.kernels[0], 0), kW = dim(four_.kernels[0], 1);
        const int r0 = s.probe_row - p.padding[0], c0 = s.probe_col - p.padding[1];
        std::vector<ui::Highlight> window;
        if (four_.result.ok())
            window.push_back({std::max(r0, 0), std::max(c0, 0), std::min(r0 + kH, H), std::min(c0 + kW, W), kWindowColor});

        ImGui::BeginGroup();
        ImGui::TextDisabled("input %s, levels 0..255", shape_str(four_.image.shape()).c_str());
        ui::HeatmapStyle in_style;
        in_style.vmin = 0, in_style.vmax = 255, in_style.zoom = zoom, in_style.value_format = "%.0f";
        ui::heatmap("in4", four_.image.data(), H, W, in_style, window);
        ImGui::EndGroup();
        ImGui::SameLine(0, 20);
        ImGui::BeginGroup();
        for (std::size_t i = 0; i < four_.kernels.size(); ++i) {
            const Tensor& k = four_.kernels[i];
            ImGui::TextDisabled(four_.kernels.size() == 2 ? (i ? "Sobel y" : "Sobel x") : "kernel %s",
                                shape_str(k.shape()).c_str());
            ImGui::PushID(int(i));
            const bool whole = std::all_of(k.begin(), k.end(), [](float v) { return v == std::round(v); });
            ui::GridStyle g = grid_style(k, whole ? "%.0f" : "%.3f");
            g.cmap = ui::Colormap::diverging;
            ui::number_grid("k", k.data(), dim(k, 0), dim(k, 1), g);
            ImGui::PopID();
        }
        ImGui::EndGroup();
        ImGui::SameLine(0, 20);
        ImGui::BeginGroup();
        if (!four_.result.ok()) {
            ui::error_panel("No output", four_.result.error);
        } else {
            const bool magnitude = four_.kernels.size() == 2;
            const bool is_signed = !magnitude && has_negative(four_.kernels[0]);
            ImGui::TextDisabled("output %s%s", shape_str(four_.result.out.shape()).c_str(),
                                magnitude ? ", sqrt(gx^2 + gy^2)" : is_signed ? ", signed" : "");
            ui::HeatmapStyle out_style;
            out_style.cmap = is_signed ? ui::Colormap::diverging : ui::Colormap::gray;
            out_style.auto_range = true, out_style.zoom = zoom, out_style.value_format = "%.1f";
            ui::Hover h = ui::heatmap("out4", four_.result.out.data(), Ho, Wo, out_style,
                                      {{s.probe_row, s.probe_col, s.probe_row + 1, s.probe_col + 1, kOutputColor}});
            if (h.clicked) s.probe_row = h.row, s.probe_col = h.col;
        }
        ImGui::EndGroup();

        if (four_.result.ok()) {
            std::string text;
            const char* part_names[2] = {"gx", "gy"};
            for (std::size_t i = 0; i < four_.kernels.size(); ++i) {
                WindowStep st = window_step(four_.image, four_.kernels[i], filter_params(s, four_.kernels[i]),
                                            four_.result.parts[i], s.probe_row, s.probe_col, false,
                                            four_.kernels.size() == 2 ? part_names[i] : "y");
                text += st.text + "\n";
            }
            if (four_.kernels.size() == 2) {
                char buf[160];
                auto term = [](float v) { return v < 0 ? "(" + ui::fmt_num(v) + ")" : ui::fmt_num(v); };
                std::snprintf(buf, sizeof buf, "y[%d,%d] = sqrt(gx^2 + gy^2) = sqrt(%s^2 + %s^2) = %s", s.probe_row, s.probe_col,
                              term(four_.result.parts[0](s.probe_row, s.probe_col)).c_str(),
                              term(four_.result.parts[1](s.probe_row, s.probe_col)).c_str(),
                              ui::fmt_num(four_.result.out(s.probe_row, s.probe_col)).c_str());
                text += buf;
            } else {
                text.pop_back();
            }
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(text.c_str());
            ImGui::PopTextWrapPos();
        }
        ui::pytorch_panel("torch4", four_.code);
        std::vector<ui::NpyExport> files = {{"input.npy", &four_.image}, {"kernel.npy", &four_.kernels[0]}};
        if (four_.result.ok()) files.push_back({"output.npy", &four_.result.out});
        ui::export_buttons("export4", files);

        draw_parameter_counts();
    }

    void draw_parameter_counts() {
        State4& s = state_.four;
        ImGui::Spacing();
        subheading("Why convolutional layers need few weights");
        ImGui::TextWrapped(
            "A convolutional layer learns its kernels. The same few weights are used at every position (weight sharing), "
            "so n filters of 5x5 on a 28x28 image need 25 weights each. A fully connected layer producing the same n maps of "
            "24x24 needs one weight per (input pixel, output pixel) pair.");
        slider("filters n", &s.filters_n, 1, 256, 200);
        const ParameterCounts c = parameter_counts(s.filters_n);
        const ParameterCounts one = parameter_counts(1);
        char buf[640];
        std::snprintf(buf, sizeof buf,
                      "convolution, n = %d filters of 5x5:  25n = %s weights  (output %s)\n"
                      "fully connected, 28*28 -> 24*24 per map:  (28*28*24*24)n = %sn = %s weights\n"
                      "ratio: %s / %s = %s times more",
                      s.filters_n, with_commas(c.conv).c_str(), shape_str(c.conv_output).c_str(), with_commas(one.dense).c_str(),
                      with_commas(c.dense).c_str(), with_commas(c.dense).c_str(), with_commas(c.conv).c_str(),
                      with_commas(c.dense / c.conv).c_str());
        ui::code_block("params", buf);
        ui::help_marker("Counts from the core's Conv2d(1, n, 5, bias=False) and Linear(784, 576n, bias=False) layers; "
                        "biases add n and 576n. The course slide says \"over 200,000x more\"; its own numbers give "
                        "451,584 / 25 = 18,063x.");
    }

    void draw_sections();
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void ConvolutionLesson::draw() {
    ImGui::TextWrapped(
        "A convolution slides a small kernel of weights over its input and writes one weighted sum for every position. "
        "Convolutional networks stack many of them and learn the kernels. Step through each section window by window: "
        "every number is computed by aelab's conv ops, which follow torch.nn.functional exactly.");
    if (section("1. 1D: a kernel sliding along a signal", 0)) draw_1d();
    if (section("2. 2D: stride, padding and dilation", 1)) draw_2d();
    if (section("3. Colour images: channels, several filters, 3D", 2)) draw_3d();
    if (section("4. Filters on real images", 3)) draw_filters();
    first_frame_ = false;
    state_.one.step = one_.stepper.step;
    state_.two.step = two_.stepper.step;
    state_.three.step = three_.stepper.step;
    write_params(state_);
}

}  // namespace

std::unique_ptr<Lesson> make_convolution_lesson() { return std::make_unique<ConvolutionLesson>(); }

}  // namespace aelab::lessons
