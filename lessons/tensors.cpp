// Lesson "Tensors & images" (id: tensors)
// What it teaches: an image is a grid of numbers; a colour image is three grids (channels);
// deep-learning libraries stack images into 4-D tensors laid out as NCHW.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_tensors.cpp)
//   [SECTION] 1. An image is a grid of numbers (Fashion-MNIST)
//   [SECTION] 2. A synthetic pattern
//   [SECTION] 3. Colour images: three channels
//   [SECTION] 4. Batches and NCHW
//   [SECTION] The lesson
#include "tensors.hpp"

#include <algorithm>
#include <cstdio>

#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/images.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"

namespace aelab::lessons {
namespace tensors {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------

std::size_t flat_offset(const Tensor& t, const std::vector<std::size_t>& index) {
    if (index.size() != t.dimension())
        throw Error("flat_offset: index has " + std::to_string(index.size()) + " entries for a tensor of shape " +
                    shape_str(t.shape()));
    std::size_t off = 0;
    for (std::size_t d = 0; d < index.size(); ++d) {
        if (index[d] >= t.shape()[d])
            throw Error("flat_offset: index " + std::to_string(index[d]) + " out of range on axis " + std::to_string(d) +
                        " of shape " + shape_str(t.shape()));
        off += index[d] * static_cast<std::size_t>(t.strides()[d]);
    }
    return off;
}

Crop crop_around(int row, int col, int rows, int cols, int size) {
    size = std::max(1, std::min({size, rows, cols}));
    return {std::clamp(row - size / 2, 0, rows - size), std::clamp(col - size / 2, 0, cols - size), size};
}

std::vector<View> nchw_views(const Tensor& x) {
    check_rank("nchw_views", "batch", x, 4, "N, C, H, W");
    auto s = [](const auto& e) { return shape_str(e.shape()); };
    const std::size_t C = x.shape()[1];
    std::vector<View> v;
    v.push_back({"x", s(x), "the whole batch: N images, C channels, H rows, W columns"});
    v.push_back({"x[0]", s(xt::view(x, 0)), "one image: its C channels"});
    v.push_back({"x[0, " + std::to_string(C - 1) + "]", s(xt::view(x, 0, C - 1)), "one channel of one image: an H x W grid"});
    v.push_back({"x[0, 0, 5]", s(xt::view(x, 0, 0, 5)), "row 5 of that grid"});
    v.push_back({"x[0, 0, 5, 7]", "()", "a single number (a 0-dimensional tensor)"});
    v.push_back({"x[:, 0]", s(xt::view(x, xt::all(), 0)), "channel 0 of every image"});
    return v;
}

}  // namespace tensors

namespace {
using namespace tensors;

class TensorsLesson final : public Lesson {
public:
    void draw() override;

private:
    //-------------------------------------------------------------------------
    // [SECTION] 1. An image is a grid of numbers
    //-------------------------------------------------------------------------
    int image_index_ = 0;
    bool show_levels_ = true;  // 0..255 instead of 0..1
    int crop_row_ = 14, crop_col_ = 14;
    int crop_size_ = 8;

