// The student's own pictures (image_decode.hpp): PNG fixtures are written here byte by byte (a
// tiny PNG writer with stored deflate blocks), so every pixel value is known exactly; JPEG
// fixtures are encoded by stb_image_write (tests/support/jpeg_fixture.cpp) and compared with tolerances.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "aelab/image_decode.hpp"

#include "../support/jpeg_fixture.hpp"

using namespace aelab;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}
void put32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(v >> s));
}
void chunk(Bytes& png, const char* type, const Bytes& data) {
    put32(png, std::uint32_t(data.size()));
    Bytes td(type, type + 4);
    td.insert(td.end(), data.begin(), data.end());
    png.insert(png.end(), td.begin(), td.end());
    put32(png, crc32(td.data(), td.size()));
}
// A PNG of `width` x `height` with the given colour type (0 gray, 2 RGB, 4 gray+alpha, 6 RGBA)
// and bit depth; `samples` in row-major order, channels interleaved (16-bit: values 0..65535).
// Scanlines use filter 0, the zlib stream stored (uncompressed) blocks.
Bytes make_png(std::uint32_t width, std::uint32_t height, int color_type, int depth, const std::vector<int>& samples) {
    const int channels = color_type == 0 ? 1 : color_type == 2 ? 3 : color_type == 4 ? 2 : 4;
    Bytes raw;
    std::size_t k = 0;
    for (std::uint32_t r = 0; r < height; ++r) {
        raw.push_back(0);
        for (std::uint32_t i = 0; i < width * std::uint32_t(channels); ++i) {
            const int v = samples.at(k++);
            if (depth == 16) raw.push_back(std::uint8_t(v >> 8));
            raw.push_back(std::uint8_t(v & 0xFF));
        }
    }
    Bytes z = {0x78, 0x01};
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        z.push_back(pos + n == raw.size() ? 1 : 0);
        z.push_back(std::uint8_t(n & 0xFF));
        z.push_back(std::uint8_t(n >> 8));
        z.push_back(std::uint8_t(~n & 0xFF));
        z.push_back(std::uint8_t((~n >> 8) & 0xFF));
        z.insert(z.end(), raw.begin() + long(pos), raw.begin() + long(pos + n));
        pos += n;
    } while (pos < raw.size());
    std::uint32_t a = 1, b = 0;
    for (std::uint8_t v : raw) {
        a = (a + v) % 65521;
        b = (b + a) % 65521;
    }
    put32(z, (b << 16) | a);
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    Bytes ihdr;
    put32(ihdr, width);
    put32(ihdr, height);
    ihdr.push_back(std::uint8_t(depth));
    ihdr.push_back(std::uint8_t(color_type));
    ihdr.push_back(0);
    ihdr.push_back(0);
    ihdr.push_back(0);
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", {});
    return png;
}

Bytes make_jpeg(int w, int h, int comp, const std::vector<std::uint8_t>& pixels, int quality = 95) {
    Bytes out = aelab_test::encode_jpeg(w, h, comp, pixels, quality);
    REQUIRE(!out.empty());
    return out;
}

DecodedImage decode(const Bytes& b, const std::string& name = "test.png") { return decode_image(b.data(), b.size(), name); }
std::string decode_error(const Bytes& b, const std::string& name = "test.png") {
    try {
        decode(b, name);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}
float px(const DecodedImage& img, int c, int r, int col) {
    return img.chw.data()[(std::size_t(c) * std::size_t(img.height) + std::size_t(r)) * std::size_t(img.width) + std::size_t(col)];
}

}  // namespace

