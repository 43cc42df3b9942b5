// Lesson "Pooling & unpooling" (id: pooling)
// What it teaches: pooling slides a window like convolution but has no weights: it keeps the
// window's maximum or its mean. Decoders go back up by copying (nearest neighbour), by planting
// each value in a corner (bed of nails), or by sending it back where the encoder's max came
// from (max unpooling with the remembered switches). On a real image the round trip shows what
// each way loses.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_pooling.cpp)
//   [SECTION] Maths: 1. pooling, step by step
//   [SECTION] Maths: 2. three ways back up
//   [SECTION] Maths: 3. round trip
//   [SECTION] Maths: page state in the URL (one kit::UrlState)
//   [SECTION] 1. Max and average pooling stepped through
//   [SECTION] 2. Three ways back up, side by side
//   [SECTION] 3. Round trip on a real image
//   [SECTION] The lesson
#include "pooling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <xtensor/xmath.hpp>
#include <xtensor/xpad.hpp>
#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "kit/image_input.hpp"
#include "aelab/loss.hpp"
#include "aelab/npy.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/sections.hpp"
#include "kit/a11y.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"

namespace aelab::lessons {
namespace pooling {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------
namespace {

// Rows and columns of a plane: its last two axes, (H, W), (1, H, W) or (1, 1, H, W).
int rows_of(const Tensor& t) { return static_cast<int>(t.shape()[t.dimension() - 2]); }
int cols_of(const Tensor& t) { return static_cast<int>(t.shape()[t.dimension() - 1]); }

Tensor as_nchw(Tensor plane) {  // -> (1, 1, H, W)
    plane.reshape({1, 1, std::size_t(rows_of(plane)), std::size_t(cols_of(plane))});
    return plane;
}
Tensor as_plane(const Tensor& nchw) { return xt::view(nchw, 0, 0); }  // (1, 1, H, W) -> (H, W)

// "<name> = torch.tensor([[[[...], ...]]])" of a plane as (1, 1, H, W), one row per line.
std::string torch_assignment(const char* name, const Tensor& plane) {
    const std::string prefix = std::string(name) + " = ";
    return prefix + kit::torch_tensor(as_nchw(plane), true, prefix.size());
}

std::string cell(int r, int c) { return "[" + std::to_string(r) + "," + std::to_string(c) + "]"; }

}  // namespace

const char* pool_kind_name(PoolKind kind) { return kind == PoolKind::max ? "max" : "average"; }

//-----------------------------------------------------------------------------
// [SECTION] Maths: 1. pooling, step by step
//-----------------------------------------------------------------------------

const std::vector<Preset>& presets() {
    static const std::vector<Preset> p = {
        {"Course: max pooling 2 x 2",
         from_values({4, 4}, {29, 15, 28, 184, 0, 100, 70, 38, 12, 12, 7, 2, 12, 12, 45, 6}),
         {PoolKind::max, 2, 2, 0},
         "The course's max-pooling example: each 2 x 2 block keeps its largest value, "
         "[[100, 184], [12, 45]]."},
        {"Course: average pooling 2 x 2",
         from_values({4, 4}, {31, 15, 28, 184, 0, 100, 70, 38, 12, 12, 7, 2, 12, 12, 45, 6}),
         {PoolKind::average, 2, 2, 0},
         "The course's average-pooling example: each 2 x 2 block becomes its mean, [[36.5, 80], [12, 15]]. "
         "The slide prints 36 for the top-left block: it truncates 36.5 = (31 + 15 + 0 + 100) / 4. "
         "The exact mean is 36.5, which is what PyTorch returns."},
        {"Course: the switches for max unpooling",
         from_values({4, 4}, {1, 2, 6, 3, 3, 5, 2, 1, 1, 2, 2, 1, 7, 3, 4, 8}),
         {PoolKind::max, 2, 2, 0},
         "The course's max-unpooling example: max pooling picks 5, 6, 7, 8 at positions (1,1), (0,2), (3,0), "
         "(3,3). These positions (the 'switches') are what section 2 sends values back to."},
        {"5 x 5: try kernel 3, stride 1 or 2, padding 1",
         from_values({5, 5}, {3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1}),
         {PoolKind::max, 3, 1, 0},
         "The 5 x 5 input of the convolution lesson. Overlapping windows (stride < kernel) share input "
         "values; padding adds a border the windows may reach into."},
    };
    return p;
}

SizeFormula output_size(int in, const PoolParams& p, const char* axis) {
    const int span = in + 2 * p.padding - p.kernel;
    const int size = static_cast<int>(std::floor(static_cast<double>(span) / p.stride)) + 1;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s_out = floor((%s + 2P - K) / S) + 1 = floor((%d + 2*%d - %d) / %d) + 1 = %d%s",
                  axis, axis, in, p.padding, p.kernel, p.stride, size, size < 1 ? "  (empty!)" : "");
    return {size, buf};
}

PoolResult run_pool(const Tensor& plane, const PoolParams& p) {
    PoolResult r;
    r.input = as_nchw(plane);
    try {
        if (p.kind == PoolKind::max) {
            MaxPool2dResult m = max_pool2d(r.input, {{p.kernel, p.kernel}, {p.stride, p.stride}, {p.padding, p.padding}});
            r.out = std::move(m.out);
            r.indices = std::move(m.indices);
        } else {
            r.out = avg_pool2d(r.input, {{p.kernel, p.kernel}, {p.stride, p.stride}, {p.padding, p.padding}});
        }
    } catch (const Error& e) {
        r.error = e.what();
        if (p.padding > p.kernel / 2)
            r.error += "\n\nA window may reach at most half its size into the padding (P <= K/2 = " +
                       std::to_string(p.kernel / 2) +
                       "); PyTorch refuses the same call (\"pad should be at most half of effective kernel size\"). "
                       "Otherwise a window could pool more padding than input. Lower P or raise K.";
        else
            r.error += "\n\nThe " + std::to_string(p.kernel) + " x " + std::to_string(p.kernel) +
                       " window does not fit in the padded input (" + std::to_string(rows_of(plane) + 2 * p.padding) +
                       " x " + std::to_string(cols_of(plane) + 2 * p.padding) + "). Lower K or add padding.";
    }
    return r;
}

std::vector<PoolStep> pool_steps(const PoolResult& r, const PoolParams& p) {
    std::vector<PoolStep> steps;
    if (!r.ok()) return steps;
    const int H = static_cast<int>(r.input.shape()[2]), W = static_cast<int>(r.input.shape()[3]);
    const int Ho = static_cast<int>(r.out.shape()[2]), Wo = static_cast<int>(r.out.shape()[3]);
    const bool is_max = p.kind == PoolKind::max;
    for (int i = 0; i < Ho; ++i)
        for (int j = 0; j < Wo; ++j) {
            PoolStep s;
            s.row = i, s.col = j;
            s.row0 = i * p.stride - p.padding, s.col0 = j * p.stride - p.padding;
            s.value = r.out(0, 0, i, j);
            for (int a = 0; a < p.kernel; ++a)
                for (int b = 0; b < p.kernel; ++b) {
                    const int y = s.row0 + a, x = s.col0 + b;
                    const bool inside = y >= 0 && y < H && x >= 0 && x < W;
                    if (!inside) ++s.padding_taps;
                    if (inside) s.taps.push_back(r.input(0, 0, y, x));
                    else if (!is_max) s.taps.push_back(0.0f);
                }
            std::string list;
            for (std::size_t t = 0; t < s.taps.size(); ++t) list += (t ? (is_max ? ", " : " + ") : "") + ui::fmt_num(s.taps[t]);
            if (is_max) {
                s.index = r.indices(0, 0, i, j);
                s.index_row = static_cast<int>(s.index / W), s.index_col = static_cast<int>(s.index % W);
                s.text = "y" + cell(i, j) + " = max(" + list + ") = " + ui::fmt_num(s.value);
                s.index_text = "index " + std::to_string(s.index) + " = row " + std::to_string(s.index_row) + " * " +
                               std::to_string(W) + " + col " + std::to_string(s.index_col);
                const auto ties = std::count(s.taps.begin(), s.taps.end(), s.value);
                s.tie = ties > 1;
                if (s.tie)
                    s.note = ui::fmt_num(s.value) + " occurs " + std::to_string(ties) +
                             " times in this window: PyTorch returns the first in window (row-major) order.";
                if (s.padding_taps)
                    s.note += std::string(s.note.empty() ? "" : " ") + std::to_string(s.padding_taps) +
                              " tap(s) fall in the padding: for max pooling the padding is -inf, so it never wins.";
            } else {
                s.divisor = p.kernel * p.kernel;
                s.text = "y" + cell(i, j) + " = (" + list + ") / " + std::to_string(s.divisor) + " = " + ui::fmt_num(s.value);
                if (s.padding_taps)
                    s.note = std::to_string(s.padding_taps) + " of the " + std::to_string(s.divisor) +
                             " taps are padding, counted as 0 and still divided by K*K "
                             "(count_include_pad=True, PyTorch's default).";
            }
            steps.push_back(std::move(s));
        }
    return steps;
}

std::string pool_pytorch_code(const Tensor& plane, const PoolParams& p) {
    const std::string args = "kernel_size=" + std::to_string(p.kernel) + ", stride=" + std::to_string(p.stride) +
                             ", padding=" + std::to_string(p.padding);
    std::string s = "import torch\nimport torch.nn.functional as F\n\n";
    s += torch_assignment("x", plane) + "  # (N, C, H, W) = (1, 1, " + std::to_string(rows_of(plane)) + ", " +
         std::to_string(cols_of(plane)) + ")\n";
    if (p.kind == PoolKind::max) {
        s += "y, indices = F.max_pool2d(x, " + args + ", return_indices=True)\n";
        s += "print(y)\nprint(indices)  # flat positions row * W + col within each (H, W) plane\n";
    } else {
        s += "y = F.avg_pool2d(x, " + args + ")  # count_include_pad=True by default: padding counts as 0\n";
        s += "print(y)\n";
    }
    return s;
}

Tensor shift_demo_image() {
    Tensor t = zeros({8, 8});
    for (int r = 1; r <= 6; ++r) t(r, 2) = 1.0f;  // a one-pixel vertical stroke ...
    for (int c = 2; c <= 4; ++c) t(6, c) = 1.0f;  // ... with a foot: an L
    t(1, 4) = 0.6f;                                // and a dimmer dot
    return t;
}

Tensor shift_right(const Tensor& plane, int dx) {
    const int W = cols_of(plane);
    Tensor out = zeros({plane.shape()[0], plane.shape()[1]});
    if (dx < W) xt::view(out, xt::all(), xt::range(dx, W)) = xt::view(plane, xt::all(), xt::range(0, W - dx));
    return out;
}

int count_changed(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape()) throw Error("count_changed: shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) + " differ");
    return static_cast<int>(xt::count_nonzero(xt::not_equal(a, b))());
}

//-----------------------------------------------------------------------------
// [SECTION] Maths: 2. three ways back up
//-----------------------------------------------------------------------------

Tensor decoder_values() { return from_values({2, 2}, {1, 2, 3, 4}); }
Tensor switch_source() { return presets()[kCoursePresetSwitches].input; }

ThreeWays three_ways(const Tensor& x, const Tensor& source, int count) {
    check_shape("three_ways", "x", x, {2, 2});
    check_shape("three_ways", "switch source", source, {4, 4});
    Tensor scattered = x;  // the elements not scattered yet are zero
    for (std::size_t i = static_cast<std::size_t>(std::clamp(count, 0, 4)); i < 4; ++i) scattered.data()[i] = 0.0f;
    const Tensor xin = as_nchw(scattered);
    ThreeWays w;
    MaxPool2dResult pooled = max_pool2d(as_nchw(source));  // kernel 2, stride 2
    w.pooled_source = as_plane(pooled.out);
    w.switches = pooled.indices;
    w.nearest = as_plane(upsample_nearest2d(xin, 2, 2));
    w.bed_of_nails = as_plane(upsample_bed_of_nails2d(xin, 2, 2));
    w.max_unpool = as_plane(max_unpool2d(xin, w.switches));  // kernel 2, stride 2: (2-1)*2 + 2 = 4
    return w;
}

std::vector<ScatterStep> scatter_steps(const Tensor& x, const ThreeWays& w) {
    std::vector<ScatterStep> steps;
    const int out_w = cols_of(w.max_unpool);
    for (int r = 0; r < rows_of(x); ++r)
        for (int c = 0; c < cols_of(x); ++c) {
            ScatterStep s;
            s.row = r, s.col = c;
            s.value = x(r, c);
            s.switch_index = w.switches(0, 0, r, c);
            s.unpool_row = static_cast<int>(s.switch_index / out_w), s.unpool_col = static_cast<int>(s.switch_index % out_w);
            const std::string v = "x" + cell(r, c) + " = " + ui::fmt_num(s.value);
            s.nearest_text = v + " fills y[" + std::to_string(2 * r) + ":" + std::to_string(2 * r + 2) + ", " +
                             std::to_string(2 * c) + ":" + std::to_string(2 * c + 2) + "] (its whole 2 x 2 block)";
            s.bed_text = v + " goes to y" + cell(2 * r, 2 * c) + " (the top-left of its block)";
            s.unpool_text = v + " goes to y" + cell(s.unpool_row, s.unpool_col) + " (switch index " +
                            std::to_string(s.switch_index) + " = row " + std::to_string(s.unpool_row) + " * " +
                            std::to_string(out_w) + " + col " + std::to_string(s.unpool_col) + ")";
            steps.push_back(std::move(s));
        }
    return steps;
}

std::string upsample_pytorch_code(const Tensor& x, const Tensor& source) {
    std::string s = "import torch\nimport torch.nn.functional as F\n\n";
    s += torch_assignment("x", x) + "  # the decoder's values, (1, 1, 2, 2)\n";
    s += torch_assignment("a", source) + "  # what the encoder max-pooled\n";
    s += "_, switches = F.max_pool2d(a, 2, return_indices=True)  # where each max came from\n\n";
    s += "nearest = F.interpolate(x, scale_factor=2, mode='nearest')\n";
    s += "bed_of_nails = torch.zeros(1, 1, 4, 4)\nbed_of_nails[..., ::2, ::2] = x\n";
    s += "unpooled = F.max_unpool2d(x, switches, kernel_size=2)\n";
    s += "print(nearest, bed_of_nails, unpooled, sep='\\n')\n";
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] Maths: 3. round trip
//-----------------------------------------------------------------------------

const char* method_name(int method) {
    static const char* names[kMethodCount] = {"nearest neighbour", "bed of nails", "max unpooling"};
    return names[std::clamp(method, 0, kMethodCount - 1)];
}

RoundTrip round_trip(const Tensor& image, PoolKind kind, int kernel) {
    RoundTrip t;
    t.image = as_nchw(image);
    const int H = rows_of(image), W = cols_of(image);
    try {
        if (kernel < 1 || H % kernel || W % kernel)
            throw Error("round_trip: kernel " + std::to_string(kernel) + " must divide the image size " +
                        std::to_string(H) + " x " + std::to_string(W) + " so the round trip lands back on it");
        const std::array<int, 2> k{kernel, kernel};
        MaxPool2dResult m = max_pool2d(t.image, {k, k});
        t.switches = std::move(m.indices);
        t.pooled = kind == PoolKind::max ? std::move(m.out) : avg_pool2d(t.image, {k, k});
        t.up[kNearest] = upsample_nearest2d(t.pooled, kernel, kernel);
        t.up[kBedOfNails] = upsample_bed_of_nails2d(t.pooled, kernel, kernel);
        t.up[kMaxUnpool] = max_unpool2d(t.pooled, t.switches, {k, k, {0, 0}, {H, W}});
        for (int m = 0; m < kMethodCount; ++m) {
            t.mse[m] = mse_loss(t.up[m], t.image);
            t.psnr[m] = static_cast<float>(psnr_from_mse(t.mse[m]));
        }
    } catch (const Error& e) {
        t.error = e.what();
    }
    return t;
}

std::string round_trip_pytorch_code(int image_index, PoolKind kind, int kernel) {
    const std::string k = std::to_string(kernel);
    std::string s = "import torch\nimport torch.nn.functional as F\nfrom torchvision import datasets, transforms\n\n";
    s += "test = datasets.FashionMNIST('data', train=False, download=True, transform=transforms.ToTensor())\n";
    s += "x = test[" + std::to_string(image_index) + "][0].unsqueeze(0)  # (1, 1, 28, 28) in [0, 1]\n\n";
    s += "pooled, switches = F.max_pool2d(x, " + k + ", return_indices=True)\n";
    if (kind == PoolKind::average)
        s += "pooled = F.avg_pool2d(x, " + k + ")  # average pooling records no switches: borrow max pooling's\n";
    s += "nearest = F.interpolate(pooled, scale_factor=" + k + ", mode='nearest')\n";
    s += "bed_of_nails = torch.zeros_like(x)\nbed_of_nails[..., ::" + k + ", ::" + k + "] = pooled\n";
    s += "unpooled = F.max_unpool2d(pooled, switches, " + k + ", output_size=x.shape[-2:])\n\n";
    s += "for name, r in [('nearest', nearest), ('bed of nails', bed_of_nails), ('max unpooling', unpooled)]:\n";
    s += "    mse = F.mse_loss(r, x)\n";
    s += "    print(f'{name}: MSE {mse:.5f}, PSNR {10 * torch.log10(1 / mse):.2f} dB')\n";
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] Maths: page state in the URL
//-----------------------------------------------------------------------------

kit::UrlState url_keys(State& s) {
    kit::UrlState url;
    url.custom("preset", [&s](const std::string& text) {
        const bool ok = kit::UrlState::parse_int(text, 0, static_cast<int>(presets().size()) - 1, s.preset);
        if (ok) s.pool = presets()[s.preset].params;
        return ok;
    }, [&s] { return std::to_string(s.preset); });
    url.add_enum("kind", s.pool.kind, 2).add("k", s.pool.kernel, 1, 5).add("s", s.pool.stride, 1, 4).add("p", s.pool.padding, 0, 3);
    url.add("step", s.step, 0, 99).add("shift", s.shift, 0, 3).add("ustep", s.scatter_step, 0, 3).add("img", s.image, 0, 9999);
    url.add_enum("rkind", s.rt_kind, 2);
    url.custom("rk", [&s](const std::string& text) {  // one of kRoundTripKernels
        int k = 0;
        const bool ok = kit::UrlState::parse_int(text, 2, 14, k) &&
                        std::count(std::begin(kRoundTripKernels), std::end(kRoundTripKernels), k);
        if (ok) s.rt_kernel = k;
        return ok;
    }, [&s] { return std::to_string(s.rt_kernel); });
    return url.add("diff", s.show_difference).add("open", s.open, 0, 7);
}

State state_from_params() {
    State s;
    url_keys(s).read();
    return s;
}

}  // namespace pooling

