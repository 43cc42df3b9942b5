// Tests for core/src/png_write.cpp: PNG bytes decoded again (stb_image, here only) give back
// exactly the pixels written, for gray, RGB and RGBA; bad sizes and buffers give aelab::Error.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "aelab/error.hpp"
#include "aelab/png_write.hpp"
#include "png_test_decode.hpp"

// stb_image for the tests alone: STATIC keeps its symbols inside this file, so the core's own
// decoder (another translation unit with STB_IMAGE_IMPLEMENTATION) cannot clash with it.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace aelab::test {
DecodedPng decode_png(const std::vector<std::uint8_t>& bytes) {
    DecodedPng d;
    int w = 0, h = 0, n = 0;
    stbi_uc* px = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &n, 4);
    if (!px) return d;
    d.width = w, d.height = h, d.channels = n;
    d.rgba.assign(px, px + std::size_t(w) * h * 4);
    stbi_image_free(px);
    d.ok = true;
    return d;
}
}  // namespace aelab::test

using namespace aelab;

namespace {
std::vector<std::uint8_t> pattern(int w, int h, int c) {
    std::vector<std::uint8_t> p(std::size_t(w) * h * c);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::uint8_t((i * 37 + i / 7) & 0xFF);
    return p;
}
}  // namespace

TEST_CASE("png_write: gray, RGB and RGBA round trips are exact") {
    const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    for (int c : {1, 3, 4}) {
        CAPTURE(c);
        const int w = 7, h = 5;  // odd sizes: no row padding may sneak in
        const auto px = pattern(w, h, c);
        const auto png = encode_png(px, w, h, c);
        REQUIRE(png.size() > 8);
        CHECK(std::memcmp(png.data(), sig, 8) == 0);
        const auto d = test::decode_png(png);
        REQUIRE(d.ok);
        CHECK(d.width == w);
        CHECK(d.height == h);
        CHECK(d.channels == c);
        for (int i = 0; i < w * h; ++i) {
            const std::uint8_t* s = &px[std::size_t(i) * c];
            const std::uint8_t* r = &d.rgba[std::size_t(i) * 4];
            if (c == 1) {
                CHECK(r[0] == s[0]);
                CHECK(r[1] == s[0]);
                CHECK(r[2] == s[0]);
                CHECK(r[3] == 255);
            } else {
                CHECK(r[0] == s[0]);
                CHECK(r[1] == s[1]);
                CHECK(r[2] == s[2]);
                CHECK(r[3] == (c == 4 ? s[3] : 255));
            }
        }
    }
}

TEST_CASE("png_write: a 1 x 1 image and a wide strip") {
    const std::vector<std::uint8_t> one = {10, 20, 30, 40};
    auto d = test::decode_png(encode_png(one, 1, 1, 4));
    REQUIRE(d.ok);
    CHECK(d.rgba == one);
    const auto strip = pattern(3000, 1, 3);
    d = test::decode_png(encode_png(strip, 3000, 1, 3));
    REQUIRE(d.ok);
    CHECK(d.width == 3000);
    CHECK(d.rgba[3 * 4 + 0] == strip[9]);
    CHECK(d.rgba[2999 * 4 + 2] == strip[2999 * 3 + 2]);
}

TEST_CASE("png_write: bad input is refused with a message") {
    const std::vector<std::uint8_t> px(16, 0);
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message([&] { encode_png(px, 2, 2, 2); }).find("2 channels") != std::string::npos);
    CHECK(message([&] { encode_png(px, 0, 5, 1); }).find("0 x 5") != std::string::npos);
    CHECK(message([&] { encode_png(px, -4, -4, 1); }).find("from 1 to 16384") != std::string::npos);
    CHECK(message([&] { encode_png(px.data(), 70000, 1, 1); }).find("70000 x 1") != std::string::npos);
    CHECK(message([&] { encode_png(px.data(), 16384, 16384, 4); }).find("the limit is") != std::string::npos);
    CHECK(message([&] { encode_png(nullptr, 2, 2, 4); }).find("no pixel buffer") != std::string::npos);
    CHECK(message([&] { encode_png(px, 3, 3, 4); }).find("16 bytes") != std::string::npos);  // needs 36
    CHECK(message([&] { encode_png(std::vector<std::uint8_t>{}, 1, 1, 1); }).find("no pixel buffer") != std::string::npos);
    // Sizes past 32 bits are refused, not wrapped.
    CHECK(message([&] { encode_png(px.data(), std::int64_t(1) << 33, 1, 1); }).find("from 1 to") != std::string::npos);
}