TEST_CASE("decode_image: 8-bit RGB PNG, exact values, planar (3, H, W)") {
    // 3 x 2: red, green, blue / white, black, (10, 128, 250)
    const Bytes png = make_png(3, 2, 2, 8, {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 10, 128, 250});
    const DecodedImage img = decode(png);
    CHECK(img.width == 3);
    CHECK(img.height == 2);
    CHECK(img.channels == 3);
    CHECK(img.file_channels == 3);
    CHECK(img.bits == 8);
    CHECK(std::string(img.format) == "PNG");
    CHECK(shape_of(img.chw) == Shape{3, 2, 3});
    CHECK(px(img, 0, 0, 0) == 1.0f);
    CHECK(px(img, 1, 0, 0) == 0.0f);
    CHECK(px(img, 1, 0, 1) == 1.0f);
    CHECK(px(img, 2, 0, 2) == 1.0f);
    CHECK(px(img, 0, 1, 1) == 0.0f);
    CHECK(px(img, 0, 1, 2) == doctest::Approx(10.0 / 255).epsilon(1e-6));
    CHECK(px(img, 1, 1, 2) == doctest::Approx(128.0 / 255).epsilon(1e-6));
    CHECK(px(img, 2, 1, 2) == doctest::Approx(250.0 / 255).epsilon(1e-6));
    // BT.601 luma of (10, 128, 250): 0.299*10 + 0.587*128 + 0.114*250 = 106.626 levels
    const Tensor g = to_grayscale(img.chw);
    CHECK(shape_of(g) == Shape{2, 3});
    CHECK(g(0, 0) == doctest::Approx(0.299).epsilon(1e-6));
    CHECK(g(0, 1) == doctest::Approx(0.587).epsilon(1e-6));
    CHECK(g(0, 2) == doctest::Approx(0.114).epsilon(1e-6));
    CHECK(g(1, 0) == doctest::Approx(1.0).epsilon(1e-6));
    CHECK(g(1, 2) == doctest::Approx(106.626 / 255).epsilon(1e-6));
}

TEST_CASE("decode_image: grayscale PNG is one plane; to_rgb repeats it") {
    const Bytes png = make_png(2, 2, 0, 8, {0, 51, 204, 255});
    const DecodedImage img = decode(png);
    CHECK(img.channels == 1);
    CHECK(img.file_channels == 1);
    CHECK(px(img, 0, 0, 1) == doctest::Approx(0.2).epsilon(1e-6));
    CHECK(px(img, 0, 1, 0) == doctest::Approx(0.8).epsilon(1e-6));
    const Tensor rgb = to_rgb(img.chw);
    CHECK(shape_of(rgb) == Shape{3, 2, 2});
    CHECK(rgb(2, 1, 0) == doctest::Approx(0.8).epsilon(1e-6));
    CHECK(to_grayscale(img.chw)(0, 1) == doctest::Approx(0.2).epsilon(1e-6));
}

TEST_CASE("decode_image: RGBA and gray+alpha are composited over white") {
    // opaque red, transparent black, half-transparent (alpha 102 = 0.4) blue
    const Bytes png = make_png(3, 1, 6, 8, {255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 102});
    const DecodedImage img = decode(png);
    CHECK(img.channels == 3);
    CHECK(img.file_channels == 4);
    CHECK(px(img, 0, 0, 0) == 1.0f);
    CHECK(px(img, 1, 0, 0) == 0.0f);
    for (int c = 0; c < 3; ++c) CHECK(px(img, c, 0, 1) == 1.0f);  // fully transparent: white
    CHECK(px(img, 0, 0, 2) == doctest::Approx(0.6).epsilon(1e-6));  // 0.4 * 0 + 0.6
    CHECK(px(img, 2, 0, 2) == doctest::Approx(1.0).epsilon(1e-6));  // 0.4 * 1 + 0.6
    const Bytes ga = make_png(2, 1, 4, 8, {0, 255, 0, 51});  // black opaque, black at alpha 0.2
    const DecodedImage g = decode(ga);
    CHECK(g.channels == 1);
    CHECK(g.file_channels == 2);
    CHECK(px(g, 0, 0, 0) == 0.0f);
    CHECK(px(g, 0, 0, 1) == doctest::Approx(0.8).epsilon(1e-6));
}