namespace {
using namespace pooling;
namespace palette = kit::palette;

ui::GridStyle grid_style(const char* format = "%.3g") {
    ui::GridStyle gs;
    gs.format = format;
    gs.min_cell_width = 46.0f;
    return gs;
}

// A titled number grid of a plane ((H, W) or (1, 1, H, W)), grouped so grids can sit side by side.
void titled_grid(const std::string& title, const char* id, const Tensor& plane, const std::vector<ui::CellMark>& marks = {},
                 const std::vector<ui::Highlight>& highlights = {}, const ui::GridStyle& style = grid_style()) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title.c_str());
    ui::number_grid(id, plane.data(), rows_of(plane), cols_of(plane), style, marks, highlights);
    ImGui::EndGroup();
}

// A titled heatmap of a plane, grouped like titled_grid.
void titled_heatmap(const std::string& title, const char* id, const Tensor& plane, const ui::HeatmapStyle& style) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title.c_str());
    ui::heatmap(id, plane.data(), rows_of(plane), cols_of(plane), style);
    ImGui::EndGroup();
}

// "(H x W)" of a plane.
std::string size_text(const Tensor& plane) {
    return "(" + std::to_string(rows_of(plane)) + " x " + std::to_string(cols_of(plane)) + ")";
}

ui::Highlight cell_box(int row, int col, int size, ImU32 color) { return {row, col, row + size, col + size, color}; }

