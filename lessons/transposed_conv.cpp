// Lesson "Transposed convolution" (id: transposed-conv)
// What it teaches: a transposed convolution ("deconvolution", learnable upsampling) scatters one
// weighted copy of the kernel per input value and sums the copies where they overlap; the stride
// is how far the copy moves in the output per step in the input. The same result comes from
// inserting zeros and running an ordinary convolution with the flipped kernel, and from the
// transpose of the convolution's matrix. Uneven overlap makes checkerboard artifacts.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_transposed_conv.cpp)
//   [SECTION] Page state in the URL (one kit::UrlState)
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 1. Scatter view
//   [SECTION] 2. Zero insertion + ordinary convolution
//   [SECTION] 3. Matrix view
//   [SECTION] 4. Checkerboard artifacts
//   [SECTION] The lesson
#include "transposed_conv.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xpad.hpp>
#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/pool.hpp"
#include "aelab/rng.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/sections.hpp"
#include "kit/theme.hpp"
#include "kit/a11y.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"

namespace aelab::lessons {
namespace transposed_conv {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------
namespace {
std::string cell(int i, int j) { return "[" + std::to_string(i) + "," + std::to_string(j) + "]"; }  // "[i,j]"
}  // namespace

ConvTranspose2dParams torch_params(const Geometry& g) { return {{g.S, g.S}, {g.P, g.P}, {g.OP, g.OP}, {g.D, g.D}}; }

int out_rows(const Geometry& g) { return (int)conv_transpose_output_size(g.H, g.K, g.S, g.P, g.OP, g.D); }
int out_cols(const Geometry& g) { return (int)conv_transpose_output_size(g.W, g.K, g.S, g.P, g.OP, g.D); }
int full_rows(const Geometry& g) { return (g.H - 1) * g.S + g.D * (g.K - 1) + 1; }
int full_cols(const Geometry& g) { return (g.W - 1) * g.S + g.D * (g.K - 1) + 1; }

std::string invalid_reason(const Geometry& g) {
    try {
        transposed(zeros({1, 1, std::size_t(std::max(g.H, 1)), std::size_t(std::max(g.W, 1))}),
                   zeros({1, 1, std::size_t(std::max(g.K, 1)), std::size_t(std::max(g.K, 1))}), g);
        if (g.H < 1 || g.W < 1 || g.K < 1) return "input and kernel sizes must be >= 1";
        return "";
    } catch (const Error& e) {
        return e.what();
    }
}

std::string invalid_explanation(const Geometry& g) {
    if (invalid_reason(g).empty()) return "";
    if (g.OP >= std::max(g.S, g.D))
        return "output_padding may only be 0 .. max(stride, dilation) - 1. It exists because a convolution with "
               "stride S maps S different input sizes to the same output size; output_padding picks one of them "
               "by adding rows/columns at the bottom/right. It cannot add more than that.";
    return "The padding crops 2P = " + std::to_string(2 * g.P) + " rows/columns from a full result of " +
           std::to_string(full_rows(g)) + " x " + std::to_string(full_cols(g)) +
           ", which leaves nothing. Lower the padding or enlarge the input, kernel or stride.";
}

std::string output_size_formula(const Geometry& g, bool rows) {
    const int in = rows ? g.H : g.W;
    return ui::format("%s = (%s - 1)*S - 2P + D(K - 1) + OP + 1 = (%d - 1)*%d - 2*%d + %d*(%d - 1) + %d + 1 = %d",
                      rows ? "H_out" : "W_out", rows ? "H" : "W", in, g.S, g.P, g.D, g.K, g.OP,
                      int(conv_transpose_output_size(in, g.K, g.S, g.P, g.OP, g.D)));
}

const std::vector<Preset>& presets() {
    static const std::vector<float> x2 = {1, 2, 3, 4};
    static const std::vector<float> w3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const std::vector<Preset> p = {
        {"Course: 2x2 -> 4x4 (3x3, stride 2, padding 1, output_padding 1)",
         "The course's example. Each input value scales a copy of the 3x3 kernel; the copies sit 2 cells apart "
         "(the stride) and overlap in one row and one column. Padding 1 cuts one row/column off each side of the "
         "5x5 full result; output_padding 1 gives the bottom/right one back, so the output is exactly 2x the input.",
         {2, 2, 3, 2, 1, 1, 1}, x2, w3},
        {"Stride 1: 2x2 -> 4x4 (3x3, stride 1)",
         "Stride 1: one step in the input moves the copy one cell in the output, so the copies overlap heavily. "
         "No padding: nothing is cropped.",
         {2, 2, 3, 1, 0, 0, 1}, x2, w3},
        {"Stride 2, no padding: 2x2 -> 5x5 (the full result)",
         "The uncropped result: the copies move 2 cells per input step and share one row and one column.",
         {2, 2, 3, 2, 0, 0, 1}, x2, w3},
        {"Stride 2, padding 1, no output_padding: 2x2 -> 3x3",
         "Without output_padding PyTorch returns 3x3, not 4x4: padding crops from both sides. A stride-2 "
         "convolution maps both 3x3 and 4x4 to 2x2, so the transposed one needs output_padding to know which.",
         {2, 2, 3, 2, 1, 0, 1}, x2, w3},
        {"Kernel 4, stride 2, padding 1: 3x3 -> 6x6 (even overlap)",
         "The usual upsampling layer of DCGAN-style decoders. K = 4 is a multiple of S = 2, so inside the output "
         "every cell is covered by exactly 2 x 2 = 4 copies (see the overlap map).",
         {3, 3, 4, 2, 1, 0, 1}, {1, 0, 2, 0, 3, 0, 1, 0, 1}, std::vector<float>(16, 1.0f)},
        {"Stride 1, padding 1: 3x3 -> 3x3 (same size)",
         "With stride 1 a transposed convolution is an ordinary convolution with the flipped kernel; padding "
         "(K - 1)/2 keeps the size.",
         {3, 3, 3, 1, 1, 0, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, w3},
        {"Stride 3, kernel 2: gaps between the copies",
         "The kernel is smaller than the stride: the copies never touch and rows/columns of zeros stay between them.",
         {2, 2, 2, 3, 0, 0, 1}, x2, {1, 2, 3, 4}},
        {"Dilation 2: 2x2 -> 6x6 (3x3, stride 1)",
         "Dilation spreads the kernel's taps D cells apart, so each copy covers D(K - 1) + 1 = 5 cells per side.",
         {2, 2, 3, 1, 0, 0, 2}, x2, w3},
    };
    return p;
}

std::vector<float> resized(const std::vector<float>& old, int old_rows, int old_cols, int rows, int cols, bool kernel) {
    // Values still counting 1, 2, 3, ... keep counting at the new size; edited values are kept.
    bool counting = true;
    for (std::size_t k = 0; k < old.size(); ++k) counting &= old[k] == float(k + 1);
    std::vector<float> v(std::size_t(rows) * cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const float fresh = counting ? float(r * cols + c + 1) : kernel ? 1.0f : 0.0f;
            const bool kept = !counting && r < old_rows && c < old_cols && std::size_t(r * old_cols + c) < old.size();
            v[std::size_t(r) * cols + c] = kept ? old[std::size_t(r) * old_cols + c] : fresh;
        }
    return v;
}

Tensor plane(const std::vector<float>& values, int rows, int cols) { return from_values({1, 1, std::size_t(rows), std::size_t(cols)}, values); }

Tensor transposed(const Tensor& x, const Tensor& w, const Geometry& g) { return conv_transpose2d(x, w, nullptr, torch_params(g)); }

// --- 1. Scatter view ------------------------------------------------------------------------------

Canvas canvas_size(const Geometry& g) {
    const int extra = std::max(0, g.OP - g.P);  // output padding reaching past the full result
    return {full_rows(g) + extra, full_cols(g) + extra};
}

namespace {
Geometry uncropped(Geometry g) {
    g.P = g.OP = 0;
    return g;
}
// A (rows, cols) canvas holding the (1, 1, full_rows, full_cols) full result at its top-left.
Tensor on_canvas(const Tensor& full, const Geometry& g) {
    const std::size_t extra = std::size_t(canvas_size(g).rows - full_rows(g));  // zeros at the bottom/right
    const Tensor plane = xt::view(full, 0, 0);
    return xt::pad(plane, {{0, extra}, {0, extra}});
}
std::string slice(int start, int span, int step) {
    std::string s = std::to_string(start) + ":" + std::to_string(start + span);
    if (step > 1) s += ":" + std::to_string(step);
    return s;
}
}  // namespace

Tensor full_on_canvas(const Tensor& x, const Tensor& w, const Geometry& g) {
    return on_canvas(transposed(x, w, uncropped(g)), g);
}

Tensor crop_to_output(const Tensor& canvas, const Geometry& g) {
    return xt::view(canvas, xt::range(g.P, g.P + out_rows(g)), xt::range(g.P, g.P + out_cols(g)));
}

std::vector<ScatterStep> scatter_steps(const Tensor& x, const Tensor& w, const Geometry& g) {
    std::vector<ScatterStep> steps;
    if (!invalid_reason(g).empty()) return steps;
    const int span = g.D * (g.K - 1) + 1, Ho = out_rows(g), Wo = out_cols(g);
    Tensor masked = Tensor(x.shape(), 0.0f);  // x[0..k] so far
    for (int i = 0; i < g.H; ++i)
        for (int j = 0; j < g.W; ++j) {
            ScatterStep s;
            s.i = i, s.j = j;
            s.value = x(0, 0, i, j);
            s.row0 = i * g.S, s.col0 = j * g.S;
            s.span = span;
            Tensor one = Tensor(x.shape(), 0.0f);
            one(0, 0, i, j) = s.value;
            masked(0, 0, i, j) = s.value;
            s.copy = full_on_canvas(one, w, g);
            s.running = full_on_canvas(masked, w, g);
            int in_rows = 0, in_cols = 0;  // taps inside [P, P + H_out)
            for (int a = 0; a < g.K; ++a) {
                const int r = s.row0 + a * g.D, c = s.col0 + a * g.D;
                in_rows += r >= g.P && r < g.P + Ho;
                in_cols += c >= g.P && c < g.P + Wo;
            }
            s.landed = in_rows * in_cols;
            const std::string v = ui::fmt_num(s.value);
            s.text = "x" + cell(i, j) + " = " + v + " adds " + v + " * w to y_full[" +
                     slice(s.row0, span, g.D) + ", " + slice(s.col0, span, g.D) + "]\n";
            const std::string window = "y = y_full[" + slice(g.P, Ho, 1) + ", " + slice(g.P, Wo, 1) + "]";
            const std::string taps = std::to_string(g.K * g.K);
            s.text += s.landed == g.K * g.K
                          ? "All " + taps + " of its values land in the output " + window + "."
                          : std::to_string(s.landed) + " of its " + taps + " values land in the output " + window +
                                "; the padding crops the rest.";
            steps.push_back(std::move(s));
        }
    return steps;
}

Tensor overlap_count(const Geometry& g) {
    return full_on_canvas(xt::ones<float>({1, 1, g.H, g.W}), xt::ones<float>({1, 1, g.K, g.K}), g);
}

std::vector<Term> gather_terms(const Tensor& x, const Tensor& w, const Geometry& g, int r, int c) {
    std::vector<Term> terms;
    const int R = r + g.P, C = c + g.P;  // on the canvas
    for (int i = 0; i < g.H; ++i)  // in the order of the input elements
        for (int j = 0; j < g.W; ++j)
            for (int a = 0; a < g.K; ++a)
                for (int b = 0; b < g.K; ++b)
                    if (i * g.S + a * g.D == R && j * g.S + b * g.D == C)
                        terms.push_back({i, j, a, b, x(0, 0, i, j), w(0, 0, a, b)});
    return terms;
}

std::string gather_text(const std::vector<Term>& terms, int r, int c, float value) {
    const std::string head = "y" + cell(r, c) + " = ";
    if (terms.empty()) return head + ui::fmt_num(value) + "  (no copy of the kernel reaches this cell)";
    std::string names, products;
    for (std::size_t t = 0; t < terms.size(); ++t) {
        const Term& e = terms[t];
        const char* sep = t ? " + " : "";
        names += sep + ("x" + cell(e.i, e.j) + "*w" + cell(e.a, e.b));
        products += sep + ui::fmt_num(e.x) + "*" + ui::fmt_num(e.w);
    }
    return head + names + "\n       = " + products + " = " + ui::fmt_num(value);
}

// --- 2. Zero insertion ------------------------------------------------------------------------------

ZeroInsertion by_zero_insertion(const Tensor& x, const Tensor& w, const ConvTranspose2dParams& p) {
    check_rank("by_zero_insertion", "x", x, 4, "N, C_in, H, W");
    check_rank("by_zero_insertion", "w", w, 4, "C_in, C_out, kH, kW");
    const std::size_t N = x.shape()[0], C_in = x.shape()[1];
    const int H = int(x.shape()[2]), W = int(x.shape()[3]);
    const int kH = int(w.shape()[2]), kW = int(w.shape()[3]);
    ZeroInsertion z;
    // S - 1 zeros between neighbours: the core's bed-of-nails upsampling without its last S - 1
    // rows/columns.
    const int Hz = (H - 1) * p.stride[0] + 1, Wz = (W - 1) * p.stride[1] + 1;
    Tensor nails = upsample_bed_of_nails2d(x, p.stride[0], p.stride[1]);
    z.dilated = xt::view(nails, xt::all(), xt::all(), xt::range(0, Hz), xt::range(0, Wz));
    z.pad_top = p.dilation[0] * (kH - 1) - p.padding[0];
    z.pad_left = p.dilation[1] * (kW - 1) - p.padding[1];
    const int Hp = Hz + 2 * z.pad_top + p.output_padding[0], Wp = Wz + 2 * z.pad_left + p.output_padding[1];
    if (Hp < 1 || Wp < 1) throw Error("by_zero_insertion: the padded input would be empty");
    z.padded = zeros({N, C_in, std::size_t(Hp), std::size_t(Wp)});
    // The rows [r0, r1) and columns [c0, c1) of `padded` that hold the dilated input.
    const int r0 = std::max(0, z.pad_top), r1 = std::min(Hp, z.pad_top + Hz);
    const int c0 = std::max(0, z.pad_left), c1 = std::min(Wp, z.pad_left + Wz);
    if (r0 < r1 && c0 < c1)
        xt::view(z.padded, xt::all(), xt::all(), xt::range(r0, r1), xt::range(c0, c1)) =
            xt::view(z.dilated, xt::all(), xt::all(), xt::range(r0 - z.pad_top, r1 - z.pad_top),
                     xt::range(c0 - z.pad_left, c1 - z.pad_left));
    z.flipped = xt::transpose(xt::flip(xt::flip(w, 2), 3), {1, 0, 2, 3});  // (C_out, C_in, kH, kW)
    z.y = conv2d(z.padded, z.flipped, nullptr, {{1, 1}, {0, 0}, p.dilation});
    return z;
}

std::vector<Product> window_products(const ZeroInsertion& z, int dilation, int r, int c) {
    std::vector<Product> v;
    const int K = int(z.flipped.shape()[2]);
    for (int a = 0; a < K; ++a)
        for (int b = 0; b < K; ++b) {
            const int pr = r + a * dilation, pc = c + b * dilation;
            v.push_back({pr, pc, a, b, z.padded(0, 0, pr, pc), z.flipped(0, 0, a, b)});
        }
    return v;
}

std::string window_text(const std::vector<Product>& products, int r, int c, float value) {
    std::string s = "y" + cell(r, c) + " = ";
    int nonzero = 0;
    // Kernels larger than 3x3: one line per kernel row, so the sum stays readable.
    const std::size_t K = std::size_t(std::lround(std::sqrt(double(products.size()))));
    const std::string indent(s.size() - 2, ' ');
    for (std::size_t t = 0; t < products.size(); ++t) {
        if (t) s += K > 3 && t % K == 0 ? "\n" + indent + "+ " : " + ";
        s += ui::fmt_num(products[t].v) + "*" + ui::fmt_num(products[t].k);
        nonzero += products[t].v != 0.0f;
    }
    s += " = " + ui::fmt_num(value);
    s += "\n(" + std::to_string(products.size() - nonzero) + " of the " + std::to_string(products.size()) +
         " products multiply an inserted or padded zero)";
    return s;
}

// --- 3. Matrix view ---------------------------------------------------------------------------------

Tensor conv_matrix(const Tensor& w, const Geometry& g) {
    const std::string why = invalid_reason(g);
    if (!why.empty()) throw Error(why);
    const int Ho = out_rows(g), Wo = out_cols(g), n = Ho * Wo;
    Tensor basis = xt::eye<float>(std::size_t(n));
    basis.reshape({std::size_t(n), 1, std::size_t(Ho), std::size_t(Wo)});  // (n, 1, H_out, W_out): unit images
    Tensor images = conv2d(basis, w, nullptr, {{g.S, g.S}, {g.P, g.P}, {g.D, g.D}});  // (n, 1, h, w): column k of C, as an image
    if (int(images.shape()[2]) != g.H || int(images.shape()[3]) != g.W)
        throw Error("The convolution with stride " + std::to_string(g.S) + " maps a " + std::to_string(Ho) + " x " +
                    std::to_string(Wo) + " image to " + shape_str(xt::view(images, 0, 0).shape()) + ", not to the " +
                    std::to_string(g.H) + " x " + std::to_string(g.W) +
                    " input: with output_padding >= stride the transposed convolution is not the transpose of a "
                    "convolution of the same stride. Lower output_padding.");
    images.reshape({std::size_t(n), std::size_t(g.H * g.W)});
    return xt::transpose(images);  // (H*W, H_out*W_out)
}

Tensor apply_transpose(const Tensor& C, const Tensor& x, const Geometry& g) {
    Tensor y = xt::sum(xt::transpose(C) * xt::flatten(x), {1});  // (H_out*W_out)
    y.reshape({1, 1, std::size_t(out_rows(g)), std::size_t(out_cols(g))});
    return y;
}

Tensor apply_matrix(const Tensor& C, const Tensor& z, const Geometry& g) {
    Tensor x = xt::sum(C * xt::flatten(z), {1});  // (H*W)
    x.reshape({1, 1, std::size_t(g.H), std::size_t(g.W)});
    return x;
}

float dot(const Tensor& a, const Tensor& b) {
    if (a.size() != b.size()) throw Error("dot: sizes differ: " + shape_str(a.shape()) + " and " + shape_str(b.shape()));
    return static_cast<float>(xt::sum(xt::cast<double>(xt::flatten(a)) * xt::flatten(b))());
}

// --- 4. Checkerboard artifacts -------------------------------------------------------------------------

namespace {
// What the page says about each upsampler, in the enum's order: its name, the uniform weight that
// keeps the brightness and the PyTorch call.
struct UpsamplerText {
    const char* name;
    float weight;
    const char* call;
};
const UpsamplerText& facts(Upsampler u) {
    static const UpsamplerText table[kUpsamplerCount] = {
        {"transposed conv, kernel 3, stride 2", 4.0f / 9.0f,
         "F.conv_transpose2d(img, torch.full((1, 1, 3, 3), 4 / 9), stride=2, padding=1, output_padding=1)"},
        {"transposed conv, kernel 4, stride 2", 4.0f / 16.0f,
         "F.conv_transpose2d(img, torch.full((1, 1, 4, 4), 1 / 4), stride=2, padding=1)"},
        {"nearest resize x2, then 3x3 conv", 1.0f / 9.0f,
         "F.conv2d(F.interpolate(img, scale_factor=2, mode=\"nearest\"), torch.full((1, 1, 3, 3), 1 / 9), padding=1)"},
    };
    return table[static_cast<int>(u)];
}

Tensor upsample_with(const Tensor& img, Upsampler u, float weight) {
    switch (u) {
        case Upsampler::k3s2:
            return conv_transpose2d(img, zeros({1, 1, 3, 3}) + weight, nullptr, torch_params({0, 0, 3, 2, 1, 1, 1}));
        case Upsampler::k4s2:
            return conv_transpose2d(img, zeros({1, 1, 4, 4}) + weight, nullptr, torch_params({0, 0, 4, 2, 1, 0, 1}));
        case Upsampler::resize_conv:
            return conv2d(upsample_nearest2d(img, 2, 2), zeros({1, 1, 3, 3}) + weight, nullptr, {{1, 1}, {1, 1}});
    }
    return {};
}
}  // namespace

const char* upsampler_name(Upsampler u) { return facts(u).name; }
float uniform_weight(Upsampler u) { return facts(u).weight; }
std::string upsampler_call(Upsampler u) { return facts(u).call; }

Tensor upsample_x2(const Tensor& img, Upsampler u) { return upsample_with(img, u, uniform_weight(u)); }

Tensor overlap_x2(int H, int W, Upsampler u) { return upsample_with(xt::ones<float>({1, 1, H, W}), u, 1.0f); }

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

State preset_state(int preset) {
    const Preset& p = presets()[std::size_t(std::clamp(preset, 0, int(presets().size()) - 1))];
    return {preset, p.g, p.x, p.w};
}

kit::UrlState url_keys(State& s) {
    kit::UrlState url;
    url.custom("preset", [&s](const std::string& text) {  // -1: custom, on the course preset's values
        const bool ok = kit::UrlState::parse_int(text, -1, int(presets().size()) - 1, s.preset);
        if (ok) s.g = presets()[std::size_t(std::max(s.preset, 0))].g;
        return ok;
    }, [&s] { return std::to_string(s.preset); });
    url.add("h", s.g.H, 1, kMaxInput).add("w", s.g.W, 1, kMaxInput).add("k", s.g.K, kMinKernel, kMaxKernel);
    url.add("s", s.g.S, 1, kMaxStride).add("p", s.g.P, 0, kMaxPadding).add("op", s.g.OP, 0, kMaxOutputPadding);
    url.add("d", s.g.D, 1, kMaxDilation);
    url.add("x", s.x, [&s] { return std::size_t(s.g.H * s.g.W); }).add("kw", s.w, [&s] { return std::size_t(s.g.K * s.g.K); });
    url.add("step", s.step, 0, kMaxInput * kMaxInput - 1).add("ostep", s.out_step, 0, 10000);
    url.add("row", s.row, 0, kMaxInput * kMaxInput - 1).add("src", s.source, 0, 1).add("img", s.image, 0, 1000000);
    return url.add("open", s.open, 0, 15);
}

State state_from_params() {
    State s;  // the course preset's geometry; x and w stay empty unless the link gives them
    url_keys(s).read();
    const State p = preset_state(s.preset);
    if (s.x.empty()) s.x = resized(p.x, p.g.H, p.g.W, s.g.H, s.g.W, false);
    if (s.w.empty()) s.w = resized(p.w, p.g.K, p.g.K, s.g.K, s.g.K, true);
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_code(const Tensor& x, const Tensor& w, const Geometry& g) {
    std::ostringstream o;
    o << "import torch\nimport torch.nn.functional as F\n\n"
      << "x = " << kit::torch_tensor(x) << "  # (N, C_in, H, W) = " << shape_str(x.shape()) << "\n"
      << "w = " << kit::torch_tensor(w) << "  # (C_in, C_out, K, K) = " << shape_str(w.shape()) << "\n"
      << "S, P, OP, D, K = " << g.S << ", " << g.P << ", " << g.OP << ", " << g.D << ", " << g.K << "\n"
      << "y = F.conv_transpose2d(x, w, stride=S, padding=P, output_padding=OP, dilation=D)\n";
    if (invalid_reason(g).empty())
        o << "print(y.shape)  # torch.Size([1, 1, " << out_rows(g) << ", " << out_cols(g) << "])\n";
    else
        o << "# PyTorch rejects these settings too (see the message on the page).\n";
    o << "print(y)\n\n"
      << "# The same by zero insertion + an ordinary convolution with the flipped kernel:\n"
      << "z = torch.zeros(1, 1, (x.shape[2] - 1) * S + 1, (x.shape[3] - 1) * S + 1)\n"
      << "z[:, :, ::S, ::S] = x                      # S - 1 zeros between the values\n"
      << "q = D * (K - 1) - P                        # negative: F.pad crops\n"
      << "z = F.pad(z, (q, q + OP, q, q + OP))\n"
      << "y2 = F.conv2d(z, w.flip(2, 3).transpose(0, 1), dilation=D)\n"
      << "print((y - y2).abs().max())  # tensor(0.)\n";
    return o.str();
}

std::string pytorch_matrix_code(const Geometry& g) {
    std::ostringstream o;
    o << "# x, w, y, S, P, D as in the first section\n"
      << "Ho, Wo = y.shape[2], y.shape[3]                     # " << out_rows(g) << ", " << out_cols(g) << "\n"
      << "E = torch.eye(Ho * Wo).reshape(Ho * Wo, 1, Ho, Wo)   # unit basis images\n"
      << "C = F.conv2d(E, w, stride=S, padding=P, dilation=D).reshape(Ho * Wo, -1).T  # (H*W, Ho*Wo)\n"
      << "print(C)\n"
      << "print((C.T @ x.flatten()).reshape(Ho, Wo) - y[0, 0])  # zeros: y = C^T x\n"
      << "z = torch.randn(Ho * Wo)\n"
      << "print(torch.dot(C @ z, x.flatten()), torch.dot(z, C.T @ x.flatten()))  # equal\n";
    return o.str();
}

std::string pytorch_checkerboard_code() {
    std::ostringstream o;
    o << "import torch\nimport torch.nn.functional as F\n\n"
      << "img = torch.ones(1, 1, 8, 8)  # or a Fashion-MNIST image as (1, 1, 28, 28) in [0, 1]\n";
    const char* names[] = {"a", "b", "c"};
    for (int u = 0; u < kUpsamplerCount; ++u)
        o << names[u] << " = " << upsampler_call(Upsampler(u)) << "\n";
    o << "print(a[0, 0, 4:8, 4:8])  # 4/9, 8/9, 16/9: the checkerboard\n"
      << "print(b[0, 0, 4:8, 4:8])  # all 1\n"
      << "print(c[0, 0, 4:8, 4:8])  # all 1\n";
    return o.str();
}

}  // namespace transposed_conv

namespace {
using namespace transposed_conv;

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------

namespace palette = kit::palette;

// A plane (the last two axes of t: (H, W) or (1, 1, H, W)): numbers when small, a heatmap when large
// (the same marks, as outlines).
ui::Hover show_plane(const char* id, const Tensor& t, const std::vector<ui::CellMark>& marks = {},
                     const std::vector<ui::Highlight>& highlights = {}, bool diverging = true) {
    const int rows = dim(t, int(t.dimension()) - 2), cols = dim(t, int(t.dimension()) - 1);
    if (rows <= 12 && cols <= 12) {
        ui::GridStyle gs;
        gs.format = "%g";
        gs.cmap = diverging ? ui::Colormap::diverging : ui::Colormap::gray;
        gs.min_cell_width = 24.0f;
        return ui::number_grid(id, t.data(), rows, cols, gs, marks, highlights);
    }
    ui::HeatmapStyle hs;
    hs.cmap = diverging ? ui::Colormap::diverging : ui::Colormap::gray;
    hs.auto_range = true;
    hs.zoom = std::clamp(240.0f / float(std::max(rows, cols)), 6.0f, 16.0f);
    std::vector<ui::Highlight> all = highlights;
    for (const auto& m : marks) all.push_back({m.row, m.col, m.row + 1, m.col + 1, m.color});
    return ui::heatmap(id, t.data(), rows, cols, hs, all);
}

void titled(const std::string& title, const char* tip = nullptr) {
    ImGui::TextUnformatted(title.c_str());
    if (tip) ui::help_marker(tip);
}

// A titled plane as one group, so views can sit side by side.
ui::Hover titled_plane(const std::string& title, const char* tip, const char* id, const Tensor& t,
                       const std::vector<ui::CellMark>& marks = {}, const std::vector<ui::Highlight>& highlights = {},
                       bool diverging = true) {
    ImGui::BeginGroup();
    titled(title, tip);
    const ui::Hover h = show_plane(id, t, marks, highlights, diverging);
    ImGui::EndGroup();
    return h;
}

float max_abs_diff(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() ? xt::amax(xt::abs(a - b))() : INFINITY;
}

void equal_line(const char* what, float diff) {
    if (diff == 0.0f)
        ImGui::TextColored(palette::text(palette::text_good), "%s: max |difference| = 0, the same numbers.", what);
    else
        ImGui::TextColored(palette::text(palette::text_warning), "%s: max |difference| = %g (float rounding).", what, diff);
}

float matrix_cell_height(bool numbers) { return ImGui::GetTextLineHeight() + (numbers ? 6.0f : 1.0f); }

// The matrix C with labelled rows (x[i,j]) and columns (flat index k of y); zeros dimmed.
// Returns the row clicked, or -1.
int draw_matrix(const Tensor& C, const Geometry& g, int selected_row) {
    const int rows = g.H * g.W, Wo = out_cols(g), cols = int(C.shape()[1]);
    const bool numbers = cols <= kMatrixNumberCols;
    const float cw = numbers ? std::max(ImGui::CalcTextSize("-00").x + 6.0f, 22.0f) : 9.0f;
    const float ch = matrix_cell_height(numbers);
    const float label_w = ImGui::CalcTextSize("x[0,0]  ").x, head_h = ImGui::GetTextLineHeight() + 4.0f;
    const float amax = xt::amax(xt::abs(C))(), vmax = amax > 0.0f ? amax : 1.0f;
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("matrix", ImVec2(label_w + cols * cw, head_h + rows * ch));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImU32 zero_bg = ImGui::GetColorU32(ImGuiCol_FrameBg), cell_line = ImGui::GetColorU32(ImGuiCol_Border);
    for (int k = 0; k < cols; ++k) {
        if (!numbers && k % Wo) continue;  // one label per output row when cells are tiny
        const std::string s = std::to_string(k);
        dl->AddText(ImVec2(o.x + label_w + k * cw + (numbers ? (cw - ImGui::CalcTextSize(s.c_str()).x) * 0.5f : 0), o.y),
                    faint, s.c_str());
    }
    for (int m = 0; m < rows; ++m) {
        const std::string label = "x" + cell(m / g.W, m % g.W);
        const float y0 = o.y + head_h + m * ch;
        dl->AddText(ImVec2(o.x, y0 + (ch - ImGui::GetTextLineHeight()) * 0.5f), m == selected_row ? palette::current : text,
                    label.c_str());
        for (int k = 0; k < cols; ++k) {
            const float v = C(m, k);
            const ImVec2 a(o.x + label_w + k * cw, y0), b(a.x + cw, a.y + ch);
            if (b.x < dl->GetClipRectMin().x || a.x > dl->GetClipRectMax().x) continue;  // scrolled out of view
            if (v == 0.0f) {
                dl->AddRectFilled(a, b, zero_bg);
            } else {
                const ImU32 bg = ui::colormap(ui::Colormap::diverging, v, -vmax, vmax);
                dl->AddRectFilled(a, b, bg);
                if (numbers) {
                    const std::string s = ui::fmt_num(v);
                    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
                    dl->AddText(ImVec2(a.x + (cw - ts.x) * 0.5f, a.y + (ch - ts.y) * 0.5f), kit::text_on(bg), s.c_str());
                }
            }
            dl->AddRect(a, b, cell_line);
        }
    }
    if (selected_row >= 0 && selected_row < rows) {
        const float y0 = o.y + head_h + selected_row * ch;
        dl->AddRect(ImVec2(o.x + label_w - 1, y0 - 1), ImVec2(o.x + label_w + cols * cw + 1, y0 + ch + 1), palette::current, 0, 0, 2.5f);
    }
    int clicked = -1;
    if (ImGui::IsItemHovered()) {
        const ImVec2 mp = ImGui::GetIO().MousePos;
        const int k = int((mp.x - o.x - label_w) / cw), m = int((mp.y - o.y - head_h) / ch);
        if (k >= 0 && k < cols && m >= 0 && m < rows) {
            ImGui::SetTooltip("C[%d, %d] = %s\nrow %d: x[%d,%d] (input of the transposed conv, output of the conv)\n"
                              "column %d: y[%d,%d] (output of the transposed conv, input of the conv)",
                              m, k, ui::fmt_num(C(m, k)).c_str(), m, m / g.W, m % g.W, k, k / Wo, k % Wo); a11y::resume();
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) clicked = m;
        }
    }
    return clicked;
}

class TransposedConvLesson final : public Lesson {
public:
    TransposedConvLesson() { changed(); }
    void draw() override;

private:
    State st_ = state_from_params();
    kit::UrlState url_ = url_keys(st_);  // written back every frame
    kit::Sections sections_{st_.open};

    // Everything derived from (geometry, x, w), recomputed only when they change.
    Tensor x_, w_, y_;
    std::string error_;  // the core's message when the geometry is invalid
    std::vector<ScatterStep> steps_;
    Tensor overlap_;
    float scatter_diff_ = 0.0f;
    ZeroInsertion zi_;
    float zi_diff_ = 0.0f;
    Tensor C_, Ctx_;
    std::string matrix_error_;
    float matrix_diff_ = 0.0f, adj_left_ = 0.0f, adj_right_ = 0.0f;
    std::string torch_code_, torch_matrix_code_;

    void recompute() {
        const Geometry& g = st_.g;
        x_ = plane(st_.x, g.H, g.W);
        w_ = plane(st_.w, g.K, g.K);
        error_ = invalid_reason(g);
        torch_code_ = pytorch_code(x_, w_, g);
        torch_matrix_code_ = pytorch_matrix_code(g);
        steps_.clear();
        matrix_error_.clear();
        if (!error_.empty()) return;
        y_ = transposed(x_, w_, g);
        steps_ = scatter_steps(x_, w_, g);
        overlap_ = overlap_count(g);
        scatter_diff_ = max_abs_diff(crop_to_output(steps_.back().running, g), xt::view(y_, 0, 0));
        zi_ = by_zero_insertion(x_, w_, torch_params(g));
        zi_diff_ = max_abs_diff(zi_.y, y_);
        try {
            C_ = conv_matrix(w_, g);
            Ctx_ = apply_transpose(C_, x_, g);
            matrix_diff_ = max_abs_diff(Ctx_, y_);
            Rng rng(7);
            Tensor z = Tensor(y_.shape(), 0.0f);
            for (float& v : z) v = float(int(rng.below(7)) - 3);  // small integers: exact sums
            adj_left_ = dot(apply_matrix(C_, z, g), x_);
            adj_right_ = dot(z, Ctx_);
        } catch (const Error& e) {
            matrix_error_ = e.what();
        }
    }

    // After a change of geometry, x or w: recompute and clamp the steps to the new sizes.
    void changed() {
        recompute();
        scatter_.reset(int(std::max<std::size_t>(1, steps_.size())));
        gather_.reset(error_.empty() ? out_rows(st_.g) * out_cols(st_.g) : 1);
        row_.reset(st_.g.H * st_.g.W);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. Scatter view
    //-------------------------------------------------------------------------
    ui::Stepper scatter_{st_.step};
    bool editing_ = false;
    int sel_r_ = 0, sel_c_ = 0;  // the output cell whose sum is written out

    void draw_controls() {
        const auto& all = presets();
        ImGui::SetNextItemWidth(480);
        const char* current = st_.preset >= 0 ? all[std::size_t(st_.preset)].name : "custom (edited)";
        if (ui::begin_combo("preset", current)) {
            for (int i = 0; i < int(all.size()); ++i)
                if (ImGui::Selectable(all[std::size_t(i)].name, i == st_.preset)) {
                    st_ = preset_state(i);  // the open sections are kept: they live in sections_
                    scatter_.step = gather_.step = row_.step = 0;
                    changed();
                }
            ImGui::EndCombo(); a11y::resume();
        }
        if (st_.preset >= 0) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
            ImGui::TextWrapped("%s", all[std::size_t(st_.preset)].note);
            ImGui::PopStyleColor();
        }
        Geometry g = st_.g;
        auto slider = [](const char* label, int* v, int lo, int hi, const char* tip) {
            ImGui::SetNextItemWidth(90);
            bool c = ImGui::SliderInt(label, v, lo, hi);
            ui::help_marker(tip);
            ImGui::SameLine(0, 18);
            return c;
        };
        bool c = false;
        c |= slider("H", &g.H, 1, kMaxInput, "Input rows.");
        c |= slider("W", &g.W, 1, kMaxInput, "Input columns.");
        c |= slider("K", &g.K, kMinKernel, kMaxKernel, "Kernel size (K x K).");
        c |= slider("stride S", &g.S, 1, kMaxStride,
                    "How far the kernel copy moves in the output when you move one step in the input.");
        ImGui::NewLine();
        c |= slider("padding P", &g.P, 0, kMaxPadding,
                    "Crops P rows/columns from every side of the full result (the opposite of a convolution's "
                    "padding, which adds them).");
        c |= slider("output_padding OP", &g.OP, 0, kMaxOutputPadding,
                    "Adds OP rows/columns at the bottom/right, to pick the output size when several are possible. "
                    "Must be smaller than the stride or the dilation.");
        c |= slider("dilation D", &g.D, 1, kMaxDilation, "Spaces the kernel taps D cells apart.");
        ImGui::NewLine();
        if (c) {
            st_.x = resized(st_.x, st_.g.H, st_.g.W, g.H, g.W, false);
            st_.w = resized(st_.w, st_.g.K, st_.g.K, g.K, g.K, true);
            st_.g = g;
            st_.preset = -1;
            changed();
        }
        ui::code_block("formula", output_size_formula(st_.g, true) + "\n" + output_size_formula(st_.g, false));
    }

    // The values of x or w (`shown` as the core is given them): numbers to drag while editing.
    void editable_plane(const std::string& id, std::vector<float>& values, const Tensor& shown,
                        const std::vector<ui::CellMark>& marks = {}) {
        if (!editing_) {
            show_plane(id.c_str(), shown, marks);
        } else if (ui::edit_grid((id + "-edit").c_str(), values.data(), dim(shown, 2), dim(shown, 3))) {
            st_.preset = -1;
            changed();
        }
    }

    void draw_scatter() {
        ImGui::TextWrapped(
            "A transposed convolution runs the other way round from a convolution: instead of each output reading "
            "a window of the input, each INPUT value x[i,j] writes a copy of the kernel, scaled by x[i,j], into "
            "the output, with its top-left corner at (i*S, j*S). Where copies overlap they are added. One step in "
            "the input moves the copy S steps in the output: the stride is the ratio between the two, which is "
            "why stride 2 doubles the size. Padding P then crops P rows/columns from each side of this full result, "
            "and output_padding adds OP back at the bottom/right.");
        draw_controls();
        if (!error_.empty()) {
            ui::error_panel("No output for these settings", error_ + "\n\n" + invalid_explanation(st_.g));
            return;
        }
        ui::step_controller("scatter", scatter_);
        const Geometry& g = st_.g;
        const ScatterStep& s = steps_[std::size_t(scatter_.step)];
        const int Ho = out_rows(g), Wo = out_cols(g);
        const ui::Highlight window{g.P, g.P, g.P + Ho, g.P + Wo, palette::padding};
        std::vector<ui::CellMark> copy_cells, landed_cells;
        for (int a = 0; a < g.K; ++a)
            for (int b = 0; b < g.K; ++b) {
                const int r = s.row0 + a * g.D, c = s.col0 + b * g.D;
                copy_cells.push_back({r, c, palette::current});
                if (r >= g.P && r < g.P + Ho && c >= g.P && c < g.P + Wo) landed_cells.push_back({r - g.P, c - g.P, palette::current});
            }

        ImGui::BeginGroup();
        titled("x (input)", "Orange: the element scattered in this step; green: already scattered.");
        std::vector<ui::CellMark> in_marks;
        for (int k = 0; k <= scatter_.step; ++k)
            in_marks.push_back({k / g.W, k % g.W, k == scatter_.step ? palette::current : palette::done});
        editable_plane("x", st_.x, x_, in_marks);
        ImGui::Spacing();
        titled("w (kernel)");
        editable_plane("w", st_.w, w_);
        ImGui::Checkbox("edit numbers", &editing_);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        titled_plane("this copy: " + ui::fmt_num(s.value) + " * w",
                     "x[i,j] * w placed with its corner at (i*S, j*S) on the full, uncropped output. "
                     "Blue frame: the part the padding keeps (the output y).",
                     "copy", s.copy, copy_cells, {window});
        ImGui::SameLine(0, 24);
        titled_plane("running sum, " + std::to_string(scatter_.step + 1) + " of " + std::to_string(scatter_.count) + " copies",
                     "The sum of the copies so far on the full output (y_full). Blue frame: the output "
                     "window y = y_full[P : P + H_out, P : P + W_out].",
                     "running", s.running, copy_cells, {window});
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        std::vector<ui::CellMark> y_marks = landed_cells;
        y_marks.push_back({sel_r_, sel_c_, palette::done});
        const ui::Hover h = titled_plane("y = conv_transpose2d(x, w)",
                                         "The core's output. Hover a cell to see which copies add up to it.", "y", y_, y_marks);
        if (h.active) sel_r_ = h.row, sel_c_ = h.col;
        sel_r_ = std::min(sel_r_, Ho - 1), sel_c_ = std::min(sel_c_, Wo - 1);
        ImGui::Text("shape %s", shape_str(y_.shape()).c_str());
        ImGui::EndGroup();

        ui::code_block("step-text", s.text);
        if (scatter_.at_end())
            equal_line("Running sum after the last copy, cropped to the output window, vs conv_transpose2d", scatter_diff_);
        else
            ImGui::TextDisabled("Step to the end (End key) to compare the running sum with the core's output.");

        ImGui::Spacing();
        titled_plane("copies landing on each cell",
                     "How many kernel taps reach each cell of the full output (x all ones, w all ones). Uneven counts "
                     "are the source of checkerboard artifacts (section 4).",
                     "overlap", overlap_, {}, {window}, false);
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        ImGui::TextWrapped("The same sum read from the output side (hover y to choose the cell, marked green): each "
                           "copy that covers y[r,c] contributes x[i,j] times the kernel tap that lands there.");
        auto terms = gather_terms(x_, w_, g, sel_r_, sel_c_);
        ui::code_block("gather", gather_text(terms, sel_r_, sel_c_, y_(0, 0, sel_r_, sel_c_)));
        ui::export_buttons("export", {{"x.npy", &x_}, {"w.npy", &w_}, {"y.npy", &y_}});
        ImGui::EndGroup();
        ui::pytorch_panel("torch", torch_code_);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Zero insertion + ordinary convolution
    //-------------------------------------------------------------------------
    ui::Stepper gather_{st_.out_step};

    void draw_zero_insertion() {
        const Geometry& g = st_.g;
        ImGui::TextWrapped("The same numbers come from an ordinary convolution (stride 1). Insert S - 1 = %d zero%s between "
                      "neighbouring input values (a \"bed of nails\"), pad by D(K - 1) - P = %d on each side (and "
                      "OP = %d more at the bottom/right), then convolve with the kernel flipped in both axes. Each "
                      "output cell then reads exactly the copies that the scatter view drops on it. With several "
                      "channels the kernel's in/out channel axes are also swapped: (C_in, C_out, K, K) becomes "
                      "(C_out, C_in, K, K). It wastes work on zeros, which is why libraries scatter instead.",
                      g.S - 1, g.S == 2 ? "" : "s", g.D * (g.K - 1) - g.P, g.OP);
        if (!error_.empty()) {
            ui::error_panel("No output for these settings", error_);
            return;
        }
        ui::step_controller("zero-insertion", gather_);
        const int Wo = out_cols(g), r = gather_.step / Wo, c = gather_.step % Wo;
        const int q = zi_.pad_top, Hz = int(zi_.dilated.shape()[2]), Wz = int(zi_.dilated.shape()[3]);
        const int span = g.D * (g.K - 1) + 1;
        auto products = window_products(zi_, g.D, r, c);
        std::vector<ui::CellMark> taps;
        for (const auto& p : products) taps.push_back({p.pr, p.pc, palette::current});
        std::vector<ui::Highlight> frames;
        if (q >= 0) frames.push_back({q, q, q + Hz, q + Wz, palette::padding});
        frames.push_back({r, c, r + span, c + span, palette::current});
        std::string pad_title = q >= 0 ? "padded by " + std::to_string(q) : "cropped by " + std::to_string(-q);
        if (g.OP) pad_title += " (+" + std::to_string(g.OP) + " bottom/right)";

        titled_plane("x with zeros inserted",
                     "upsample_bed_of_nails2d from the core, without its trailing zeros: (H - 1)*S + 1 rows.", "dilated",
                     zi_.dilated);
        ImGui::SameLine(0, 24);
        titled_plane(pad_title, "Orange: the window that gives the current output cell. Blue frame: the "
                     "zero-inserted input inside the padding.", "padded", zi_.padded, taps, frames);
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled_plane("w flipped", "w[K-1-a, K-1-b]: flipped top-bottom and left-right.", "flipped", zi_.flipped);
        ImGui::Spacing();
        titled_plane("w", nullptr, "w2", w_);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        titled_plane("conv2d(padded, flipped)", nullptr, "zi-y", zi_.y, {{r, c, palette::current}});
        ImGui::SameLine(0, 24);
        titled_plane("conv_transpose2d(x, w)", nullptr, "direct-y", y_, {{r, c, palette::current}});

        ui::code_block("window", window_text(products, r, c, zi_.y(0, 0, r, c)));
        equal_line("Zero insertion + conv2d vs conv_transpose2d", zi_diff_);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Matrix view
    //-------------------------------------------------------------------------
    ui::Stepper row_{st_.row};

    void draw_matrix_view() {
        const Geometry& g = st_.g;
        ImGui::TextWrapped(
            "A convolution is linear, so it is a matrix. Take the convolution with the same kernel, stride, padding "
            "and dilation that maps an H_out x W_out image z to an H x W image: flattening both, it is a sparse "
            "matrix C of shape (H*W, H_out*W_out), built here column by column by running the core's conv2d on unit "
            "images. The transposed convolution is multiplication by C^T: that is where its name comes from, and "
            "why it is the convolution's backward pass (the gradient with respect to the input). Row k of C is the "
            "kernel copy that x[k] scatters.");
        if (!error_.empty() || !matrix_error_.empty()) {
            ui::error_panel("No matrix for these settings", !error_.empty() ? error_ : matrix_error_);
            return;
        }
        const int Ho = out_rows(g), Wo = out_cols(g);
        ImGui::Text("C: shape (%d, %d) = (H*W, H_out*W_out); columns are y's cells in row-major order "
                    "(k = r*W_out + c). Click a row.",
                    g.H * g.W, Ho * Wo);
        ui::step_controller("rows", row_);
        const float cell_h = matrix_cell_height(Ho * Wo <= kMatrixNumberCols);
        const float matrix_h = ImGui::GetTextLineHeight() + 4.0f + g.H * g.W * cell_h;
        ImGui::BeginChild("matrix-scroll", ImVec2(0, matrix_h + ImGui::GetStyle().ScrollbarSize + 6.0f), false,
                          ImGuiWindowFlags_HorizontalScrollbar);
        const int clicked = draw_matrix(C_, g, row_.step);
        if (clicked >= 0) row_.step = clicked, row_.playing = false;
        ImGui::EndChild();

        const int m = row_.step;
        Tensor row = xt::view(C_, m);
        row.reshape({std::size_t(Ho), std::size_t(Wo)});
        titled_plane("row " + std::to_string(m) + " (x" + cell(m / g.W, m % g.W) + ") as H_out x W_out",
                     "The kernel copy x[i,j] scatters, with weight 1: the same picture as step i*W + j of the scatter "
                     "view, divided by x[i,j] and cropped.",
                     "row", row);
        ImGui::SameLine(0, 24);
        titled_plane("C^T x", "The matrix product, computed here from C.", "ctx", Ctx_);
        ImGui::SameLine(0, 24);
        titled_plane("conv_transpose2d(x, w)", nullptr, "y3", y_);
        equal_line("C^T x vs conv_transpose2d", matrix_diff_);
        ImGui::Text("Adjoint check with a small integer image z: <C z, x> = %s, <z, C^T x> = %s",
                    ui::fmt_num(adj_left_).c_str(), ui::fmt_num(adj_right_).c_str());
        ui::help_marker("For every z and x, <C z, x> = <z, C^T x>: the transposed convolution is the adjoint of the "
                        "convolution. z here is a fixed random image of small integers.");
        ui::export_buttons("export-c", {{"C.npy", &C_}});
        ui::pytorch_panel("torch-matrix", torch_matrix_code_);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Checkerboard artifacts
    //-------------------------------------------------------------------------
    int cached_source_ = -1, cached_image_ = -1;
    Tensor cb_input_;                  // (1, 1, H, W)
    Tensor cb_out_[kUpsamplerCount];   // (1, 1, 2H, 2W)
    Tensor cb_taps_[kUpsamplerCount];  // taps per output cell
    std::vector<float> cb_profile_[kUpsamplerCount];

    void draw_checkerboard() {
        ImGui::TextWrapped(
            "Odena, Dumoulin and Olah (2016, \"Deconvolution and Checkerboard Artifacts\", Distill) traced the "
            "checkerboard patterns in images made by decoders and GANs to uneven overlap: with kernel 3 and stride "
            "2, output cells are covered by 1, 2 or 4 kernel copies in a regular pattern, so even a uniform kernel on "
            "a constant image gives a checkerboard. With kernel 4 (a multiple of the stride) every interior cell gets "
            "the same number of copies. Resizing first (nearest neighbour x2) and then convolving with stride 1 "
            "avoids the problem by construction. Each method below doubles the size with a uniform kernel whose "
            "weights keep the average brightness.");
        ui::radio_button("constant image (all ones, 8 x 8)", &st_.source, 0);
        ui::same_line_if_fits(ui::check_width("Fashion-MNIST test image"));
        ui::radio_button("Fashion-MNIST test image", &st_.source, 1);
        if (st_.source == 1) {
            if (!ui::dataset_ready()) return;
            const Dataset& d = *platform::fashion_mnist().dataset;
            const int n = int(d.size(Split::test));
            st_.image = std::clamp(st_.image, 0, n - 1);
            ImGui::SameLine();
            ImGui::SetNextItemWidth(200);
            ImGui::SliderInt("index", &st_.image, 0, n - 1);
            ImGui::SameLine();
            ImGui::Text("%s", d.class_names[d.test_labels[std::size_t(st_.image)]].c_str());
        }
        if (cached_source_ != st_.source || (st_.source == 1 && cached_image_ != st_.image)) {
            if (st_.source == 0) {
                cb_input_ = xt::ones<float>({1, 1, 8, 8});
            } else {
                cb_input_ = platform::fashion_mnist().dataset->image(Split::test, std::size_t(st_.image));  // (1, 28, 28)
                cb_input_.reshape({1, 1, cb_input_.shape()[1], cb_input_.shape()[2]});
            }
            const int H = int(cb_input_.shape()[2]), W = int(cb_input_.shape()[3]);
            for (int u = 0; u < kUpsamplerCount; ++u) {
                cb_out_[u] = upsample_x2(cb_input_, Upsampler(u));
                cb_taps_[u] = overlap_x2(H, W, Upsampler(u));
                Tensor mid = xt::view(cb_out_[u], 0, 0, H + 1);  // a middle row of the 2H x 2W output
                cb_profile_[u].assign(mid.begin(), mid.end());
            }
            cached_source_ = st_.source;
            cached_image_ = st_.image;
        }
        const int H = int(cb_input_.shape()[2]), W = int(cb_input_.shape()[3]);
        float vmax = 0.0f;
        for (const auto& t : cb_out_) vmax = std::max(vmax, float(xt::amax(t)()));
        const float zoom = H <= 8 ? 12.0f : 4.0f;
        if (st_.source == 1) {
            ImGui::BeginGroup();
            titled("input");
            ui::HeatmapStyle hs;
            hs.zoom = 2 * zoom;
            ui::heatmap("cb-in", cb_input_.data(), H, W, hs);
            ImGui::EndGroup();
            ImGui::SameLine(0, 24);
        }
        for (int u = 0; u < kUpsamplerCount; ++u) {
            if (u) ImGui::SameLine(0, 24);
            ImGui::BeginGroup();
            ImGui::TextUnformatted(upsampler_name(Upsampler(u)));
            ui::HeatmapStyle hs;
            hs.zoom = zoom;
            hs.vmax = vmax;
            ui::heatmap(upsampler_name(Upsampler(u)), cb_out_[u].data(), 2 * H, 2 * W, hs);
            // "min to max" of the interior: two cells from the border, where the padding no longer matters.
            auto interior_range = [&](const Tensor& t) {
                const Tensor inner = xt::view(t, 0, 0, xt::range(2, 2 * H - 2), xt::range(2, 2 * W - 2));
                return ui::fmt_num(xt::amin(inner)()) + " to " + ui::fmt_num(xt::amax(inner)());
            };
            ImGui::Text("weights: all %s", ui::fmt_num(uniform_weight(Upsampler(u))).c_str());
            ImGui::Text("kernel taps per cell: %s", interior_range(cb_taps_[u]).c_str());
            if (st_.source == 0) ImGui::Text("interior values: %s", interior_range(cb_out_[u]).c_str());
            ImGui::EndGroup();
        }
        std::vector<ui::Series> series;
        for (int u = 0; u < kUpsamplerCount; ++u)
            series.push_back({upsampler_name(Upsampler(u)), cb_profile_[u].data(), int(cb_profile_[u].size()), palette::series[u]});
        if (st_.source == 0)
            ImGui::TextDisabled("The frames along the borders come from the padding (fewer copies reach the edge), "
                                "not from the overlap pattern.");
        ImGui::Text("Output row %d, across the image:", H + 1);
        ui::PlotStyle ps;
        ps.size = ImVec2(std::min(ImGui::GetContentRegionAvail().x, 720.0f), 150);
        ps.x_label = "column";
        ui::line_plot("profile", series, ps);
        ImGui::TextWrapped(
            "A trained network can in principle learn weights that cancel the uneven overlap, but in practice it "
            "rarely does, and stacking layers compounds the pattern. Choosing a kernel size divisible by the stride "
            "helps; resize-then-convolve removes it (at the cost of a fixed, not learned, upsampling step).");
        ui::export_buttons("export-cb", {{"input.npy", &cb_input_}, {"k3s2.npy", &cb_out_[0]}, {"k4s2.npy", &cb_out_[1]},
                                         {"resize_conv.npy", &cb_out_[2]}});
        ui::pytorch_panel("torch-cb", pytorch_checkerboard_code());
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void TransposedConvLesson::draw() {
    ImGui::TextWrapped("Transposed convolution (\"deconvolution\", learnable upsampling) is how decoders grow a small "
                       "feature map back into an image. This page builds it three ways and shows where its artifacts "
                       "come from.");
    if (sections_.header(0, "1. Scatter: one kernel copy per input value")) draw_scatter();
    if (sections_.header(1, "2. The same result: zero insertion + ordinary convolution")) draw_zero_insertion();
    if (sections_.header(2, "3. The same result: the transpose of the convolution's matrix")) draw_matrix_view();
    if (sections_.header(3, "4. Checkerboard artifacts")) draw_checkerboard();
    st_.open = sections_.open;
    st_.step = scatter_.step;
    st_.out_step = gather_.step;
    st_.row = row_.step;
    url_.write();
}

}  // namespace

std::unique_ptr<Lesson> make_transposed_conv_lesson() { return std::make_unique<TransposedConvLesson>(); }

}  // namespace aelab::lessons