TEST_CASE("decode_image: 16-bit PNG keeps full precision") {
    const Bytes png = make_png(2, 1, 0, 16, {1, 65535 - 1});
    const DecodedImage img = decode(png);
    CHECK(img.bits == 16);
    CHECK(px(img, 0, 0, 0) == doctest::Approx(1.0 / 65535).epsilon(1e-5));
    CHECK(px(img, 0, 0, 1) == doctest::Approx(65534.0 / 65535).epsilon(1e-7));
    CHECK(px(img, 0, 0, 0) > 0.0f);  // 8 bits would have rounded it to 0
    const Bytes rgb16 = make_png(1, 1, 2, 16, {65535, 32768, 0});
    const DecodedImage c = decode(rgb16);
    CHECK(c.channels == 3);
    CHECK(px(c, 1, 0, 0) == doctest::Approx(32768.0 / 65535).epsilon(1e-6));
}

TEST_CASE("decode_image: JPEG within tolerance, colour and gray") {
    // 16 x 8: left half (200, 40, 60), right half (20, 160, 230): flat 8x8 blocks survive
    // JPEG at quality 95 to within a few levels (chroma is subsampled per 2x2, still flat).
    std::vector<std::uint8_t> rgb;
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 16; ++c) {
            const bool left = c < 8;
            rgb.push_back(left ? 200 : 20);
            rgb.push_back(left ? 40 : 160);
            rgb.push_back(left ? 60 : 230);
        }
    const Bytes jpg = make_jpeg(16, 8, 3, rgb);
    const DecodedImage img = decode(jpg, "photo.jpg");
    CHECK(std::string(img.format) == "JPEG");
    CHECK(img.channels == 3);
    CHECK(img.width == 16);
    CHECK(img.height == 8);
    const double tol = 6.0 / 255;
    CHECK(std::abs(px(img, 0, 3, 2) - 200.0f / 255) <= tol);
    CHECK(std::abs(px(img, 1, 3, 2) - 40.0f / 255) <= tol);
    CHECK(std::abs(px(img, 2, 3, 2) - 60.0f / 255) <= tol);
    CHECK(std::abs(px(img, 0, 4, 13) - 20.0f / 255) <= tol);
    CHECK(std::abs(px(img, 1, 4, 13) - 160.0f / 255) <= tol);
    CHECK(std::abs(px(img, 2, 4, 13) - 230.0f / 255) <= tol);
    // stb_image_write stores gray input as a 3-component (YCbCr) JPEG: three equal planes.
    const Bytes gray = make_jpeg(8, 8, 1, std::vector<std::uint8_t>(64, 90));
    const DecodedImage g = decode(gray, "gray.jpg");
    CHECK(g.channels == 3);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(px(g, c, 5, 5) - 90.0f / 255) <= 2.0 / 255);
    CHECK(std::abs(to_grayscale(g.chw)(5, 5) - 90.0f / 255) <= 2.0 / 255);
}