// Saves an index tensor as int64 .npy (torch.long), which max_unpool2d wants.
void index_export_button(const char* name, const IndexTensor& indices, std::string& message) {
    ImGui::SameLine();
    if (ui::small_button(name)) {
        try {
            message = platform::save_file(name, npy_bytes(indices));
        } catch (const std::exception& e) {
            message = std::string("export failed: ") + e.what();
        }
    }
    if (!message.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", message.c_str());
    }
}

class PoolingLesson final : public Lesson {
public:
    void draw() override;

private:
    State state_ = state_from_params();
    kit::UrlState url_ = url_keys(state_);  // written back every frame
    kit::Sections sections_{state_.open};

    //-------------------------------------------------------------------------
    // [SECTION] 1. Max and average pooling stepped through
    //-------------------------------------------------------------------------
    ui::Stepper pool_stepper_{state_.step};
    PoolResult pool_;
    std::vector<PoolStep> pool_steps_;
    int computed_preset_ = -1;
    PoolParams computed_params_;
    std::string pool_code_;
    std::string pool_index_message_;

    void update_pool() {
        if (computed_preset_ == state_.preset && computed_params_ == state_.pool) return;
        computed_preset_ = state_.preset;
        computed_params_ = state_.pool;
        pool_ = run_pool(presets()[state_.preset].input, state_.pool);
        pool_steps_ = pool_steps(pool_, state_.pool);
        pool_code_ = pool_pytorch_code(presets()[state_.preset].input, state_.pool);
        pool_stepper_.reset(static_cast<int>(pool_steps_.size()));
    }

