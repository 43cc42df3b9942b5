// Lesson "Tensors & images" (id: tensors)
// What it teaches: an image is a grid of numbers; a colour image is three grids (channels);
// deep-learning libraries stack images into 4-D tensors laid out as NCHW.
//
// The template lesson: a new lesson starts as a copy of this file (lessons/README.md). Each
// section is one draw_*() function with its state declared just above it, so one section can
// be copied alone. Everything a student sets is a URL key, declared once in the constructor
// (kit::UrlState) and written back every frame, so a copied link reopens the same view. Maths
// is in namespace tensors (tensors.hpp, tested in tests/lessons/test_tensors.cpp); a section
// with maths ends with the same computation in PyTorch (ui::pytorch_panel) and .npy files of
// the tensors it shows (ui::export_buttons), which that Python loads.
//
// Index of this file:                                              URL keys
//   [SECTION] Maths                                                -
//   [SECTION] In PyTorch                                           -
//   [SECTION] 1. An image is a grid of numbers (Fashion-MNIST)     img, levels, row, col, grid
//   [SECTION] 2. A synthetic pattern                               pattern, size
//   [SECTION] 3. Colour images: three channels                     prow, pcol, tint
//   [SECTION] 4. Batches and NCHW                                  n, c, h, w
//   [SECTION] The lesson: its URL keys and sections                open
#include "tensors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <xtensor/xpad.hpp>
#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/images.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/sections.hpp"
#include "kit/url_state.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"

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

//-----------------------------------------------------------------------------
// [SECTION] In PyTorch
//-----------------------------------------------------------------------------

const char* const kImports = "import numpy as np\nimport torch\n\n";

// "a, b, c": numbers as Python writes a tuple's or an assignment's items.
template <class Values>
std::string comma_list(const Values& values) {
    std::string s;
    for (auto v : values) s += (s.empty() ? "" : ", ") + std::to_string(v);
    return s;
}

std::string pytorch_image(const Tensor& image, const Crop& c, bool levels) {
    check_rank("pytorch_image", "image", image, 3, "1, H, W");
    const std::string rows = std::to_string(c.row0) + ":" + std::to_string(c.row0 + c.size);
    const std::string cols = std::to_string(c.col0) + ":" + std::to_string(c.col0 + c.size);
    Tensor grid = xt::view(image, 0, xt::range(c.row0, c.row0 + c.size), xt::range(c.col0, c.col0 + c.size));
    std::string s = kImports;
    s += "x = torch.from_numpy(np.load('image.npy'))  # " + shape_str(image.shape()) + ", in [0, 1]\n";
    s += "# (torchvision's FashionMNIST with transform=transforms.ToTensor() gives images the same way)\n";
    if (levels) {
        grid = xt::round(grid * 255.0f);
        s += "grid = (x[0, " + rows + ", " + cols + "] * 255).round()  # levels 0..255\n";
    } else {
        s += "grid = x[0, " + rows + ", " + cols + "]\n";
    }
    const std::string check = "print(torch.equal(grid, ";
    return s + check + kit::torch_tensor(grid, true, check.size()) + "))  # True: the grid on the page";
}

std::string pytorch_channels(const Tensor& picture, int row, int col) {
    check_rank("pytorch_channels", "picture", picture, 3, "3, H, W");
    const std::string at = std::to_string(row) + ", " + std::to_string(col);
    const Tensor levels = xt::round(xt::view(picture, xt::all(), row, col) * 255.0f);  // (3,)
    const std::string plane = shape_str(xt::view(picture, 0).shape());
    std::string s = kImports;
    s += "x = torch.from_numpy(np.load('picture.npy'))  # " + shape_str(picture.shape()) + " = (C, H, W), in [0, 1]\n";
    s += "r, g, b = x  # the channel split: three " + plane + " grayscale images\n";
    s += "pixel = (x[:, " + at + "] * 255).round()  # pixel [" + at + "]: its R, G and B levels\n";
    s += "print(torch.equal(pixel, " + kit::torch_tensor(levels) + "))  # True\n";
    return s + "print(x.permute(1, 2, 0).shape)  # channels last (H, W, C), as PIL and matplotlib store images";
}

