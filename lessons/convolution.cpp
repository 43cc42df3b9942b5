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

#include <xtensor/xpad.hpp>
#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/images.hpp"
#include "aelab/layers.hpp"
#include "lesson.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/a11y.hpp"
#include "kit/image_input.hpp"
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
// src (R, C) repeated and cropped to (rows, cols).
Tensor tiled(const Tensor& src, int rows, int cols) {
    const std::size_t reps[2] = {std::size_t((rows + dim(src, 0) - 1) / dim(src, 0)),
                                 std::size_t((cols + dim(src, 1) - 1) / dim(src, 1))};
    return xt::view(xt::tile(src, {reps[0], reps[1]}), xt::range(0, rows), xt::range(0, cols));
}

// A tensor's values in row-major order, as the state keeps them.
std::vector<float> values_of(const Tensor& t) { return {t.begin(), t.end()}; }

// A number inside a sum: negatives in parentheses, "(-1)".
std::string term(float v) { return v < 0 ? "(" + ui::fmt_num(v) + ")" : ui::fmt_num(v); }
}  // namespace

Tensor tiled_course_image(int rows, int cols) { return tiled(course_image(), rows, cols); }
Tensor tiled_course_kernel(int rows, int cols) { return tiled(course_kernel_2d(), rows, cols); }

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

std::string output_size_formula(const std::string& out_name, const std::string& in_name, int in, int kernel,
                                int stride, int padding, int dilation) {
    const int span = in + 2 * padding - dilation * (kernel - 1) - 1;
    const std::string s =
        ui::format("%s = floor((%s + 2P - D(K-1) - 1)/S) + 1 = floor((%d + 2*%d - %d*(%d-1) - 1)/%d) + 1 = floor(%d/%d) + 1 = ",
                   out_name.c_str(), in_name.c_str(), in, padding, dilation, kernel, stride, span, stride);
    if (span < 0)  // floor division, as torch does
        return s + std::to_string(-((-span + stride - 1) / stride) + 1) + ": no window fits, the output is empty";
    return s + std::to_string(conv_output_size(in, kernel, stride, padding, dilation));
}

namespace {
// `op` (a conv1d, 2d or 3d of the core) on x and w given N = C_in = C_out = 1, those axes dropped
// again; the core's error message when no window fits.
template <class Op>
PlaneResult one_channel(const Tensor& x, const Tensor& w, Op op) {
    PlaneResult r;
    try {
        const auto unit = [](const Tensor& t) { return Tensor(xt::view(t, xt::newaxis(), xt::newaxis())); };
        const Tensor y = op(unit(x), unit(w));  // (1, 1, ...)
        r.y = xt::view(y, 0, 0);
    } catch (const Error& e) {
        r.error = e.what();
    }
    return r;
}
}  // namespace

PlaneResult conv_plane(const Tensor& x, const Tensor& w, const Conv2dParams& p) {
    return one_channel(x, w, [&p](const Tensor& x4, const Tensor& w4) { return conv2d(x4, w4, nullptr, p); });
}
PlaneResult conv_signal(const Tensor& x, const Tensor& w, const Conv1dParams& p) {
    return one_channel(x, w, [&p](const Tensor& x3, const Tensor& w3) { return conv1d(x3, w3, nullptr, p); });
}
PlaneResult conv_volume(const Tensor& x, const Tensor& w) {
    return one_channel(x, w, [](const Tensor& x5, const Tensor& w5) { return conv3d(x5, w5, nullptr); });
}

State1d::State1d() : x(values_of(course_signal())), w(values_of(course_kernel_1d())) {}

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
    rows = p.rows, cols = p.cols;
    resize_kernel(p.krows, p.kcols);
    stride = p.params.stride, padding = p.params.padding, dilation = p.params.dilation;
    per_axis = stride[0] != stride[1] || padding[0] != padding[1] || dilation[0] != dilation[1];
}