    void draw_pool_steps() {
        ImGui::TextWrapped(
            "Pooling slides a K x K window over the input with stride S, like convolution, but it has no weights: "
            "max pooling keeps the window's largest value, average pooling its mean.");
        ui::code_block("pool-formula",
                       "max:      y[i,j] = max over a, b < K of x[i*S - P + a, j*S - P + b]\n"
                       "average:  y[i,j] = (1 / K^2) * sum over a, b < K of x[i*S - P + a, j*S - P + b]");

        const auto& ps = presets();
        ImGui::SetNextItemWidth(330);
        if (ui::begin_combo("preset", ps[state_.preset].name)) {
            for (int i = 0; i < static_cast<int>(ps.size()); ++i)
                if (ImGui::Selectable(ps[i].name, i == state_.preset)) {
                    state_.preset = i;
                    state_.pool = ps[i].params;
                    pool_stepper_.step = 0;
                    pool_stepper_.playing = false;
                }
            ImGui::EndCombo(); a11y::resume();
        }
        ImGui::PushStyleColor(ImGuiCol_Text, palette::text_accent);
        ImGui::TextWrapped("%s", ps[state_.preset].note);
        ImGui::PopStyleColor();

        if (ui::radio_button("max pooling", state_.pool.kind == PoolKind::max)) state_.pool.kind = PoolKind::max;
        ui::same_line_if_fits(ui::check_width("average pooling"));
        if (ui::radio_button("average pooling", state_.pool.kind == PoolKind::average)) state_.pool.kind = PoolKind::average;
        ImGui::SameLine(0, 30);
        ImGui::SetNextItemWidth(110);
        ImGui::SliderInt("kernel K", &state_.pool.kernel, 1, 5);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(110);
        ImGui::SliderInt("stride S", &state_.pool.stride, 1, 4);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(110);
        ImGui::SliderInt("padding P", &state_.pool.padding, 0, 3);
        ui::help_marker(
            "Padding adds a border of P cells around the input. Max pooling pads with -inf, so the padding never wins. "
            "avg_pool2d counts the padding as zeros and always divides by K*K (count_include_pad=True, PyTorch's "
            "default). PyTorch, and this page, allow P <= K/2 only.");

        if (state_.pool.kind == PoolKind::average && state_.pool.padding > 0)
            ImGui::TextDisabled("avg_pool2d counts the padding as zeros and divides by K*K = %d everywhere "
                                "(count_include_pad=True, PyTorch's default).",
                                state_.pool.kernel * state_.pool.kernel);

        update_pool();
        const Tensor& input = presets()[state_.preset].input;
        const int H = rows_of(input), W = cols_of(input);
        ui::code_block("pool-size", output_size(H, state_.pool, "H").text + "\n" + output_size(W, state_.pool, "W").text);
        if (!pool_.ok()) {
            ui::error_panel("No output for these parameters", pool_.error);
            return;
        }

        ui::step_controller("pool-steps", pool_stepper_);
        state_.step = pool_stepper_.step;
        const PoolStep& st = pool_steps_[pool_stepper_.step];
        const bool is_max = state_.pool.kind == PoolKind::max;
        const int P = state_.pool.padding, K = state_.pool.kernel;

        // Input, shown with its padding so windows that reach into it can be outlined.
        const Tensor padded = xt::pad(input, P, xt::pad_mode::constant, is_max ? -INFINITY : 0.0f);
        std::vector<ui::CellMark> marks;
        for (int r = 0; r < H + 2 * P; ++r)
            for (int c = 0; c < W + 2 * P; ++c)
                if (r < P || c < P || r >= P + H || c >= P + W) marks.push_back({r, c, palette::padding});
        if (is_max) marks.push_back({st.index_row + P, st.index_col + P, palette::argmax});
        ui::GridStyle input_style = grid_style();
        input_style.shade = !(is_max && P > 0);  // -inf has no grey level
        titled_grid("input x " + size_text(input) + (P ? " with padding " + std::to_string(P) : ""), "pool-in", padded, marks,
                    {cell_box(st.row0 + P, st.col0 + P, K, palette::window)}, input_style);
        ImGui::SameLine(0, 40);
        titled_grid("output y " + size_text(pool_.out), "pool-out", pool_.out, {}, {cell_box(st.row, st.col, 1, palette::window)});

        if (is_max) {
            ImGui::SameLine(0, 40);
            ImGui::BeginGroup();
            ImGui::Text("indices (return_indices=True)");
            ui::help_marker("For each output, where its maximum was in the input plane, as PyTorch returns it: "
                            "one flat number row * W + col. Max unpooling uses these 'switches' to go back.");
            const Tensor idx = xt::cast<float>(pool_.indices);
            ui::number_grid("pool-idx", idx.data(), rows_of(idx), cols_of(idx), grid_style("%.0f"), {},
                            {cell_box(st.row, st.col, 1, palette::argmax)});
            ImGui::EndGroup();
        }

        ui::code_block("pool-step", is_max ? st.text + "\n" + st.index_text : st.text);
        if (!st.note.empty()) ImGui::TextWrapped("%s", st.note.c_str());
        if (state_.preset == kCoursePresetAverage && !is_max && st.row == 0 && st.col == 0 && K == 2 && P == 0 &&
            state_.pool.stride == 2)
            ImGui::TextColored(palette::text(palette::text_accent), "The course slide prints 36 here: it truncates 36.5.");

        ui::pytorch_panel("pool-torch", pool_code_);
        ui::export_buttons("pool-export", {{"pool_input.npy", &pool_.input}, {"pool_output.npy", &pool_.out}});
        if (is_max) index_export_button("pool_indices.npy", pool_.indices, pool_index_message_);
    }
    void draw_why_pooling() {
        ImGui::Spacing();
        ImGui::Separator();
        ImGui::TextUnformatted("Why pool?");
        ui::bullet("Fewer variables: 2 x 2 pooling keeps 1 value in 4 (a 28 x 28 map becomes 14 x 14), so "
               "later layers are cheaper and see a wider part of the image.");
        ui::bullet("Smoothing: average pooling is a box blur followed by keeping every S-th value; small "
               "noise is averaged away.");
        ui::bullet("Some shift invariance: a feature that moves inside a window gives the same pooled value.");
        ImGui::Spacing();
        ImGui::TextUnformatted("Try it: shift a picture and compare the pooled outputs (2 x 2, stride 2).");
        ImGui::SetNextItemWidth(150);
        ImGui::SliderInt("shift right (pixels)", &state_.shift, 0, 3);
        const Tensor image = shift_demo_image();
        const Tensor shifted = shift_right(image, state_.shift);
        const Tensor a = as_plane(max_pool2d(as_nchw(image)).out), b = as_plane(max_pool2d(as_nchw(shifted)).out);
        const Tensor a_avg = as_plane(avg_pool2d(as_nchw(image))), b_avg = as_plane(avg_pool2d(as_nchw(shifted)));
        ui::HeatmapStyle small, large;
        small.zoom = 12, large.zoom = 24;
        titled_heatmap("picture", "shift-a", image, small);
        ImGui::SameLine();
        titled_heatmap("shifted", "shift-b", shifted, small);
        ImGui::SameLine(0, 30);
        titled_heatmap("max-pooled", "shift-pa", a, large);
        ImGui::SameLine();
        titled_heatmap("max-pooled, shifted", "shift-pb", b, large);
        ImGui::Text("Shift by %d: %d of %d pixels changed; %d of %d max-pooled values changed; "
                    "%d of %d average-pooled values changed.",
                    state_.shift, count_changed(image, shifted), int(image.size()), count_changed(a, b), int(a.size()),
                    count_changed(a_avg, b_avg), int(a_avg.size()));
        ImGui::TextWrapped("A one-pixel shift keeps the stroke and the dot inside the same 2 x 2 windows: the maximum of "
                           "every window stays the same, so the max-pooled picture does not change at all. Average pooling "
                           "changes where a window gains or loses part of the foot. A shift of two pixels moves everything "
                           "into the next windows. Pooling buys invariance to shifts smaller than its window, not to any "
                           "shift; stacking pooling layers widens it.");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Three ways back up, side by side
    //-------------------------------------------------------------------------
    ui::Stepper scatter_stepper_{state_.scatter_step};
    const Tensor decoder_x_ = decoder_values();  // (2, 2)
    const Tensor source_ = switch_source();      // (4, 4)
    const ThreeWays final_ = three_ways(decoder_x_, source_);
    const std::vector<ScatterStep> scatter_ = scatter_steps(decoder_x_, final_);
    const std::string upsample_code_ = upsample_pytorch_code(decoder_x_, source_);
    ThreeWays partial_;
    int partial_count_ = -1;
    std::string switches_message_;

    void draw_three_ways() {
        ImGui::TextWrapped(
            "A decoder has to undo the encoder's pooling: go from a small map back to a big one. Three ways to turn "
            "the 2 x 2 decoder values [[1, 2], [3, 4]] into 4 x 4 (scale 2), stepped one input element at a time:");
        ui::bullet("(a) nearest neighbour: copy each value into its whole 2 x 2 block.");
        ui::bullet("(b) bed of nails: put each value at the top-left of its block, zeros elsewhere.");
        ui::bullet("(c) max unpooling: put each value where the encoder's max pooling found its maximum "
               "(the remembered 'switches'), zeros elsewhere.");

        scatter_stepper_.reset(4);
        ui::step_controller("scatter-steps", scatter_stepper_);
        state_.scatter_step = scatter_stepper_.step;
        const int step = scatter_stepper_.step;
        if (partial_count_ != step + 1) {
            partial_count_ = step + 1;
            partial_ = three_ways(decoder_x_, source_, partial_count_);
        }
        const ScatterStep& sc = scatter_[step];
        std::vector<ui::CellMark> switch_marks;
        for (const auto& s : scatter_)
            switch_marks.push_back({s.unpool_row, s.unpool_col, &s == &sc ? palette::argmax : palette::switches});

        titled_grid("decoder values x (2 x 2)", "up-x", decoder_x_, {}, {cell_box(sc.row, sc.col, 1, palette::window)});
        ImGui::SameLine(0, 40);
        titled_grid("encoder input: its max positions are the switches", "up-src", source_, switch_marks);
        ImGui::SameLine(0, 20);
        ImGui::BeginGroup();
        titled_grid("max pooled", "up-pooled", final_.pooled_source, {}, {cell_box(sc.row, sc.col, 1, palette::window)});
        const std::int64_t* sw = final_.switches.data();
        ImGui::Text("switches %lld, %lld, %lld, %lld", static_cast<long long>(sw[0]), static_cast<long long>(sw[1]),
                    static_cast<long long>(sw[2]), static_cast<long long>(sw[3]));
        ImGui::EndGroup();

        ImGui::Spacing();
        const ui::Highlight block = cell_box(2 * sc.row, 2 * sc.col, 2, palette::window);
        titled_grid("(a) nearest neighbour", "(a) nearest neighbour", partial_.nearest, {}, {block});
        ImGui::SameLine(0, 40);
        titled_grid("(b) bed of nails", "(b) bed of nails", partial_.bed_of_nails, {{2 * sc.row, 2 * sc.col, palette::argmax}},
                    {block});
        ImGui::SameLine(0, 40);
        titled_grid("(c) max unpooling (switches marked)", "(c) max unpooling (switches marked)", partial_.max_unpool,
                    switch_marks, {block});
        ui::code_block("up-step", "(a) " + sc.nearest_text + "\n(b) " + sc.bed_text + "\n(c) " + sc.unpool_text);
        if (scatter_stepper_.at_end())
            ImGui::TextWrapped(
                "All four values placed. Nearest neighbour fills every cell but blurs position to the block; bed of "
                "nails is sparse and always uses the same corner; max unpooling is just as sparse but puts each value "
                "back where the encoder found its maximum. That is why pooling and unpooling layers come in pairs: "
                "the decoder's unpooling layer needs the switches of the matching encoder layer.");
        else
            ImGui::TextDisabled("Cells not reached yet are still 0. Step on to place the remaining values.");

        ui::pytorch_panel("up-torch", upsample_code_);
        ui::export_buttons("up-export", {{"decoder_x.npy", &decoder_x_},
                                         {"nearest.npy", &final_.nearest},
                                         {"bed_of_nails.npy", &final_.bed_of_nails},
                                         {"max_unpool.npy", &final_.max_unpool}});
        index_export_button("switches.npy", final_.switches, switches_message_);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Round trip on a real image
    //-------------------------------------------------------------------------
    RoundTrip trip_;
    int trip_image_ = -1, trip_kernel_ = -1;
    PoolKind trip_kind_ = PoolKind::max;
    Tensor trip_diff_[kMethodCount];  // (1, 1, H, W): reconstruction - image
    // Your own image (kit/image_input.hpp) as 28 x 28 grayscale instead of the test image; not in the link.
    kit::OwnImageChoice mine_;
    long trip_mine_ = -1;  // the user image serial the round trip is of (-1: a test image)

    void draw_round_trip() {
        ImGui::TextWrapped(
            "An image pooled with kernel = stride = K, then brought back to full size by each method. The error "
            "is the mean squared error against the original (mse_loss) and the PSNR = 10 log10(1 / MSE) in dB "
            "(pixels in 0..1; higher PSNR is better).");
        if (!ui::dataset_ready()) return;
        const Dataset& d = *platform::fashion_mnist().dataset;
        const int n = static_cast<int>(d.size(Split::test));
        state_.image = std::clamp(state_.image, 0, n - 1);
        ImGui::SetNextItemWidth(200);
        ImGui::SliderInt("test image", &state_.image, 0, n - 1);
        ImGui::SameLine();
        if (ImGui::Button("next")) state_.image = (state_.image + 1) % n;
        ImGui::SameLine(0, 30);
        if (ui::radio_button("max##rt", state_.rt_kind == PoolKind::max)) state_.rt_kind = PoolKind::max;
        ui::same_line_if_fits(ui::check_width("average##rt"));
        if (ui::radio_button("average##rt", state_.rt_kind == PoolKind::average)) state_.rt_kind = PoolKind::average;
        ImGui::SameLine(0, 30);
        ImGui::TextUnformatted("K =");
        for (int k : kRoundTripKernels) {
            ImGui::SameLine();
            if (ui::radio_button((std::to_string(k) + "##rk").c_str(), state_.rt_kernel == k)) state_.rt_kernel = k;
        }
        ui::help_marker("Kernels that divide 28, so the round trip lands back on 28 x 28 exactly.");
        ImGui::SameLine(0, 30);
        ImGui::Checkbox("show the difference", &state_.show_difference);

        kit::test_or_own_image(mine_);
        const long mine = mine_.use ? mine_.key() : -1;
        platform::set_status("round_trip_input", mine_.use ? "your image" : "test image");

        if (trip_image_ != state_.image || trip_kernel_ != state_.rt_kernel || trip_kind_ != state_.rt_kind || trip_mine_ != mine) {
            trip_image_ = state_.image, trip_kernel_ = state_.rt_kernel, trip_kind_ = state_.rt_kind, trip_mine_ = mine;
            Tensor input = mine_.use ? mine_.input.steps.final : d.image(Split::test, static_cast<std::size_t>(state_.image));
            if (mine_.use) input.reshape({1, 28, 28});
            trip_ = round_trip(input, state_.rt_kind, state_.rt_kernel);
            if (trip_.error.empty())
                for (int m = 0; m < kMethodCount; ++m) trip_diff_[m] = trip_.up[m] - trip_.image;
        }
        const int label = d.test_labels[static_cast<std::size_t>(state_.image)];
        if (mine_.use) ImGui::Text("your image: %s", printable(kit::user_image()->name, 60).c_str());
        else ImGui::Text("label %d: %s", label, d.class_names[static_cast<std::size_t>(label)].c_str());
        if (!trip_.error.empty()) {
            ui::error_panel("Round trip not possible", trip_.error);
            return;
        }

        ui::HeatmapStyle gray;
        gray.zoom = 6.0f, gray.value_scale = 255.0f, gray.value_format = "%.0f";
        ui::HeatmapStyle diff = gray, pooled = gray;
        diff.cmap = ui::Colormap::diverging, diff.vmin = -1.0f, diff.vmax = 1.0f;
        pooled.zoom = gray.zoom * static_cast<float>(rows_of(trip_.image)) / static_cast<float>(rows_of(trip_.pooled));
        titled_heatmap("original " + size_text(trip_.image), "rt-image", trip_.image, gray);
        ImGui::SameLine(0, 20);
        titled_heatmap(std::string(pool_kind_name(state_.rt_kind)) + " pooled " + size_text(trip_.pooled), "rt-pooled",
                       trip_.pooled, pooled);
        for (int m = 0; m < kMethodCount; ++m) {
            ImGui::SameLine(0, 20);
            ImGui::BeginGroup();
            titled_heatmap(method_name(m), method_name(m), state_.show_difference ? trip_diff_[m] : trip_.up[m],
                           state_.show_difference ? diff : gray);
            ImGui::Text("MSE  %.5f", trip_.mse[m]);
            ImGui::Text("PSNR %.2f dB", trip_.psnr[m]);
            ImGui::EndGroup();
        }
        if (state_.show_difference)
            ImGui::TextDisabled("difference = reconstruction - original: red where too bright, blue where too dark.");
        if (state_.rt_kind == PoolKind::average)
            ImGui::TextWrapped("Average pooling records no positions, so the max-unpooling column borrows the switches "
                               "of max pooling the same image with the same K, as the PyTorch code does.");
        const int best = static_cast<int>(std::min_element(trip_.mse, trip_.mse + kMethodCount) - trip_.mse);
        ImGui::Text("Lowest error here: %s.", method_name(best));
        ui::bullet("Nearest neighbour is blocky: each K x K block becomes one flat value. After average pooling "
               "that value is the block's mean, the best single value for the block, so nearest neighbour has "
               "the lowest error. After max pooling it is the block's brightest pixel: fine for K = 2, but "
               "large blocks come back swollen and too bright.");
        ui::bullet("Bed of nails is sparse and dark: one pixel in K*K keeps a value, always the block's top-left, "
               "so the picture becomes a grid of dots in the wrong places.");
        ui::bullet("Max unpooling is just as sparse, but each value goes back to where the maximum was: bright "
               "edges and outlines stay in place, and the rest of each block is a hole (0). With the same "
               "values it is never worse than bed of nails.");
        std::string code = round_trip_pytorch_code(state_.image, state_.rt_kind, state_.rt_kernel);
        if (mine_.use) {  // your image: the exported image.npy instead of a test image
            const std::size_t a = code.find("test = "), b = code.find("\n\n", a);
            if (a != std::string::npos && b != std::string::npos)
                code.replace(a, b - a, "import numpy as np\nx = torch.from_numpy(np.load('image.npy'))  # your image, (1, 1, 28, 28): "
                                       "export it below");
        }
        ui::pytorch_panel("rt-torch", code);
        ui::export_buttons("rt-export", {{"image.npy", &trip_.image},
                                         {"pooled.npy", &trip_.pooled},
                                         {"nearest.npy", &trip_.up[kNearest]},
                                         {"bed_of_nails.npy", &trip_.up[kBedOfNails]},
                                         {"max_unpool.npy", &trip_.up[kMaxUnpool]}});
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void PoolingLesson::draw() {
    ImGui::TextWrapped("Encoders shrink feature maps by pooling; decoders must grow them back. This page steps "
                       "through both directions with the course's numbers, then tries them on a real image.");
    if (sections_.header(0, "1. Max and average pooling stepped through")) {
        draw_pool_steps();
        draw_why_pooling();
    }
    if (sections_.header(1, "2. Three ways back up, side by side")) draw_three_ways();
    if (sections_.header(2, "3. Round trip on a real image")) draw_round_trip();
    state_.open = sections_.open;
    url_.write();
}

}  // namespace

std::unique_ptr<Lesson> make_pooling_lesson() { return std::make_unique<PoolingLesson>(); }

}  // namespace aelab::lessons
