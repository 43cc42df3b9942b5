#include "image_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <imgui.h>
#include <xtensor/xview.hpp>

#include "kit/a11y.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"

namespace aelab::kit {

namespace {
struct Shared {
    UserImage image;
    bool has = false;
    std::string error;
    std::string last_name;  // the last file tried (for the status)
    char path[512] = "";    // native: the path box
};
Shared& shared() {
    static Shared s;
    return s;
}

void report_status() {
    const Shared& s = shared();
    if (s.has) {  // the image in use, whatever the last file tried was
        platform::set_status("upload_image", s.image.name);
        platform::set_status("upload_size", std::to_string(s.image.file_width) + " x " + std::to_string(s.image.file_height));
        platform::set_status("upload_format", s.image.image.format);
        platform::set_status("upload_serial", std::to_string(s.image.serial));
    }
    if (!s.error.empty()) {
        platform::set_status("upload", "error");
        platform::set_status("upload_error", s.error);
        platform::set_status("upload_name", s.last_name);
    } else if (s.has) {
        platform::set_status("upload", "ok");
        platform::set_status("upload_error", "");
        platform::set_status("upload_name", s.image.name);
    }
}

// Scales an (C, H, W) image down so its longer side is at most `side`, aspect kept.
Tensor limit_side(const Tensor& chw, int side) {
    const int h = int(chw.shape()[1]), w = int(chw.shape()[2]);
    if (h <= side && w <= side) return chw;
    const double s = double(side) / double(std::max(h, w));
    return resize_area(chw, std::max(1, int(std::lround(h * s))), std::max(1, int(std::lround(w * s))));
}

// A thumbnail's zoom: the longer side at `px` screen pixels.
float zoom_for(const Tensor& t, float px) {
    const std::size_t n = t.dimension();
    const float side = float(std::max(t.shape()[n - 2], t.shape()[n - 1]));
    return px / side;
}
}  // namespace

void poll_uploads() {
    platform::install_image_input();
    platform::Upload up;
    if (platform::take_upload(up)) accept_upload(up);
    report_status();
}

const UserImage* user_image() {
    poll_uploads();
    return shared().has ? &shared().image : nullptr;
}
const std::string& upload_error() { return shared().error; }
void reset_user_image() {
    const long serial = shared().image.serial;
    shared() = Shared{};
    shared().image.serial = serial;  // serials keep increasing, so lessons see a new image as new
}

std::string accept_upload(const platform::Upload& upload) {
    Shared& s = shared();
    s.last_name = upload.name;
    try {
        if (!upload.error.empty()) throw Error(upload.error);
        DecodedImage img = decode_image(upload.bytes.data(), upload.bytes.size(), upload.name);
        s.image.file_width = img.width;
        s.image.file_height = img.height;
        img.chw = limit_side(img.chw, kUserImageSide);
        img.height = int(img.chw.shape()[1]);
        img.width = int(img.chw.shape()[2]);
        s.image.image = std::move(img);
        s.image.name = upload.name;
        s.image.serial += 1;
        s.has = true;
        s.error.clear();
        a11y::announce(ui::format("Using your image %s, %d x %d pixels", printable(upload.name, 60).c_str(),
                                  s.image.file_width, s.image.file_height));
    } catch (const std::exception& e) {
        s.error = e.what();
        a11y::announce("Image not used: " + s.error, true);
    }
    return s.error;
}

bool image_input(const char* id, long& seen) {
    ImGui::PushID(id);
    platform::install_image_input();
    poll_uploads();
    Shared& s = shared();
    platform::Upload up;

    if (platform::has_image_picker()) {
        if (ImGui::Button("Use your own image...")) platform::open_image_picker();
        ImGui::SameLine();
        if (platform::dragging_file())
            ImGui::TextColored(palette::text(palette::text_accent), "Drop the image on the page to use it");
        else
            ImGui::TextDisabled("or drop a PNG or JPEG on the page");
    } else {
        ImGui::SetNextItemWidth(std::min(320.0f, ImGui::GetContentRegionAvail().x * 0.6f));
        const bool enter = ImGui::InputText("image file (PNG or JPEG)", s.path, sizeof s.path, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if ((ImGui::Button("Open image") || enter) && s.path[0]) {
            platform::queue_image_file(s.path);
            if (platform::take_upload(up)) accept_upload(up);
        }
        ImGui::TextDisabled("or drop a PNG or JPEG on the window, or start the app with --image FILE");
    }
    ImGui::TextDisabled("PNG or JPEG, at most %d x %d pixels and 20 MB. Your image stays on this computer: it is not sent "
                        "anywhere and not kept in the link.", kMaxImageSide, kMaxImageSide);
    if (!s.error.empty()) {
        ui::error_panel("Image not used", s.has ? s.error + "\n(Still using " + printable(s.image.name, 60) + ".)" : s.error);
    } else if (s.has) {
        const UserImage& u = s.image;
        ImGui::Text("Your image: %s, %d x %d pixels (%s, %s%s)", printable(u.name, 60).c_str(), u.file_width, u.file_height,
                    u.image.format, u.image.channels == 3 ? "colour" : "gray",
                    u.image.file_channels == 2 || u.image.file_channels == 4 ? ", transparency shown over white" : "");
    }
    report_status();
    ImGui::PopID();
    const bool changed = s.has && seen != s.image.serial;
    if (s.has) seen = s.image.serial;
    return changed;
}

bool update_fashion_input(FashionInput& in) {
    const UserImage* u = user_image();
    if (!u) return false;
    in.steps = fashion_preprocess(u->image.chw, in.options);
    in.serial = u->serial;
    return true;
}

bool fashion_input(const char* id, FashionInput& in) {
    const UserImage* u = user_image();
    if (!u) return false;
    ImGui::PushID(id);
    bool changed = in.serial != u->serial;
    int square = in.options.square == SquareMode::pad ? 0 : 1;
    ImGui::TextUnformatted("Make it square:");
    ImGui::SameLine();
    changed |= ui::radio_button("pad", &square, 0);
    ImGui::SameLine();
    changed |= ui::radio_button("crop the centre", &square, 1);
    int invert = static_cast<int>(in.options.invert);
    ImGui::TextUnformatted("Invert (Fashion-MNIST is a light garment on black):");
    ImGui::SameLine();
    changed |= ui::radio_button("when the background is light", &invert, 0);
    ImGui::SameLine();
    changed |= ui::radio_button("always", &invert, 1);
    ImGui::SameLine();
    changed |= ui::radio_button("never", &invert, 2);
    in.options.square = square == 0 ? SquareMode::pad : SquareMode::crop;
    in.options.invert = static_cast<InvertMode>(invert);
    if (changed) update_fashion_input(in);
    if (in.show_steps && in.serial == u->serial) {
        const FashionSteps& st = in.steps;
        const float px = 96.0f;
        auto step = [&](const char* fig, const char* caption, bool first, auto&& draw) {
            ui::begin_flow(fig, first);
            ImGui::TextUnformatted(caption);
            draw();
            ui::end_flow();
        };
        const Tensor& chw = u->image.chw;
        step("orig", "1. your image", true, [&] {
            if (chw.shape()[0] == 3)
                ui::rgb_image("your image", chw.data(), int(chw.shape()[1]), int(chw.shape()[2]), zoom_for(chw, px));
            else
                ui::gray_image("your image", Tensor(xt::view(chw, 0)), zoom_for(chw, px));
        });
        step("gray", "2. grayscale", false, [&] { ui::gray_image("grayscale", st.gray, zoom_for(st.gray, px)); });
        step("square", st.square.shape()[0] == st.gray.shape()[0] && st.square.shape()[1] == st.gray.shape()[1]
                           ? "3. square (already)" : (in.options.square == SquareMode::pad ? "3. padded" : "3. cropped"),
             false, [&] { ui::gray_image("square", st.square, zoom_for(st.square, px)); });
        step("small", "4. 28 x 28", false, [&] { ui::gray_image("resized to 28 x 28", st.resized, px / 28.0f); });
        step("final", st.inverted ? "5. inverted: the input" : "5. not inverted: the input", false,
             [&] { ui::gray_image("model input", st.final, px / 28.0f); });
        ImGui::TextDisabled("Gray = 0.299 R + 0.587 G + 0.114 B (as PIL's convert('L')); padding uses the border's mean "
                            "(%.2f); 28 x 28 by area averaging (F.interpolate(mode='area')).", st.background);
    }
    ImGui::PopID();
    return changed;
}

void user_image_through_model(const char* id, ThroughModel& state,
                              const std::function<std::vector<ModelOutput>(const Tensor& x)>& run) {
    ImGui::PushID(id);
    if (user_image()) ImGui::SetNextItemOpen(true, ImGuiCond_Once);
    const bool open = ImGui::TreeNode("Your own image through the network");
    if (open) {
        image_input("in", state.seen);
        fashion_input("prep", state.input);
        if (user_image()) {
            if (state.input.serial != user_image()->serial) update_fashion_input(state.input);
            Tensor x = state.input.steps.final;
            x.reshape({1, 1, 28, 28});
            try {
                const std::vector<ModelOutput> outs = run(x);
                const float zoom = 4.0f;
                ui::begin_flow("x", true);
                ImGui::TextUnformatted("input: your image");
                ui::gray_image("your image, model input", state.input.steps.final, zoom);
                ui::end_flow();
                for (std::size_t i = 0; i < outs.size(); ++i) {
                    Tensor y = outs[i].image;
                    if (y.size() != 784) throw Error("the model's output has shape " + shape_str(y.shape()) + ", not 28 x 28");
                    y.reshape({28, 28});
                    double se = 0;
                    for (std::size_t k = 0; k < 784; ++k) {
                        const double d = double(y.data()[k]) - double(state.input.steps.final.data()[k]);
                        se += d * d;
                    }
                    const std::string mse = ui::format("MSE %.4f", se / 784.0);
                    ImGui::PushID(int(i));
                    ui::begin_flow("y");
                    ImGui::TextUnformatted(outs[i].caption.c_str());
                    ui::gray_image(outs[i].caption.c_str(), y, zoom);
                    ImGui::TextUnformatted(mse.c_str());
                    ui::end_flow();
                    ImGui::PopID();
                    if (i == 0) platform::set_status(std::string(id) + "_mse", ui::format("%.6f", se / 784.0));
                }
                platform::set_status(id, "your image");
                ImGui::TextDisabled("A picture unlike Fashion-MNIST's garments is off the data the network learned: expect "
                                    "it to come back looking more like a garment than like your picture.");
            } catch (const std::exception& e) {
                ui::error_panel("Your image could not go through the network", e.what());
            }
        }
        ImGui::TreePop();
    }
    ImGui::PopID();
}

Tensor fit_user_image(const Tensor& chw, int channels, int h, int w) {
    const int H = int(chw.shape()[1]), W = int(chw.shape()[2]);
    // the largest h : w window centred in the image
    int ch = H, cw = int(std::lround(double(H) * w / h));
    if (cw > W) {
        cw = W;
        ch = std::max(1, int(std::lround(double(W) * h / w)));
    }
    cw = std::max(1, std::min(cw, W));
    ch = std::max(1, std::min(ch, H));
    const int r0 = (H - ch) / 2, c0 = (W - cw) / 2;
    const std::size_t C = chw.shape()[0];
    Tensor crop = zeros({C, std::size_t(ch), std::size_t(cw)});
    for (std::size_t k = 0; k < C; ++k)
        for (int r = 0; r < ch; ++r)
            std::copy(chw.data() + (k * H + std::size_t(r0 + r)) * W + c0, chw.data() + (k * H + std::size_t(r0 + r)) * W + c0 + cw,
                      crop.data() + (k * ch + std::size_t(r)) * cw);
    Tensor out = resize_area(crop, h, w);
    if (channels == 3) return to_rgb(out);
    Tensor g = to_grayscale(out);
    g.reshape({1, std::size_t(h), std::size_t(w)});
    return g;
}

void test_or_own_image(OwnImageChoice& c) {
    if (ImGui::TreeNode("Your own image")) {
        if (image_input("mine", c.seen)) c.use = true;
        if (user_image()) {
            int pick = c.use ? 1 : 0;
            if (ui::radio_button("test image##src", &pick, 0)) c.use = false;
            ImGui::SameLine();
            if (ui::radio_button("your image, as 28 x 28 grayscale##src", &pick, 1)) c.use = true;
            fashion_input("prep", c.input);
        }
        ImGui::TreePop();
    } else if (user_image() && user_image()->serial != c.seen) {
        c.seen = user_image()->serial;  // brought in another lesson
        c.use = true;
    }
    if (!user_image()) c.use = false;
    if (c.use && c.input.serial != user_image()->serial) update_fashion_input(c.input);
}

}  // namespace aelab::kit