std::string pytorch_nchw(const Tensor& x, const std::vector<std::size_t>& index) {
    const std::size_t off = flat_offset(x, index);
    const auto& S = x.shape();
    std::string views;
    for (const View& v : nchw_views(x)) views += (views.empty() ? "'" : ", '") + v.expression + "'";
    std::string s = kImports;
    s += "x = torch.from_numpy(np.load('batch.npy'))  # " + shape_str(S) + " = (N, C, H, W)\n";
    s += "for e in [" + views + "]:\n";
    s += "    print(e, tuple(eval(e).shape))  # the shapes in the table\n";
    s += "print(x.stride())  # (" + comma_list(x.strides()) + "): the elements one step on each axis skips\n";
    s += "n, c, h, w = " + comma_list(index) + "\n";
    s += "offset = ((n*" + std::to_string(S[1]) + " + c)*" + std::to_string(S[2]) + " + h)*" + std::to_string(S[3]) +
         " + w  # = " + std::to_string(off) + "\n";
    return s + "print(x.flatten()[offset] == x[n, c, h, w], round(x[n, c, h, w].item() * 255))  # tensor(True) " +
           std::to_string(std::lround(x.data()[off] * 255.0f));
}

}  // namespace tensors

namespace {
using namespace tensors;

class TensorsLesson final : public Lesson {
public:
    TensorsLesson();
    void draw() override;

private:
    //-------------------------------------------------------------------------
    // [SECTION] 1. An image is a grid of numbers
    //-------------------------------------------------------------------------
    int image_index_ = 0;        // clamped to the test set once it has loaded
    bool show_levels_ = true;    // 0..255 instead of 0..1
    int crop_row_ = 14, crop_col_ = 14;  // the grid's centre
    int crop_size_ = 8;