void State2d::resize_kernel(int new_rows, int new_cols) {
    krows = new_rows, kcols = new_cols;
    kernel = values_of(tiled_course_kernel(krows, kcols));
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

const char* multichannel_filter_name(int f) {
    static const char* names[kMaxFilters] = {
        "redness: 2R - G - B summed over the window", "vertical edges: Sobel x on R, G and B",
        "horizontal edges in blue: Sobel y on B only", "greenness: G summed over the window"};
    return f >= 0 && f < kMaxFilters ? names[f] : "?";
}

Tensor multichannel_filters(int n) {
    Tensor w = zeros({kMaxFilters, 3, 3, 3});  // (C_out, C_in, kH, kW), as multichannel_filter_name names them
    xt::view(w, 0, 0) = 2.0f, xt::view(w, 0, 1) = -1.0f, xt::view(w, 0, 2) = -1.0f;
    xt::view(w, 1) = sobel_x();  // the same slice on every channel
    xt::view(w, 2, 2) = sobel_y();
    xt::view(w, 3, 1) = 1.0f;
    return xt::view(w, xt::range(0, std::clamp(n, 1, kMaxFilters)));
}

ChannelSplit multichannel_conv(const Tensor& x, const Tensor& w) {
    check_rank("multichannel_conv", "x", x, 3, "C, H, W");
    check_rank("multichannel_conv", "w", w, 4, "C_out, C_in, kH, kW");
    const std::size_t C = x.shape()[0], F = w.shape()[0];
    const Tensor x4 = xt::view(x, xt::newaxis());  // (1, C, H, W)
    const Tensor total = conv2d(x4, w, nullptr);   // (1, F, H_out, W_out)
    const std::size_t Ho = total.shape()[2], Wo = total.shape()[3];
    ChannelSplit s;
    s.partial = zeros({F, C, Ho, Wo});
    for (std::size_t c = 0; c < C; ++c) {
        Tensor xc = xt::view(x4, xt::all(), xt::range(c, c + 1));  // (1, 1, H, W)
        Tensor wc = xt::view(w, xt::all(), xt::range(c, c + 1));   // (F, 1, kH, kW)
        Tensor yc = conv2d(xc, wc, nullptr);                        // (1, F, H_out, W_out)
        xt::view(s.partial, xt::all(), c) = xt::view(yc, 0);
    }
    s.total = xt::view(total, 0);
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

const char* filter_name(Filter f) {
    static const char* names[kFilterCount] = {  // in the enum's order
        "Box 3x3 (mean)", "Box 5x5 (mean)", "Gaussian 5x5", "Sobel x (vertical edges)", "Sobel y (horizontal edges)",
        "Sobel gradient magnitude", "W1 = [1, -1] (course)", "W2 = [1; -1] (course)", "Sharpen",
        "Vertical line (pattern match)", "Edge at an angle", "Your own kernel"};
    const int i = static_cast<int>(f);
    return i >= 0 && i < kFilterCount ? names[i] : "?";
}

Tensor sobel_x() { return from_values({3, 3}, {1, 0, -1, 2, 0, -2, 1, 0, -1}); }
Tensor sobel_y() { return from_values({3, 3}, {1, 2, 1, 0, 0, 0, -1, -2, -1}); }

Tensor gaussian_kernel(int size, float sigma) {
    const Tensor d2 = xt::square(xt::arange<float>(float(size)) - 0.5f * float(size - 1));  // (size,) from the centre
    const Tensor g = xt::exp(-(xt::view(d2, xt::all(), xt::newaxis()) + xt::view(d2, xt::newaxis(), xt::all())) /
                             (2.0f * sigma * sigma));
    return xt::cast<float>(xt::cast<double>(g) / xt::sum<double>(g)());
}

Tensor directional_kernel(float degrees) {
    const double a = degrees * 3.14159265358979 / 180.0;
    const float c = float(std::cos(a)), s = float(std::sin(a));
    Tensor k = c * sobel_x() + s * sobel_y();
    // Four decimals: cos(90 deg) is not exactly 0 in floating point, and the page shows 4 digits.
    for (float& v : k) v = std::round(v * 1e4f) / 1e4f + 0.0f;
    return k;
}

State4::State4() : custom(values_of(sobel_x())) {}

void State4::resize_custom(int size) {
    custom_size = size;
    custom.assign(std::size_t(size * size), 0.0f);
    custom[custom.size() / 2] = 1.0f;
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
    if (r.parts.size() == 2) r.out = xt::sqrt(r.parts[0] * r.parts[0] + r.parts[1] * r.parts[1]);
    return r;
}

ParameterCounts parameter_counts(int n) {
    Conv2d conv(1, n, 5, 1, 0, /*bias=*/false);
    Shape out = conv.output_shape({1, 1, 28, 28});  // (1, n, 24, 24)
    Linear dense(28 * 28, int(out[1] * out[2] * out[3]), /*bias=*/false);
    return {conv.param_count(), dense.param_count(), Shape(out.begin() + 1, out.end())};
}

std::string with_commas(std::size_t n) {
    std::string digits = std::to_string(n), s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

namespace {
std::string pair_text(const std::array<int, 2>& v) { return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")"; }

const char* kTorchHeader = "import torch\nimport torch.nn.functional as F\n\n";
}  // namespace

std::string pytorch_1d(const State1d& s) {
    const Tensor x = from_values({s.x.size()}, s.x), w = kernel_used_1d(s);
    PlaneResult r = conv_signal(x, w, {s.stride, s.padding, s.dilation});
    std::string code = kTorchHeader;
    code += "x = " + kit::torch_tensor(x) + "\n";
    code += "w = " + kit::torch_tensor(from_values({s.w.size()}, s.w)) + "\n";
    if (s.flip) code += "w = w.flip(0)  # mathematicians' convolution: the kernel reversed\n";
    code += "# conv1d wants (N, C_in, L) and (C_out, C_in, K)\n";
    code += "y = F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1), stride=" + std::to_string(s.stride) +
            ", padding=" + std::to_string(s.padding) + ", dilation=" + std::to_string(s.dilation) + ")\n";
    code += "print(y.flatten())";
    code += r.ok() ? "  # " + kit::py_list(r.y) : "  # RuntimeError: the output would be empty";
    if (s.flip && s.stride == 1 && s.padding == 0 && s.dilation == 1)
        code += "\n\nimport numpy as np  # NumPy's convolve flips the kernel itself\nprint(np.convolve(x.numpy(), " +
                kit::py_list(from_values({s.w.size()}, s.w)) + ", 'valid'))";
    return code;
}

std::string pytorch_2d(const State2d& s) {
    const Tensor x = input_2d(s), w = kernel_2d(s);
    PlaneResult r = conv_plane(x, w, s.params());
    std::string code = kTorchHeader;
    code += "x = " + kit::torch_tensor(x, true, 4) + "\n";
    code += "w = " + kit::torch_tensor(w, true, 4) + "\n";
    code += "# conv2d wants (N, C_in, H, W) and (C_out, C_in, kH, kW): x[None, None] adds N = C = 1\n";
    code += "y = F.conv2d(x[None, None], w[None, None], stride=" + pair_text(s.stride) + ", padding=" +
            pair_text(s.padding) + ", dilation=" + pair_text(s.dilation) + ")\n";
    code += "print(y[0, 0])";
    if (!r.ok()) code += "  # RuntimeError: the output would be empty";
    else if (r.y.size() <= 16) code += "  # " + kit::py_list(Tensor(xt::flatten(r.y))) + " row by row";
    return code;
}

std::string pytorch_multichannel(int filters) {
    std::string code = kTorchHeader;
    code += "import numpy as np\n";
    code += "x = torch.from_numpy(np.load('picture.npy'))  # (3, 12, 16) = (C_in, H, W), levels 0..255\n";
    code += "w = " + kit::torch_tensor(multichannel_filters(filters), true, 4) + "  # (C_out, C_in, kH, kW)\n";
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
        code += w + " = " + kit::torch_tensor(kernels[i], true, w.size() + 3) + "\n";
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

void bind_url(kit::UrlState& url, State& s) {
    using kit::UrlState;
    s.sections.bind(url, 4);

    State1d& a = s.one;
    url.add("x1", a.x, a.x.size());
    // k1 is the kernel's size: a new size starts from ones (3 keeps the course's [1, 2, 1]).
    url.custom("k1", [&a](const std::string& t) {
        int k = 0;
        if (!UrlState::parse_int(t, 1, 5, k)) return false;
        if (std::size_t(k) != a.w.size()) a.w.assign(std::size_t(k), 1.0f);
        return true;
    }, [&a] { return std::to_string(a.w.size()); });
    url.add("w1", a.w, [&a] { return a.w.size(); });
    url.add("s1", a.stride, 1, 3).add("p1", a.padding, 0, 3).add("d1", a.dilation, 1, 3).add("flip", a.flip);

    State2d& b = s.two;
    url.custom("pre", [&b](const std::string& t) {
        int i = 0;
        if (!UrlState::parse_int(t, 0, int(presets_2d().size()) - 1, i)) return false;
        b.apply_preset(i);
        return true;
    }, [&b] { return std::to_string(b.preset); });
    url.add("ih", b.rows, 1, 9).add("iw", b.cols, 1, 9);
    // kh, kw: a new kernel size starts from the course kernel tiled to it.
    const auto kernel_size = [&b](int& size) {
        return [&b, &size](const std::string& t) {
            if (!UrlState::parse_int(t, 1, 5, size)) return false;
            b.resize_kernel(b.krows, b.kcols);
            return true;
        };
    };
    url.custom("kh", kernel_size(b.krows), [&b] { return std::to_string(b.krows); });
    url.custom("kw", kernel_size(b.kcols), [&b] { return std::to_string(b.kcols); });
    url.add("k2", b.kernel, [&b] { return b.kernel.size(); });
    url.add("sh", b.stride[0], 1, 3).add("sw", b.stride[1], 1, 3);
    url.add("ph", b.padding[0], 0, 3).add("pw", b.padding[1], 0, 3);
    url.add("dh", b.dilation[0], 1, 3).add("dw", b.dilation[1], 1, 3);
    url.add("axis", b.per_axis);

    State3d& c = s.three;
    url.add("nf", c.filters, 1, kMaxFilters);
    url.custom("f", [&c](const std::string& t) { return UrlState::parse_int(t, 0, c.filters - 1, c.filter); },
               [&c] { return std::to_string(c.filter); });
    url.add("vol", c.volume, 1, 6).add("vk", c.kernel, 1, 6).add("va", c.at, 0, 5);

    State4& d = s.four;
    url.add("src", d.source, 0, 3).add("img", d.image, 0, 99999).add("filt", d.filter, 0, kFilterCount - 1);
    url.add("ang", d.angle, -180.0f, 180.0f).add("sig", d.sigma, 0.3f, 3.0f).add("same", d.same_padding);
    // cs: 5 starts from the 5x5 identity; anything else in 3..5 means 3.
    url.custom("cs", [&d](const std::string& t) {
        int size = 0;
        if (!UrlState::parse_int(t, 3, 5, size)) return false;
        if ((size == 5 ? 5 : 3) != d.custom_size) d.resize_custom(size == 5 ? 5 : 3);
        return true;
    }, [&d] { return std::to_string(d.custom_size); });
    url.add("k4", d.custom, [&d] { return d.custom.size(); });
    url.add("pr", d.probe_row, 0, 63).add("pc", d.probe_col, 0, 63).add("n", d.filters_n, 1, 256);
}

}  // namespace convolution

namespace {
using namespace convolution;

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------

// A signal (L,) as the one-row plane (1, L) the 2D helpers walk.
Tensor as_row(const Tensor& v) { return xt::view(v, xt::newaxis()); }

bool has_negative(const Tensor& t) { return std::any_of(t.begin(), t.end(), [](float v) { return v < 0; }); }

// Numbers in grey, or blue/red when some are negative (or always, for kernels: `diverging`).
ui::GridStyle grid_style(const Tensor& t, const char* format = "%.0f", bool diverging = false) {
    ui::GridStyle g;
    g.format = format;
    g.cmap = diverging || has_negative(t) ? ui::Colormap::diverging : ui::Colormap::gray;
    g.min_cell_width = 30.0f;
    return g;
}

// Pixel levels 0..255 in `cmap`, or (levels false) the plane's own range, symmetric when diverging.
ui::HeatmapStyle heatmap_style(ui::Colormap cmap, float zoom, bool levels, const char* format = "%.0f") {
    ui::HeatmapStyle hs;
    hs.cmap = cmap, hs.zoom = zoom, hs.value_format = format;
    if (levels) hs.vmax = 255;
    hs.auto_range = !levels;
    return hs;
}

// A caption above a widget group.
void caption(const std::string& text) { ImGui::TextDisabled("%s", text.c_str()); }

// A plane (H, W) as numbers or as a heatmap under its caption, in one group so planes can sit side
// by side.
ui::Hover captioned_grid(const std::string& text, const char* id, const Tensor& plane, const ui::GridStyle& style,
                         const std::vector<ui::CellMark>& marks = {}, const std::vector<ui::Highlight>& boxes = {}) {
    ImGui::BeginGroup();
    caption(text);
    const ui::Hover h = ui::number_grid(id, plane.data(), dim(plane, 0), dim(plane, 1), style, marks, boxes);
    ImGui::EndGroup();
    return h;
}
ui::Hover captioned_heatmap(const std::string& text, const char* id, const Tensor& plane, const ui::HeatmapStyle& style,
                            const std::vector<ui::Highlight>& boxes = {}) {
    ImGui::BeginGroup();
    caption(text);
    const ui::Hover h = ui::heatmap(id, plane.data(), dim(plane, 0), dim(plane, 1), style, boxes);
    ImGui::EndGroup();
    return h;
}

// The padded input x (H, W) as a grid: padded zeros tinted blue, the window's taps yellow, its extent outlined.
void padded_input_grid(const char* id, const Tensor& x, int pad_rows, int pad_cols, const WindowStep* step) {
    const std::size_t pr = std::size_t(pad_rows), pc = std::size_t(pad_cols);
    const Tensor xp = xt::pad(x, {{pr, pr}, {pc, pc}}, xt::pad_mode::constant, 0.0f);
    const int R = dim(xp, 0), C = dim(xp, 1);
    std::vector<ui::CellMark> marks;
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            if (r < pad_rows || r >= R - pad_rows || c < pad_cols || c >= C - pad_cols)
                marks.push_back({r, c, kit::palette::padding});
    std::vector<ui::Highlight> boxes;
    if (step && !step->terms.empty()) {
        for (const Term& t : step->terms) marks.push_back({t.row, t.col, kit::palette::window});
        const Term &first = step->terms.front(), &last = step->terms.back();
        boxes.push_back({first.row, first.col, last.row + 1, last.col + 1, kit::palette::window});
    }
    captioned_grid(pad_rows || pad_cols ? "input x (zero padding in blue)" : "input x", id, xp, grid_style(x), marks, boxes);
}

// The output (L_out,) or (H_out, W_out) with the step's element marked; clicking an element steps to it.
void output_grid(const char* text, const char* id, const Tensor& y, const WindowStep& step, ui::Stepper& stepper) {
    const Tensor plane = y.dimension() == 2 ? y : as_row(y);
    const ui::Hover h = captioned_grid(text, id, plane, grid_style(y), {{step.row, step.col, kit::palette::current}});
    if (h.clicked) stepper.step = h.row * dim(plane, 1) + h.col, stepper.playing = false;
}

// A thin rule and a title inside a section.
void subheading(const char* text) {
    ImGui::Separator();
    ImGui::TextUnformatted(text);
}

bool slider(const char* label, int* v, int lo, int hi, float width = 110.0f) {
    ImGui::SetNextItemWidth(width);
    return ImGui::SliderInt(label, v, lo, hi);
}
// The same, beside the previous item when it fits there (under it on a phone).
bool next_slider(const char* label, int* v, int lo, int hi, float width = 110.0f) {
    ui::same_line_if_fits(ui::labeled_width(width, label));
    ImGui::SetNextItemWidth(width);
    return ImGui::SliderInt(label, v, lo, hi);
}

//-----------------------------------------------------------------------------
// The lesson
//-----------------------------------------------------------------------------
class ConvolutionLesson final : public Lesson {
public:
    ConvolutionLesson() {
        bind_url(url_, state_);
        url_.add("st1", one_.stepper.step, 0, 1000).add("st2", two_.stepper.step, 0, 1000);
        url_.add("st3", three_.stepper.step, 0, 1000);
        url_.read();
    }
    void draw() override;

private:
    State state_;
    kit::UrlState url_;

    //-------------------------------------------------------------------------
    // [SECTION] 1. 1D
    //-------------------------------------------------------------------------
    // A conv stepped window by window (sections 1 and 2), with its results cached. 1D walks its
    // signal as the one-row plane of 2D.
    struct Stepped {
        ui::Stepper stepper;
        std::string key;  // the state the cached results belong to
        Tensor x, w;      // as given to the core: (L,), (K,) in 1D; (H, W), (kH, kW) in 2D
        PlaneResult result;
        std::vector<WindowStep> steps;
        std::string code;

        // Whether `state` differs from the one the results belong to; remembers it.
        bool stale(const std::string& state) {
            if (state == key) return false;
            key = state;
            return true;
        }
        // Once x, w and the result are set: every window (p as on the planes) and the stepper's range.
        void enumerate(const Conv2dParams& p, bool one_d) {
            const auto plane = [one_d](const Tensor& t) { return one_d ? as_row(t) : t; };
            steps.clear();
            if (result.ok()) steps = window_steps(plane(x), plane(w), p, plane(result.y), one_d);
            stepper.reset(static_cast<int>(steps.size()));
        }
        const WindowStep* current() const { return result.ok() ? &steps[std::size_t(stepper.step)] : nullptr; }
        // Below the grids: the PyTorch code and the files (y when there is an output); `n` numbers the ids.
        void draw_code_and_files(const std::string& n) const {
            ui::pytorch_panel(("torch" + n).c_str(), code);
            std::vector<ui::NpyExport> files = {{"x.npy", &x}, {"w.npy", &w}};
            if (result.ok()) files.push_back({"y.npy", &result.y});
            ui::export_buttons(("export" + n).c_str(), files);
        }
    } one_;

    void update_1d() {
        const State1d& s = state_.one;
        if (!one_.stale(platform::floats_text(s.x) + "|" + platform::floats_text(s.w) + "|" + std::to_string(s.stride) +
                        std::to_string(s.padding) + std::to_string(s.dilation) + std::to_string(s.flip)))
            return;
        one_.x = from_values({s.x.size()}, s.x);
        one_.w = kernel_used_1d(s);
        one_.result = conv_signal(one_.x, one_.w, {s.stride, s.padding, s.dilation});
        one_.enumerate({{1, s.stride}, {0, s.padding}, {1, s.dilation}}, true);
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
        State1d examples[3];
        examples[1].w = {1, 0, -1};
        examples[2].stride = 2, examples[2].padding = 1;
        const char* example_names[3] = {"Course example", "Kernel [1, 0, -1]", "Stride 2, padding 1"};
        const float pad = ImGui::GetStyle().FramePadding.x;
        for (int i = 0; i < 3; ++i) {
            if (i) ui::same_line_if_fits(ImGui::CalcTextSize(example_names[i]).x + 2 * pad);
            if (ImGui::Button(example_names[i])) s = examples[i], one_.stepper.step = 0;
        }
        const char* flip_label = "flip the kernel (mathematicians' convolution)";
        ui::same_line_if_fits(ui::labeled_width(ImGui::GetFrameHeight(), flip_label));
        ImGui::Checkbox(flip_label, &s.flip);

        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("x =");
        ImGui::SameLine();
        ui::edit_grid("x1", s.x.data(), 1, static_cast<int>(s.x.size()), 0.1f);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("w =");
        ImGui::SameLine();
        ui::edit_grid("w1", s.w.data(), 1, static_cast<int>(s.w.size()), 0.1f);
        int k = static_cast<int>(s.w.size());
        if (next_slider("kernel size K", &k, 1, 5)) s.w.resize(std::size_t(k), 1.0f);
        slider("stride S##1", &s.stride, 1, 3);
        next_slider("padding P##1", &s.padding, 0, 3);
        next_slider("dilation D##1", &s.dilation, 1, 3);

        update_1d();
        ui::code_block("size1", output_size_formula("L_out", "L", int(s.x.size()), int(s.w.size()), s.stride, s.padding,
                                                    s.dilation));
        if (!one_.result.ok()) {
            ui::error_panel("No output", one_.result.error + "\nMake the kernel smaller, the dilation smaller or add padding.");
            return;
        }
        ui::step_controller("step1", one_.stepper);
        const WindowStep& st = *one_.current();
        // The long input row on its own line, the kernel and the output below it.
        padded_input_grid("x1grid", as_row(one_.x), 0, s.padding, &st);
        ui::begin_flow("w1flow", true);
        captioned_grid(s.flip ? "kernel used: w reversed" : "kernel w", "w1grid", as_row(one_.w), grid_style(one_.w, "%g"));
        ui::end_flow();
        ui::begin_flow("y1flow", false, 40);
        output_grid("output y (from the core's conv1d)", "y1grid", one_.result.y, st, one_.stepper);
        ui::end_flow();
        ui::code_block("step1text", st.text);
        if (ImGui::TreeNode("All windows")) {
            std::string all;
            for (const auto& w : one_.steps) all += w.text + "\n";
            all.pop_back();
            ui::code_block("all1", all);
            ImGui::TreePop();
        }
        one_.draw_code_and_files("1");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. 2D: stride, padding, dilation
    //-------------------------------------------------------------------------
    Stepped two_;

    void update_2d() {
        const State2d& s = state_.two;
        if (!two_.stale(std::to_string(s.rows) + "x" + std::to_string(s.cols) + "|" + std::to_string(s.krows) + "x" +
                        std::to_string(s.kcols) + "|" + platform::floats_text(s.kernel) + "|" + pair_text(s.stride) +
                        pair_text(s.padding) + pair_text(s.dilation)))
            return;
        two_.x = input_2d(s);
        two_.w = kernel_2d(s);
        two_.result = conv_plane(two_.x, two_.w, s.params());
        two_.enumerate(s.params(), false);
        two_.code = pytorch_2d(s);
    }

    // One parameter: a shared slider, or one per axis.
    void axis_sliders(const char* name, std::array<int, 2>& v, int lo, int hi, bool beside = false) {
        State2d& s = state_.two;
        if (beside) ui::same_line_if_fits(ui::labeled_width(s.per_axis ? 80.0f : 110.0f, s.per_axis ? (std::string(name) + " rows").c_str() : name));
        if (s.per_axis) {
            slider((std::string(name) + " rows").c_str(), &v[0], lo, hi, 80);
            next_slider((std::string(name) + " cols").c_str(), &v[1], lo, hi, 80);
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
        ImGui::SetNextItemWidth(std::min(280.0f, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("preset").x - 8));
        if (ui::begin_combo("preset", presets[std::size_t(s.preset)].name)) {
            for (int i = 0; i < int(presets.size()); ++i)
                if (ImGui::Selectable(presets[std::size_t(i)].name, i == s.preset)) {
                    s.apply_preset(i);
                    two_.stepper.step = 0;
                }
            ImGui::EndCombo(); a11y::resume();
        }
        ui::same_line_if_fits(16 * ImGui::GetFontSize());  // the note beside the list while it has room
        ImGui::TextWrapped("%s", presets[std::size_t(s.preset)].note);

        slider("input rows", &s.rows, 1, 9, 90);
        next_slider("input cols", &s.cols, 1, 9, 90);
        ui::help_marker("Sizes other than 5x5 repeat (or crop) the course's input, so the numbers stay whole.");
        int kr = s.krows, kc = s.kcols;
        bool kchanged = next_slider("kernel rows", &kr, 1, 5, 90);
        kchanged |= next_slider("kernel cols", &kc, 1, 5, 90);
        if (kchanged) s.resize_kernel(kr, kc);
        if (ImGui::Checkbox("per axis", &s.per_axis) && !s.per_axis) {
            s.stride[1] = s.stride[0], s.padding[1] = s.padding[0], s.dilation[1] = s.dilation[0];
        }
        axis_sliders("stride S", s.stride, 1, 3, true);
        axis_sliders("padding P", s.padding, 0, 3, true);
        axis_sliders("dilation D", s.dilation, 1, 3, true);

        update_2d();
        ui::code_block("size2", output_size_formula("H_out", "H", s.rows, s.krows, s.stride[0], s.padding[0], s.dilation[0]) +
                                    "\n" +
                                    output_size_formula("W_out", "W", s.cols, s.kcols, s.stride[1], s.padding[1], s.dilation[1]));
        if (two_.result.ok()) ui::step_controller("step2", two_.stepper);
        const WindowStep* st = two_.current();
        // The input, the kernel and the output side by side; without an output, why not.
        padded_input_grid("x2grid", two_.x, s.padding[0], s.padding[1], st);
        ui::begin_flow("w2flow", false, 30);
        caption("kernel w (drag to edit)");
        ui::edit_grid("w2edit", s.kernel.data(), s.krows, s.kcols, 0.1f);  // recomputed next frame
        ui::end_flow();
        ui::begin_flow("y2flow", false, 30);
        if (st) {
            output_grid("output y (from the core's conv2d)", "y2grid", two_.result.y, *st, two_.stepper);
            ui::code_block("step2text", st->text);
        } else {
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::min(420.0f, ImGui::GetContentRegionAvail().x));
            ui::error_panel("No output", two_.result.error);
            ImGui::PopTextWrapPos();
        }
        ui::end_flow();
        two_.draw_code_and_files("2");
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
        bool mine = false;     // the picture is your image (kit/image_input.hpp), scaled to 12 x 16
        long mine_seen = 0;
    } three_;

    // Switches the picture between the built-in one and your image (whole levels 0..255).
    void use_mine_3d(bool mine) {
        const kit::UserImage* u = kit::user_image();
        three_.mine = mine && u;
        if (three_.mine) {
            three_.picture = kit::fit_user_image(u->image.chw, 3, kPictureRows, kPictureCols) * 255.0f;
            for (float& v : three_.picture) v = std::round(v);
        } else {
            three_.picture = picture_levels();
        }
        three_.computed_filters = 0;  // recompute everything below
    }

    void update_3d() {
        State3d& s = state_.three;
        if (three_.computed_filters != s.filters) {
            three_.computed_filters = s.filters;
            three_.picture01 = three_.picture / 255.0f;
            three_.w = multichannel_filters(s.filters);
            three_.split = multichannel_conv(three_.picture, three_.w);
            three_.code = pytorch_multichannel(s.filters);
            // The course's view: the picture is a 3 x 12 x 16 volume and each filter a 3 x 3 x 3 kernel.
            Tensor y3 = conv3d(Tensor(xt::view(three_.picture, xt::newaxis(), xt::newaxis())),  // (1, 1, 3, 12, 16)
                               Tensor(xt::view(three_.w, xt::all(), xt::newaxis())), nullptr);  // (C_out, 1, 3, 3, 3)
            // y3: (1, C_out, 1, 10, 14)
            y3.reshape(three_.split.total.shape());
            three_.conv3d_difference = xt::amax(xt::abs(y3 - three_.split.total))();
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
        if (ImGui::TreeNode("Your own colour image")) {
            if (kit::image_input("mine3", three_.mine_seen)) use_mine_3d(true);
            if (kit::user_image()) {
                int pick = three_.mine ? 1 : 0;
                if (ui::radio_button("built-in picture", &pick, 0)) use_mine_3d(false);
                ImGui::SameLine();
                if (ui::radio_button("your image (centre cropped to 12 x 16)", &pick, 1)) use_mine_3d(true);
            }
            ImGui::TreePop();
        } else if (kit::user_image() && kit::user_image()->serial != three_.mine_seen) {  // a new image: use it
            three_.mine_seen = kit::user_image()->serial;
            use_mine_3d(true);
        }
        platform::set_status("colour_input", three_.mine ? "your image" : "picture");
        slider("filters C_out", &s.filters, 1, kMaxFilters);
        update_3d();
        ImGui::SameLine();
        ImGui::Text("weight shape (C_out, C_in, kH, kW) = %s", shape_str(three_.w.shape()).c_str());

        // The weights, one row per filter: its R, G and B slices.
        const char* channel_names[3] = {"R", "G", "B"};
        for (int f = 0; f < s.filters; ++f) {
            if (f % 2) ImGui::SameLine(0, 40);
            ImGui::PushID(f);
            if (ui::radio_button("##pick", s.filter == f)) s.filter = f;
            ImGui::SameLine();
            ImGui::BeginGroup();
            ImGui::Text("w[%d]: %s", f, multichannel_filter_name(f));
            for (int c = 0; c < 3; ++c) {
                if (c) ImGui::SameLine(0, 12);
                const Tensor slice = xt::view(three_.w, f, c);  // (3, 3)
                ImGui::PushID(c);
                captioned_grid(ui::format("w[%d,%d] %s", f, c, channel_names[c]), "wslice", slice, grid_style(slice, "%.0f", true));
                ImGui::PopID();
            }
            ImGui::EndGroup();
            ImGui::PopID();
        }

        ui::step_controller("step3", three_.stepper);
        const int Ho = dim(three_.split.total, 1), Wo = dim(three_.split.total, 2);
        const int row = three_.stepper.step / Wo, col = three_.stepper.step % Wo;
        const int f = s.filter;
        const ui::Highlight window{row, col, row + 3, col + 3, kit::palette::window};

        // The picture and its channels with the window, then every output channel.
        // A click on the input puts the window's top-left corner there; on an output, selects that element.
        auto move_window = [&](const ui::Hover& h) {
            if (!h.clicked) return;
            three_.stepper.step = std::min(h.row, Ho - 1) * Wo + std::min(h.col, Wo - 1);
            three_.stepper.playing = false;
        };
        ImGui::BeginGroup();
        caption(three_.mine ? "your image (3, 12, 16)" : "picture (3, 12, 16)");
        move_window(ui::rgb_image("pic", three_.picture01.data(), kPictureRows, kPictureCols, 10.0f, {window}));
        ImGui::EndGroup();
        const ui::Colormap tints[3] = {ui::Colormap::red, ui::Colormap::green, ui::Colormap::blue};
        for (int c = 0; c < 3; ++c) {
            ImGui::SameLine();
            move_window(captioned_heatmap(ui::format("x[%d] (%s)", c, channel_names[c]), channel_names[c],
                                          xt::view(three_.picture, c), heatmap_style(tints[c], 7, true), {window}));
        }
        for (int o = 0; o < s.filters; ++o) {
            ImGui::SameLine();
            std::vector<ui::Highlight> mark;
            if (o == f) mark.push_back({row, col, row + 1, col + 1, kit::palette::current});
            ImGui::PushID(o);
            const ui::Hover h = captioned_heatmap(ui::format(o == f ? "y[%d] (stepped)" : "y[%d]", o), "y",
                                                  xt::view(three_.split.total, o),
                                                  heatmap_style(ui::Colormap::diverging, 7, false), mark);
            ImGui::PopID();
            if (h.clicked) s.filter = o;
            move_window(h);
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
            ui::number_grid("slice", wc.data(), 3, 3, grid_style(wc, "%.0f", true));
            ImGui::PopID();
            ImGui::EndGroup();
            text += ui::format("%s (x[%d] with w[%d, %d]): ", channel_names[c], c, f, c) + st.products + " = " +
                    ui::fmt_num(st.output) + "\n";
        }
        const Tensor& partial = three_.split.partial;
        text += ui::format("y[%d, %d, %d] = R + G + B = %s + %s + %s = %s", f, row, col, term(partial(f, 0, row, col)).c_str(),
                           term(partial(f, 1, row, col)).c_str(), term(partial(f, 2, row, col)).c_str(),
                           ui::fmt_num(three_.split.total(f, row, col)).c_str());
        ui::code_block("step3text", text);

        ui::pytorch_panel("torch3", three_.code);
        ui::export_buttons("export3", {{"picture.npy", &three_.picture}, {"weight.npy", &three_.w}, {"y.npy", &three_.split.total}});
        draw_volume();
    }

    // The course's 3D formula on a volume, with the core's conv3d.
    void draw_volume() {
        State3d& s = state_.three;
        ImGui::Spacing();
        subheading("3D convolution of a volume");
        ImGui::TextWrapped(
            "The course writes the same sum as a 3D convolution: x (d1 x d2 x d3) conv w (k1 x k2 x k3) has size "
            "(d1-k1+1) x (d2-k2+1) x (d3-k3+1), out[i,j,g] = sum over l,m,n of x[i+l, j+m, g+n] w[l,m,n]. The picture is a "
            "3 x 12 x 16 volume and each filter a 3 x 3 x 3 kernel, so the output is 1 x 10 x 14: one channel of the "
            "multi-channel convolution above (checked here: the core's conv3d of the picture volume and its conv2d with "
            "C_in = 3 differ by at most %s). Below, a small volume: choose its size and the kernel's, and click an output.",
            ui::fmt_num(three_.conv3d_difference).c_str());
        for (int a = 0; a < 6; ++a) {  // d1 d2 d3 k1 k2 k3
            if (a) ImGui::SameLine();
            int& size = a < 3 ? s.volume[std::size_t(a)] : s.kernel[std::size_t(a - 3)];
            slider(((a < 3 ? "d" : "k") + std::to_string(a % 3 + 1)).c_str(), &size, 1, 6, 70);
        }
        update_3d();
        const auto &d = s.volume, &k = s.kernel;
        const std::string formula = ui::format("(%d x %d x %d) conv (%d x %d x %d) -> (%d-%d+1) x (%d-%d+1) x (%d-%d+1)",
                                               d[0], d[1], d[2], k[0], k[1], k[2], d[0], k[0], d[1], k[1], d[2], k[2]);
        if (!three_.volume_result.ok()) {
            ui::code_block("vol", formula);
            ui::error_panel("No output", three_.volume_result.error);
            return;
        }
        const Tensor& vy = three_.volume_result.y;
        auto& at = s.at;
        for (int a = 0; a < 3; ++a) at[std::size_t(a)] = std::clamp(at[std::size_t(a)], 0, dim(vy, a) - 1);
        ui::code_block("vol", formula + " = " + shape_str(vy.shape()) + "   (from the core's conv3d)");
        // Slices along d1, side by side; slices first .. first + count - 1 get `box` (the window, or
        // the chosen element). Clicking an output element chooses it.
        auto slices = [&](const char* id, const Tensor& t, const char* name, int first, int count, ui::Highlight box) {
            ImGui::PushID(id);
            ImGui::BeginGroup();
            for (int i = 0; i < dim(t, 0); ++i) {
                if (i) ImGui::SameLine(0, 12);
                std::vector<ui::Highlight> boxes;
                if (i >= first && i < first + count) boxes.push_back(box);
                const Tensor plane = xt::view(t, i);
                ImGui::PushID(i);
                const ui::Hover h = captioned_grid(ui::format("%s[%d]", name, i), "s", plane, grid_style(plane), {}, boxes);
                ImGui::PopID();
                if (h.clicked && &t == &vy) at = {i, h.row, h.col};
            }
            ImGui::EndGroup();
            ImGui::PopID();
        };
        slices("vx", three_.volume, "x", at[0], k[0], {at[1], at[2], at[1] + k[1], at[2] + k[2], kit::palette::window});
        slices("vw", three_.volume_kernel, "w", 0, 0, {});
        slices("vy", vy, "out", at[0], 1, {at[1], at[2], at[1] + 1, at[2] + 1, kit::palette::current});
        ImGui::TextWrapped("%s", volume_sum(three_.volume, three_.volume_kernel, vy, at[0], at[1], at[2]).text.c_str());
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
        int mine = -1;        // your image (kit/image_input.hpp): 0 grayscale, 1..3 R, G, B; -1 not used
        long mine_seen = 0;   // the last image seen, so a new one is shown at once
    } four_;

    void update_4d() {  // the dataset is loaded
        State4& s = state_.four;
        std::string key = std::to_string(s.source) + "|" + std::to_string(s.image) + "|" + std::to_string(s.filter) + "|" +
                          std::to_string(s.angle) + "|" + std::to_string(s.sigma) + "|" + std::to_string(s.same_padding) +
                          "|" + platform::floats_text(s.custom);
        const kit::UserImage* u = kit::user_image();
        if (four_.mine >= 0 && u) key += "|mine" + std::to_string(u->serial) + "|" + std::to_string(four_.mine);
        if (key == four_.key) return;
        four_.key = key;
        if (four_.mine >= 0 && u) {
            // Your image: its aspect kept, at most 64 pixels on the longer side (the picture's size).
            const Tensor& chw = u->image.chw;
            const double scale = 64.0 / double(std::max(chw.shape()[1], chw.shape()[2]));
            const int h = std::max(1, std::min(int(chw.shape()[1]), int(std::lround(double(chw.shape()[1]) * scale))));
            const int w = std::max(1, std::min(int(chw.shape()[2]), int(std::lround(double(chw.shape()[2]) * scale))));
            const Tensor fit = kit::fit_user_image(chw, four_.mine == 0 ? 1 : 3, h, w);
            four_.image = Tensor(xt::view(fit, four_.mine == 0 ? 0 : four_.mine - 1)) * 255.0f;
        } else if (s.source == 0) {
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
        State4 code_state = s;
        if (four_.mine >= 0 && u) code_state.source = 1;  // your image: the exported input.npy
        four_.code = pytorch_filter(code_state);
    }

    void draw_filters() {
        State4& s = state_.four;
        ImGui::TextWrapped(
            "The same operation with other kernels does very different things. Averaging kernels (box, Gaussian) smooth; "
            "kernels that subtract neighbours (the course's W1 = [1, -1] and W2 = [1; -1], Sobel) respond to edges and give "
            "signed outputs (blue negative, red positive); a kernel that looks like a pattern responds where the pattern "
            "appears. Click the output to write out the sum for one pixel.");
        const char* sources[8] = {"Fashion-MNIST test image", "picture: R channel", "picture: G channel", "picture: B channel",
                                  "your image: grayscale", "your image: R channel", "your image: G channel",
                                  "your image: B channel"};
        // Your own image: a choice of the list while the page is open, never in the link (the
        // link keeps the last built-in source).
        if (kit::image_input("mine4", four_.mine_seen)) four_.mine = 0;
        if (!kit::user_image()) four_.mine = -1;
        int shown = four_.mine >= 0 ? 4 + four_.mine : s.source;
        ImGui::SetNextItemWidth(220);
        if (ui::combo("image", &shown, sources, kit::user_image() ? 8 : 4)) {
            if (shown >= 4) four_.mine = shown - 4;
            else four_.mine = -1, s.source = shown;
        }
        platform::set_status("filter_input", four_.mine >= 0 ? sources[4 + four_.mine] : sources[s.source]);
        const bool dataset = s.source != 0 || four_.mine >= 0 || ui::dataset_ready();
        if (s.source == 0 && four_.mine < 0 && dataset) {
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
        ui::combo("filter", &s.filter, names, kFilterCount);
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
            ui::radio_button("3x3", &size, 3);
            ui::same_line_if_fits(ui::check_width("5x5"));
            ui::radio_button("5x5", &size, 5);
            if (size != s.custom_size) s.resize_custom(size);
            ImGui::SameLine();
            if (ui::small_button("identity")) s.resize_custom(s.custom_size);
            ImGui::SameLine();
            if (ui::small_button("zero")) s.custom.assign(s.custom.size(), 0.0f);
            ui::edit_grid("custom", s.custom.data(), s.custom_size, s.custom_size, 0.05f);
        }
        if (!dataset) return;
        update_4d();

        const FilterResult& r = four_.result;
        const bool magnitude = four_.kernels.size() == 2;  // Sobel x and y
        const float zoom = dim(four_.image, 1) <= 28 ? 9.0f : 5.0f;
        std::vector<ui::Highlight> window;
        if (r.ok()) {
            s.probe_row = std::clamp(s.probe_row, 0, dim(r.out, 0) - 1);
            s.probe_col = std::clamp(s.probe_col, 0, dim(r.out, 1) - 1);
            const Conv2dParams p = filter_params(s, four_.kernels[0]);
            const int r0 = s.probe_row - p.padding[0], c0 = s.probe_col - p.padding[1];
            window.push_back({std::max(r0, 0), std::max(c0, 0), std::min(r0 + dim(four_.kernels[0], 0), dim(four_.image, 0)),
                              std::min(c0 + dim(four_.kernels[0], 1), dim(four_.image, 1)), kit::palette::window});
        }

        captioned_heatmap("input " + shape_str(four_.image.shape()) + ", levels 0..255", "in4", four_.image,
                          heatmap_style(ui::Colormap::gray, zoom, true), window);
        ImGui::SameLine(0, 20);
        ImGui::BeginGroup();
        for (std::size_t i = 0; i < four_.kernels.size(); ++i) {
            const Tensor& k = four_.kernels[i];
            const bool whole = std::all_of(k.begin(), k.end(), [](float v) { return v == std::round(v); });
            ImGui::PushID(int(i));
            captioned_grid(magnitude ? (i ? "Sobel y" : "Sobel x") : "kernel " + shape_str(k.shape()), "k", k,
                           grid_style(k, whole ? "%.0f" : "%.3f", true));
            ImGui::PopID();
        }
        ImGui::EndGroup();
        ImGui::SameLine(0, 20);
        if (!r.ok()) {
            ui::error_panel("No output", r.error);
        } else {
            const bool is_signed = !magnitude && has_negative(four_.kernels[0]);
            const ui::Hover h = captioned_heatmap(
                "output " + shape_str(r.out.shape()) + (magnitude ? ", sqrt(gx^2 + gy^2)" : is_signed ? ", signed" : ""), "out4",
                r.out, heatmap_style(is_signed ? ui::Colormap::diverging : ui::Colormap::gray, zoom, false, "%.1f"),
                {{s.probe_row, s.probe_col, s.probe_row + 1, s.probe_col + 1, kit::palette::current}});
            if (h.clicked) s.probe_row = h.row, s.probe_col = h.col;

            // The probed pixel's sum, per kernel, and the magnitude of the two.
            const int pr = s.probe_row, pc = s.probe_col;
            std::string text;
            const char* part_names[2] = {"gx", "gy"};
            for (std::size_t i = 0; i < four_.kernels.size(); ++i)
                text += window_step(four_.image, four_.kernels[i], filter_params(s, four_.kernels[i]), r.parts[i], pr, pc, false,
                                    magnitude ? part_names[i] : "y").text + "\n";
            if (magnitude)
                text += ui::format("y[%d,%d] = sqrt(gx^2 + gy^2) = sqrt(%s^2 + %s^2) = %s", pr, pc,
                                   term(r.parts[0](pr, pc)).c_str(), term(r.parts[1](pr, pc)).c_str(),
                                   ui::fmt_num(r.out(pr, pc)).c_str());
            else
                text.pop_back();
            ImGui::TextWrapped("%s", text.c_str());
        }
        ui::pytorch_panel("torch4", four_.code);
        std::vector<ui::NpyExport> files = {{"input.npy", &four_.image}, {"kernel.npy", &four_.kernels[0]}};
        if (r.ok()) files.push_back({"output.npy", &r.out});
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
        ui::code_block("params", ui::format("convolution, n = %d filters of 5x5:  25n = %s weights  (output %s)\n"
                                            "fully connected, 28*28 -> 24*24 per map:  (28*28*24*24)n = %sn = %s weights\n"
                                            "ratio: %s / %s = %s times more",
                                            s.filters_n, with_commas(c.conv).c_str(), shape_str(c.conv_output).c_str(),
                                            with_commas(one.dense).c_str(), with_commas(c.dense).c_str(),
                                            with_commas(c.dense).c_str(), with_commas(c.conv).c_str(),
                                            with_commas(c.dense / c.conv).c_str()));
        ui::help_marker("Counts from the core's Conv2d(1, n, 5, bias=False) and Linear(784, 576n, bias=False) layers; "
                        "biases add n and 576n. The course slide says \"over 200,000x more\"; its own numbers give "
                        "451,584 / 25 = 18,063x.");
    }

};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void ConvolutionLesson::draw() {
    ImGui::TextWrapped(
        "A convolution slides a small kernel of weights over its input and writes one weighted sum for every position. "
        "Convolutional networks stack many of them and learn the kernels. Step through each section window by window: "
        "every number is computed by aelab's conv ops, which follow torch.nn.functional exactly.");
    kit::Sections& sections = state_.sections;
    if (sections.header(0, "1. 1D: a kernel sliding along a signal")) draw_1d();
    if (sections.header(1, "2. 2D: stride, padding and dilation")) draw_2d();
    if (sections.header(2, "3. Colour images: channels, several filters, 3D")) draw_3d();
    if (sections.header(3, "4. Filters on real images")) draw_filters();
    url_.write();
}

}  // namespace

std::unique_ptr<Lesson> make_convolution_lesson() { return std::make_unique<ConvolutionLesson>(); }

}  // namespace aelab::lessons