TEST_CASE("decode_image: empty, garbage and truncated files are refused with a message") {
    CHECK(decode_error({}) == "test.png: the file is empty (0 bytes), not a PNG or JPEG image");
    CHECK_THROWS_AS(decode_image(nullptr, 0, "x"), Error);
    const Bytes garbage = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'};
    CHECK(decode_error(garbage, "notes.txt").find("notes.txt: not a PNG or JPEG image") == 0);
    // A GIF signature is an image, but not one we read.
    const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0};
    CHECK(decode_error(gif, "a.gif").find("not a PNG or JPEG") != std::string::npos);

    const Bytes png = make_png(8, 8, 2, 8, std::vector<int>(8 * 8 * 3, 77));
    for (std::size_t keep : {std::size_t(8), std::size_t(20), std::size_t(40), png.size() - 30, png.size() - 13}) {
        CAPTURE(keep);
        const Bytes cut(png.begin(), png.begin() + long(keep));
        const std::string msg = decode_error(cut);
        CHECK(msg.find("test.png: ") == 0);
        CHECK(msg != "(no error)");
    }
    // A JPEG cut in its scan data: stb_image alone would fill the rest with gray.
    std::vector<std::uint8_t> noise(32 * 32 * 3);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = std::uint8_t((i * 7919) % 251);
    const Bytes jpg = make_jpeg(32, 32, 3, noise);
    const Bytes cut(jpg.begin(), jpg.begin() + long(jpg.size() * 2 / 3));
    CHECK(decode_error(cut, "cut.jpg") == "cut.jpg: the JPEG file is truncated (its last scan has no end-of-image marker)");
    const Bytes header_only(jpg.begin(), jpg.begin() + 6);
    CHECK(decode_error(header_only, "cut.jpg").find("cut.jpg: cannot read the JPEG header") == 0);
    // Names are made printable in messages.
    CHECK(decode_error(garbage, "a\x1b[2Jb.png").find("a\\x1B[2Jb.png: ") == 0);
}

TEST_CASE("decode_image: an oversized header is refused before any pixel is allocated") {
    // IHDR declaring 100000 x 100000 with a 1-byte IDAT: decoding it would need 30 GB; the
    // header check refuses it from the 33 bytes of signature and IHDR.
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    Bytes ihdr;
    put32(ihdr, 100000);
    put32(ihdr, 100000);
    for (std::uint8_t v : {8, 2, 0, 0, 0}) ihdr.push_back(v);
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", {0});
    CHECK(decode_error(png, "huge.png") ==
          "huge.png: 100000 x 100000 pixels is too large; the limit is 4096 x 4096 (scale the picture down first)");
    const ImageHeader h = [&] {
        Bytes ok = make_png(4096, 1, 0, 8, std::vector<int>(4096, 0));
        return read_image_header(ok.data(), ok.size());
    }();
    CHECK(h.width == 4096);
    CHECK(h.height == 1);
    Bytes wide = make_png(4097, 1, 0, 8, std::vector<int>(4097, 0));
    CHECK(decode_error(wide, "wide.png").find("4097 x 1 pixels is too large") != std::string::npos);
    // Beyond stb_image's own 2^24 bound: the same message.
    Bytes png2 = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    Bytes ihdr2;
    put32(ihdr2, 20000000);
    put32(ihdr2, 1);
    for (std::uint8_t v : {8, 0, 0, 0, 0}) ihdr2.push_back(v);
    chunk(png2, "IHDR", ihdr2);
    CHECK(decode_error(png2, "huge.png").find("huge.png: 20000000 x 1 pixels is too large; the limit is 4096 x 4096") == 0);
    // A file over kMaxImageBytes is refused before its header is read.
    Bytes big(std::size_t(kMaxImageBytes) + 1, 0);
    CHECK(decode_error(big, "big.png") == "big.png: the file is 20.0 MiB; the limit is 20 MiB");
}

