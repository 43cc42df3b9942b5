// aelab core: PNG encoding (stb_image_write), in memory. No UI: the lesson kit turns figures into
// pixels and the platform saves the bytes (a download in the browser, a file natively).
//
//   std::vector<std::uint8_t> png = aelab::encode_png(rgba.data(), 28, 28, 4);
//
// `pixels` holds `height` rows of `width` pixels, top row first, `channels` bytes per pixel:
// 1 gray, 3 RGB, 4 RGBA (no padding between rows). Sizes are checked before anything is read:
// width and height from 1 to kMaxPngSide, width * height at most kMaxPngPixels; anything else
// (a null buffer, 2 channels, 0 x 5, 70000 x 1) throws aelab::Error naming what was wrong.
#pragma once
#include <cstdint>
#include <vector>

namespace aelab {

constexpr std::int64_t kMaxPngSide = 16384;                 // the largest canvas browsers allow
constexpr std::int64_t kMaxPngPixels = std::int64_t(1) << 26;  // 64 Mpixel: 256 MiB of RGBA

std::vector<std::uint8_t> encode_png(const std::uint8_t* pixels, std::int64_t width, std::int64_t height, int channels);
// The same for a vector, whose size must be exactly width * height * channels.
std::vector<std::uint8_t> encode_png(const std::vector<std::uint8_t>& pixels, std::int64_t width, std::int64_t height,
                                     int channels);

}  // namespace aelab
