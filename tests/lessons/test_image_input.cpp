// "Use your own image" (kit/image_input.hpp, kit/platform_upload.hpp): the upload queue, the
// shared image and its status, file reading with its size cap, and the widgets drawn headless.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "headless.hpp"
#include "support/tiny_png.hpp"
#include "kit/image_input.hpp"
#include "kit/platform.hpp"
#include "kit/platform_upload.hpp"

using namespace aelab;

namespace {
std::string write_tmp(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const std::string path = std::string(AELAB_TEST_TMP) + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    return path;
}
}  // namespace

TEST_CASE("image input: an upload becomes the shared image; a bad one keeps the old image and says why") {
    kit::reset_user_image();
    platform::clear_status();
    platform::Upload none;
    CHECK_FALSE(platform::take_upload(none));
    CHECK(kit::user_image() == nullptr);

    platform::queue_image_file(write_tmp("tiny.png", test::tiny_png()));
    const kit::UserImage* u = kit::user_image();  // takes the queued file
    REQUIRE(u != nullptr);
    CHECK(u->name == "tiny.png");
    CHECK(u->file_width == 2);
    CHECK(u->file_height == 1);
    CHECK(u->image.channels == 1);
    CHECK(u->image.chw(0, 0, 0) == 0.0f);
    CHECK(u->image.chw(0, 0, 1) == 1.0f);
    const long first = u->serial;
    CHECK(platform::status().at("upload") == "ok");
    CHECK(platform::status().at("upload_name") == "tiny.png");
    CHECK(platform::status().at("upload_size") == "2 x 1");

    const std::vector<std::uint8_t> png = test::tiny_png();
    platform::queue_image_file(write_tmp("cut.png", std::vector<std::uint8_t>(png.begin(), png.begin() + 40)));
    u = kit::user_image();
    REQUIRE(u != nullptr);
    CHECK(u->serial == first);  // the previous image stays
    CHECK(kit::upload_error().find("cut.png: ") == 0);
    CHECK(platform::status().at("upload") == "error");

    platform::queue_image_file(std::string(AELAB_TEST_TMP) + "/no-such-file.png");
    kit::poll_uploads();
    CHECK(kit::upload_error().find("no-such-file.png: cannot open the file") != std::string::npos);

    platform::queue_image_file(write_tmp("big.png", std::vector<std::uint8_t>(std::size_t(platform::kMaxUploadBytes) + 1, 0)));
    kit::poll_uploads();
    CHECK(kit::upload_error() == "big.png: the file is 20.0 MiB; the limit is 20 MiB");

    platform::queue_image_file(write_tmp("empty.png", {}));
    kit::poll_uploads();
    CHECK(kit::upload_error() == "empty.png: the file is empty (0 bytes), not a PNG or JPEG image");

    platform::queue_upload({"again.png", test::tiny_png(), ""});
    u = kit::user_image();
    CHECK(u->serial == first + 1);
    CHECK(kit::upload_error().empty());
    kit::reset_user_image();
}

TEST_CASE("image input: the widgets draw headless, the 28 x 28 steps follow the options") {
    kit::reset_user_image();
    test::HeadlessImGui gui;
    long seen = 0;
    kit::FashionInput prep;
    bool changed = true;
    gui.frame([&] { changed = kit::image_input("t", seen); });
    CHECK_FALSE(changed);
    CHECK_FALSE(kit::fashion_input("p", prep));  // nothing without an image
    platform::queue_upload({"tiny.png", test::tiny_png(), ""});
    gui.frame([&] {
        changed = kit::image_input("t", seen);
        CHECK(kit::fashion_input("p", prep));
    });
    CHECK(changed);
    REQUIRE(prep.serial == kit::user_image()->serial);
    CHECK(shape_of(prep.steps.final) == Shape{28, 28});
    // 1 row (black, white) padded with the border mean 0.5 to 2 x 2 (the odd extra row goes below),
    // then 28 x 28 (each pixel a 14 x 14 block); not inverted: 0.5 is not a light background
    CHECK_FALSE(prep.steps.inverted);
    CHECK(prep.steps.final(0, 0) == doctest::Approx(0.0));
    CHECK(prep.steps.final(13, 27) == doctest::Approx(1.0));
    CHECK(prep.steps.final(14, 0) == doctest::Approx(0.5));
    CHECK(prep.steps.final(27, 27) == doctest::Approx(0.5));
    prep.options.invert = InvertMode::always;
    REQUIRE(kit::update_fashion_input(prep));
    CHECK(prep.steps.final(0, 0) == doctest::Approx(1.0));
    gui.frame([&] { CHECK_FALSE(kit::image_input("t", seen)); });  // seen: no change
    kit::ThroughModel through;
    gui.frame([&] {
        kit::user_image_through_model("through", through, [](const Tensor& x) {
            CHECK(shape_of(x) == Shape{1, 1, 28, 28});
            return std::vector<kit::ModelOutput>{{"identity", x}};
        });
    });
    CHECK(platform::status().at("through") == "your image");
    CHECK(platform::status().at("through_mse") == "0.000000");
    const Tensor fit = kit::fit_user_image(kit::user_image()->image.chw, 3, 2, 4);
    CHECK(shape_of(fit) == Shape{3, 2, 4});
    kit::reset_user_image();
}