TEST_CASE("resize_area equals torch adaptive_avg_pool2d / interpolate(mode='area')") {
    std::vector<float> v(35);
    for (int i = 0; i < 35; ++i) v[std::size_t(i)] = float(i);
    const Tensor x = from_values({5, 7}, v);
    // torch.nn.functional.interpolate(torch.arange(35.).reshape(1,1,5,7), size=(3,2), mode='area')
    const Tensor down = resize_area(x, 3, 2);
    const std::vector<float> want_down = {5.0f, 8.0f, 15.5f, 18.5f, 26.0f, 29.0f};
    for (std::size_t i = 0; i < 6; ++i) CHECK(down.data()[i] == doctest::Approx(want_down[i]));
    // size=(7,3): rows upsampled (repeated or averaged over 2), columns down
    const Tensor mixed = resize_area(x, 7, 3);
    const std::vector<float> want_mixed = {1.0f,  3.0f,  5.0f,  4.5f,  6.5f,  8.5f,  11.5f, 13.5f, 15.5f, 15.0f, 17.0f,
                                           19.0f, 18.5f, 20.5f, 22.5f, 25.5f, 27.5f, 29.5f, 29.0f, 31.0f, 33.0f};
    for (std::size_t i = 0; i < want_mixed.size(); ++i) CHECK(mixed.data()[i] == doctest::Approx(want_mixed[i]));
    // (C, H, W) resizes each plane
    Tensor chw = zeros({2, 2, 2});
    chw(1, 0, 0) = 4.0f;
    const Tensor one = resize_area(chw, 1, 1);
    CHECK(shape_of(one) == Shape{2, 1, 1});
    CHECK(one(0, 0, 0) == 0.0f);
    CHECK(one(1, 0, 0) == 1.0f);
    CHECK_THROWS_WITH_AS(resize_area(x, 0, 3), "resize_area: the output size must be 1..4096 on each side, got 0 x 3", Error);
}

TEST_CASE("make_square: centred crop and pad") {
    const Tensor x = from_values({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    const Tensor c = make_square(x, SquareMode::crop, 0);
    CHECK(shape_of(c) == Shape{2, 2});
    CHECK(c(0, 0) == 2.0f);
    CHECK(c(1, 1) == 7.0f);
    const Tensor p = make_square(x, SquareMode::pad, 9);
    CHECK(shape_of(p) == Shape{4, 4});
    CHECK(p(0, 0) == 9.0f);
    CHECK(p(1, 0) == 1.0f);
    CHECK(p(2, 3) == 8.0f);
    CHECK(p(3, 3) == 9.0f);
    CHECK(border_mean(x) == doctest::Approx(4.5));
}

TEST_CASE("fashion_preprocess: a dark shape on white becomes a light shape on black, 28 x 28") {
    // 56 x 28 white RGB with a black block at rows 14..41, cols 8..19: padded to 56 x 56 (the
    // block moves to cols 22..33), averaged 2x2 to 28 x 28 (rows 7..20, cols 11..16), inverted
    // because the border is white.
    std::vector<int> s;
    for (int r = 0; r < 56; ++r)
        for (int c = 0; c < 28; ++c)
            for (int k = 0; k < 3; ++k) s.push_back(r >= 14 && r <= 41 && c >= 8 && c <= 19 ? 0 : 255);
    const DecodedImage img = decode(make_png(28, 56, 2, 8, s));
    const FashionSteps st = fashion_preprocess(img.chw);
    CHECK(shape_of(st.gray) == Shape{56, 28});
    CHECK(shape_of(st.square) == Shape{56, 56});
    CHECK(shape_of(st.resized) == Shape{28, 28});
    CHECK(shape_of(st.final) == Shape{28, 28});
    CHECK(st.background == doctest::Approx(1.0));
    CHECK(st.inverted);
    for (int r = 0; r < 28; ++r)
        for (int c = 0; c < 28; ++c) {
            const bool in = r >= 7 && r <= 20 && c >= 11 && c <= 16;
            CAPTURE(r);
            CAPTURE(c);
            CHECK(st.final(r, c) == doctest::Approx(in ? 1.0 : 0.0).epsilon(1e-6));
            CHECK(st.resized(r, c) == doctest::Approx(in ? 0.0 : 1.0).epsilon(1e-6));
        }
    FashionOptions never;
    never.invert = InvertMode::never;
    never.square = SquareMode::crop;
    const FashionSteps k = fashion_preprocess(img.chw, never);
    CHECK_FALSE(k.inverted);
    CHECK(shape_of(k.square) == Shape{28, 28});  // rows 14..41 kept: the block fills rows 0..27
    CHECK(k.final(0, 10) == doctest::Approx(0.0));
    CHECK(k.final(0, 0) == doctest::Approx(1.0));
}