    void draw_dataset_image() {
        ImGui::TextWrapped(
            "A grayscale image is a grid of numbers, one per pixel: 0 is black, the largest value white. "
            "Fashion-MNIST images are 28 x 28 pixels, stored as bytes 0..255; networks usually see them scaled "
            "to 0..1 (as torchvision's ToTensor does). Click the picture to choose which pixels the grid shows.");
        if (!ui::dataset_ready()) return;
        const Dataset& d = *platform::fashion_mnist().dataset;
        const int n = static_cast<int>(d.size(Split::test));
        image_index_ = std::min(image_index_, n - 1);
        ImGui::SetNextItemWidth(200);
        ImGui::SliderInt("test image", &image_index_, 0, n - 1);
        ImGui::SameLine();
        if (ImGui::Button("next")) image_index_ = (image_index_ + 1) % n;
        ImGui::SameLine();
        ImGui::Checkbox("show 0..255", &show_levels_);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(120);
        ImGui::SliderInt("grid size", &crop_size_, 4, 12);
        const Tensor img = d.image(Split::test, static_cast<std::size_t>(image_index_));  // (1, 28, 28)
        const int H = static_cast<int>(d.rows), W = static_cast<int>(d.cols);
        ImGui::Text("label %d: %s    shape %s", d.test_labels[image_index_],
                    d.class_names[d.test_labels[image_index_]].c_str(), shape_str(img.shape()).c_str());

        const Crop c = crop_around(crop_row_, crop_col_, H, W, crop_size_);
        ui::HeatmapStyle hs;
        hs.zoom = 9;
        hs.value_scale = show_levels_ ? 255.0f : 1.0f;
        ui::Hover h = ui::heatmap("fmnist", img.data(), H, W, hs, {{c.row0, c.col0, c.row0 + c.size, c.col0 + c.size}});
        if (h.clicked) crop_row_ = h.row, crop_col_ = h.col;
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::Text("pixels [%d:%d, %d:%d]", c.row0, c.row0 + c.size, c.col0, c.col0 + c.size);
        const Tensor crop = xt::view(img, 0, xt::range(c.row0, c.row0 + c.size), xt::range(c.col0, c.col0 + c.size));
        ui::GridStyle gs;
        gs.format = show_levels_ ? "%.0f" : "%.2f";
        gs.value_scale = show_levels_ ? 255.0f : 1.0f;
        ui::number_grid("fmnist-grid", crop.data(), c.size, c.size, gs);
        ImGui::EndGroup();
        ui::pytorch_panel("torch-image", pytorch_image(img, c, show_levels_));
        ui::export_buttons("export-image", {{"image.npy", &img}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. A synthetic pattern
    //-------------------------------------------------------------------------
    Pattern pattern_ = Pattern::ring;
    int pattern_size_ = 10;

    void draw_pattern() {
        ImGui::TextWrapped(
            "Patterns made from a formula make the correspondence easy to follow: each cell of the image "
            "is one number of the grid. The signed wave has negative values; it is drawn with a diverging map "
            "(blue below zero, white at zero, red above), the way the lessons show kernels and gradients.");
        const char* names[kPatternCount];
        for (int i = 0; i < kPatternCount; ++i) names[i] = pattern_name(static_cast<Pattern>(i));
        int pattern = static_cast<int>(pattern_);
        ImGui::SetNextItemWidth(200);
        if (ui::combo("pattern", &pattern, names, kPatternCount)) pattern_ = static_cast<Pattern>(pattern);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(150);
        ImGui::SliderInt("size", &pattern_size_, 4, 14);
        const auto n = static_cast<std::size_t>(pattern_size_);
        const Tensor p = make_pattern(pattern_, n, n);  // (H, W)
        const bool is_signed = pattern_ == Pattern::signed_wave;
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
        ui::export_buttons("export-pattern", {{"pattern.npy", &p}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Colour images: three channels
    //-------------------------------------------------------------------------
    const Tensor picture_ = make_rgb_picture(48, 64);  // (3, H, W)
    int pixel_row_ = 10, pixel_col_ = 50;
    bool tinted_ = false;

    void draw_channels() {
        ImGui::TextWrapped(
            "A colour image has three numbers per pixel: red, green and blue, each 0..255. [0, 0, 0] is black, "
            "[255, 255, 255] white, [255, 0, 0] pure red. Stored channel by channel it is a 3-D tensor of shape "
            "(3, H, W): three grayscale images, one per channel. Hover a pixel to read its three values.");
        const int H = static_cast<int>(picture_.shape()[1]), W = static_cast<int>(picture_.shape()[2]);
        const std::vector<ui::Highlight> pixel = {{pixel_row_, pixel_col_, pixel_row_ + 1, pixel_col_ + 1}};
        ui::Hover h = ui::rgb_image("picture", picture_.data(), H, W, 4.0f, pixel);
        if (h.clicked) pixel_row_ = h.row, pixel_col_ = h.col;
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::Text("picture: shape %s", shape_str(picture_.shape()).c_str());
        ImGui::Text("pixel [%d, %d] (click to choose):", pixel_row_, pixel_col_);
        const char* ch_names[3] = {"R", "G", "B"};
        for (int c = 0; c < 3; ++c)
            ImGui::Text("  x[%d, %d, %d] = %.0f  (%s)", c, pixel_row_, pixel_col_,
                        picture_(c, pixel_row_, pixel_col_) * 255.0f, ch_names[c]);
        ImGui::EndGroup();

        const ui::Colormap tints[3] = {ui::Colormap::red, ui::Colormap::green, ui::Colormap::blue};
        ImGui::Checkbox("tint channels", &tinted_);
        ui::help_marker("Each channel is a grayscale image: bright where the colour has much of that primary. "
                        "The roof is bright in R only; the sky is bright in B (and fairly in G).");
        for (int c = 0; c < 3; ++c) {
            if (c) ImGui::SameLine();
            ImGui::BeginGroup();
            const Tensor channel = xt::view(picture_, c);  // (H, W)
            ImGui::Text("x[%d]: %s, shape %s", c, ch_names[c], shape_str(channel.shape()).c_str());
            ui::HeatmapStyle hs;
            hs.zoom = 3;
            hs.cmap = tinted_ ? tints[c] : ui::Colormap::gray;
            hs.value_scale = 255.0f;
            hs.value_format = "%.0f";
            ui::heatmap(ch_names[c], channel.data(), H, W, hs, pixel);
            ImGui::EndGroup();
        }
        ui::pytorch_panel("torch-channels", pytorch_channels(picture_, pixel_row_, pixel_col_));
        ui::export_buttons("export-picture", {{"picture.npy", &picture_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Batches and NCHW
    //-------------------------------------------------------------------------
    const Tensor batch_ = xt::tile(xt::view(picture_, xt::newaxis()), {4, 1, 1, 1});  // (N, C, H, W): 4 copies
    int n_ = 1, c_ = 0, h_ = 5, w_ = 7;

    void draw_nchw() {
        ImGui::TextWrapped(
            "Networks process many images at once. PyTorch stacks them into one 4-D tensor with the axes in the "
            "order N, C, H, W: batch index, channel, row, column. A batch of 4 Fashion-MNIST images is "
            "(4, 1, 28, 28); the colour picture as a batch of one is (1, 3, H, W). Indexing peels off axes from "
            "the left:");
        if (ImGui::BeginTable("views", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
            ImGui::TableSetupColumn("expression");
            ImGui::TableSetupColumn("shape");
            ImGui::TableSetupColumn("meaning");
            ImGui::TableHeadersRow();
            for (const auto& v : nchw_views(batch_)) {
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
        const auto& S = batch_.shape();
        int* axes[4] = {&n_, &c_, &h_, &w_};
        const char* names[4] = {"n", "c", "h", "w"};
        for (int a = 0; a < 4; ++a) {
            if (a) ImGui::SameLine();
            ImGui::SetNextItemWidth(100);
            ImGui::SliderInt(names[a], axes[a], 0, int(S[a]) - 1);
        }
        const std::vector<std::size_t> index = {std::size_t(n_), std::size_t(c_), std::size_t(h_), std::size_t(w_)};
        const std::size_t off = flat_offset(batch_, index);
        char text[512];
        std::snprintf(text, sizeof text,
                      "shape (N, C, H, W) = %s, strides = (%td, %td, %td, %td)\n"
                      "offset = ((n*C + c)*H + h)*W + w = ((%d*%zu + %d)*%zu + %d)*%zu + %d = %zu\n"
                      "x[%d, %d, %d, %d] = %.0f / 255",
                      shape_str(S).c_str(), batch_.strides()[0], batch_.strides()[1], batch_.strides()[2],
                      batch_.strides()[3], n_, S[1], c_, S[2], h_, S[3], w_, off, n_, c_, h_, w_,
                      batch_.data()[off] * 255.0f);
        ui::code_block("offset", text);
        ui::pytorch_panel("torch-nchw", pytorch_nchw(batch_, index));
        ui::export_buttons("export-batch", {{"batch.npy", &batch_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] The lesson: its URL keys and sections
    //-------------------------------------------------------------------------
    kit::Sections sections_{0b1111};  // all four open
    kit::UrlState url_;
};

TensorsLesson::TensorsLesson() {
    const auto& P = picture_.shape();  // (3, H, W)
    const auto& B = batch_.shape();    // (N, C, H, W)
    url_.add("img", image_index_, 0, 9999).add("levels", show_levels_);
    url_.add("row", crop_row_, 0, 27).add("col", crop_col_, 0, 27).add("grid", crop_size_, 4, 12);  // 28 x 28 images
    url_.add_enum("pattern", pattern_, kPatternCount).add("size", pattern_size_, 4, 14);
    url_.add("prow", pixel_row_, 0, int(P[1]) - 1).add("pcol", pixel_col_, 0, int(P[2]) - 1).add("tint", tinted_);
    url_.add("n", n_, 0, int(B[0]) - 1).add("c", c_, 0, int(B[1]) - 1);
    url_.add("h", h_, 0, int(B[2]) - 1).add("w", w_, 0, int(B[3]) - 1);
    sections_.bind(url_, 4);
    url_.read();
}

void TensorsLesson::draw() {
    ImGui::TextWrapped("Everything a network computes on is a tensor: an array of numbers with a shape. "
                       "This page shows how images become tensors.");
    if (sections_.header(0, "1. An image is a grid of numbers")) draw_dataset_image();
    if (sections_.header(1, "2. A synthetic pattern")) draw_pattern();
    if (sections_.header(2, "3. Colour images: three channels")) draw_channels();
    if (sections_.header(3, "4. Batches and NCHW")) draw_nchw();
    url_.write();
}

}  // namespace

std::unique_ptr<Lesson> make_tensors_lesson() { return std::make_unique<TensorsLesson>(); }

}  // namespace aelab::lessons