    void draw_dataset_image() {
        ImGui::TextWrapped(
            "A grayscale image is a grid of numbers, one per pixel: 0 is black, the largest value white. "
            "Fashion-MNIST images are 28 x 28 pixels, stored as bytes 0..255; networks usually see them scaled "
            "to 0..1 (as torchvision's ToTensor does). Click the picture to choose which pixels the grid shows.");
        if (!ui::dataset_ready()) return;
        const Dataset& d = *platform::fashion_mnist().dataset;
        const int n = static_cast<int>(d.size(Split::test));
        ImGui::SetNextItemWidth(200);
        ImGui::SliderInt("test image", &image_index_, 0, n - 1);
        ImGui::SameLine();
        if (ImGui::Button("next")) image_index_ = (image_index_ + 1) % n;
        ImGui::SameLine();
        ImGui::Checkbox("show 0..255", &show_levels_);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(120);
        ImGui::SliderInt("grid size", &crop_size_, 4, 12);
        Tensor img = d.image(Split::test, static_cast<std::size_t>(image_index_));  // (1, 28, 28)
        const int H = static_cast<int>(d.rows), W = static_cast<int>(d.cols);
        ImGui::Text("label %d: %s    shape %s", d.test_labels[image_index_],
                    d.class_names[d.test_labels[image_index_]].c_str(), shape_str(img.shape()).c_str());

        Crop c = crop_around(crop_row_, crop_col_, H, W, crop_size_);
        ui::HeatmapStyle hs;
        hs.zoom = 9;
        hs.value_scale = show_levels_ ? 255.0f : 1.0f;
        ui::Hover h = ui::heatmap("fmnist", img.data(), H, W, hs, {{c.row0, c.col0, c.row0 + c.size, c.col0 + c.size}});
        if (h.clicked) crop_row_ = h.row, crop_col_ = h.col;
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::Text("pixels [%d:%d, %d:%d]", c.row0, c.row0 + c.size, c.col0, c.col0 + c.size);
        Tensor crop = xt::view(img, 0, xt::range(c.row0, c.row0 + c.size), xt::range(c.col0, c.col0 + c.size));
        ui::GridStyle gs;
        gs.format = show_levels_ ? "%.0f" : "%.2f";
        gs.value_scale = show_levels_ ? 255.0f : 1.0f;
        ui::number_grid("fmnist-grid", crop.data(), c.size, c.size, gs);
        ImGui::EndGroup();
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. A synthetic pattern
    //-------------------------------------------------------------------------
    int pattern_ = static_cast<int>(Pattern::ring);
    int pattern_size_ = 10;

    void draw_pattern() {
        ImGui::TextWrapped(
            "Patterns made from a formula make the correspondence easy to follow: each cell of the image "
            "is one number of the grid. The signed wave has negative values; it is drawn with a diverging map "
            "(blue below zero, white at zero, red above), the way the lessons show kernels and gradients.");
        const char* names[kPatternCount];
        for (int i = 0; i < kPatternCount; ++i) names[i] = pattern_name(static_cast<Pattern>(i));
        ImGui::SetNextItemWidth(200);
        ImGui::Combo("pattern", &pattern_, names, kPatternCount);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(150);
        ImGui::SliderInt("size", &pattern_size_, 4, 14);
        const auto n = static_cast<std::size_t>(pattern_size_);
        Tensor p = make_pattern(static_cast<Pattern>(pattern_), n, n);  // (H, W)
        const bool is_signed = static_cast<Pattern>(pattern_) == Pattern::signed_wave;
        ui::HeatmapStyle hs;
        hs.zoom = 16;
        hs.cmap = is_signed ? ui::Colormap::diverging : ui::Colormap::gray;
        hs.auto_range = is_signed;
        ui::heatmap("pattern", p.data(), pattern_size_, pattern_size_, hs);
        ImGui::SameLine();
        ui::GridStyle gs;
        gs.format = is_signed ? "%.2f" : "%.0f";
        gs.cmap = hs.cmap;
        ui::number_grid("pattern-grid", p.data(), pattern_size_, pattern_size_, gs);
        ImGui::Text("shape %s", shape_str(p.shape()).c_str());
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Colour images: three channels
    //-------------------------------------------------------------------------
    Tensor picture_ = make_rgb_picture(48, 64);  // (3, H, W)
    int rgb_row_ = 10, rgb_col_ = 50;

    void draw_channels() {
        ImGui::TextWrapped(
            "A colour image has three numbers per pixel: red, green and blue, each 0..255. [0, 0, 0] is black, "
            "[255, 255, 255] white, [255, 0, 0] pure red. Stored channel by channel it is a 3-D tensor of shape "
            "(3, H, W): three grayscale images, one per channel. Hover a pixel to read its three values.");
        const int H = static_cast<int>(picture_.shape()[1]), W = static_cast<int>(picture_.shape()[2]);
        const std::size_t plane = std::size_t(H) * W;
        ui::Hover h = ui::rgb_image("picture", picture_.data(), H, W, 4.0f, {{rgb_row_, rgb_col_, rgb_row_ + 1, rgb_col_ + 1}});
        if (h.clicked) rgb_row_ = h.row, rgb_col_ = h.col;
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::Text("picture: shape %s", shape_str(picture_.shape()).c_str());
        ImGui::Text("pixel [%d, %d] (click to choose):", rgb_row_, rgb_col_);
        const char* ch_names[3] = {"R", "G", "B"};
        for (int c = 0; c < 3; ++c)
            ImGui::Text("  x[%d, %d, %d] = %.0f  (%s)", c, rgb_row_, rgb_col_,
                        picture_.data()[c * plane + std::size_t(rgb_row_) * W + rgb_col_] * 255.0f, ch_names[c]);
        ImGui::EndGroup();

        const ui::Colormap tints[3] = {ui::Colormap::red, ui::Colormap::green, ui::Colormap::blue};
        static bool tinted = false;
        ImGui::Checkbox("tint channels", &tinted);
        ui::help_marker("Each channel is a grayscale image: bright where the colour has much of that primary. "
                        "The roof is bright in R only; the sky is bright in B (and fairly in G).");
        for (int c = 0; c < 3; ++c) {
            if (c) ImGui::SameLine();
            ImGui::BeginGroup();
            Tensor channel = xt::view(picture_, c);  // (H, W)
            ImGui::Text("x[%d]: %s, shape %s", c, ch_names[c], shape_str(channel.shape()).c_str());
            ui::HeatmapStyle hs;
            hs.zoom = 3;
            hs.cmap = tinted ? tints[c] : ui::Colormap::gray;
            hs.value_scale = 255.0f;
            hs.value_format = "%.0f";
            ui::heatmap(ch_names[c], channel.data(), H, W, hs, {{rgb_row_, rgb_col_, rgb_row_ + 1, rgb_col_ + 1}});
            ImGui::EndGroup();
        }
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Batches and NCHW
    //-------------------------------------------------------------------------
    int n_ = 1, c_ = 0, h_ = 5, w_ = 7;

    void draw_nchw() {
        ImGui::TextWrapped(
            "Networks process many images at once. PyTorch stacks them into one 4-D tensor with the axes in the "
            "order N, C, H, W: batch index, channel, row, column. A batch of 4 Fashion-MNIST images is "
            "(4, 1, 28, 28); the colour picture as a batch of one is (1, 3, H, W). Indexing peels off axes from "
            "the left:");
        Tensor batch = zeros({4, 3, 48, 64});  // (N, C, H, W): four copies of the picture
        for (std::size_t n = 0; n < 4; ++n) xt::view(batch, n) = picture_;
        if (ImGui::BeginTable("views", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
            ImGui::TableSetupColumn("expression");
            ImGui::TableSetupColumn("shape");
            ImGui::TableSetupColumn("meaning");
            ImGui::TableHeadersRow();
            for (const auto& v : nchw_views(batch)) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(v.expression.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(v.shape.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(v.meaning.c_str());
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        ImGui::TextWrapped("In memory the tensor is one long row of numbers; W varies fastest. Choose an element:");
        const auto& S = batch.shape();
        ImGui::SetNextItemWidth(100);
        ImGui::SliderInt("n", &n_, 0, int(S[0]) - 1);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        ImGui::SliderInt("c", &c_, 0, int(S[1]) - 1);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        ImGui::SliderInt("h", &h_, 0, int(S[2]) - 1);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        ImGui::SliderInt("w", &w_, 0, int(S[3]) - 1);
        std::size_t off = flat_offset(batch, {std::size_t(n_), std::size_t(c_), std::size_t(h_), std::size_t(w_)});
        char text[512];
        std::snprintf(text, sizeof text,
                      "shape (N, C, H, W) = %s, strides = (%td, %td, %td, %td)\n"
                      "offset = ((n*C + c)*H + h)*W + w = ((%d*%zu + %d)*%zu + %d)*%zu + %d = %zu\n"
                      "x[%d, %d, %d, %d] = %.0f / 255",
                      shape_str(S).c_str(), batch.strides()[0], batch.strides()[1], batch.strides()[2], batch.strides()[3],
                      n_, S[1], c_, S[2], h_, S[3], w_, off, n_, c_, h_, w_, batch.data()[off] * 255.0f);
        ui::code_block("offset", text);
    }

public:
    TensorsLesson() = default;
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void TensorsLesson::draw() {
    ImGui::TextWrapped("Everything a network computes on is a tensor: an array of numbers with a shape. "
                       "This page shows how images become tensors.");
    if (ImGui::CollapsingHeader("1. An image is a grid of numbers", ImGuiTreeNodeFlags_DefaultOpen)) draw_dataset_image();
    if (ImGui::CollapsingHeader("2. A synthetic pattern", ImGuiTreeNodeFlags_DefaultOpen)) draw_pattern();
    if (ImGui::CollapsingHeader("3. Colour images: three channels", ImGuiTreeNodeFlags_DefaultOpen)) draw_channels();
    if (ImGui::CollapsingHeader("4. Batches and NCHW", ImGuiTreeNodeFlags_DefaultOpen)) draw_nchw();
}

}  // namespace

std::unique_ptr<Lesson> make_tensors_lesson() { return std::make_unique<TensorsLesson>(); }

}  // namespace aelab::lessons
