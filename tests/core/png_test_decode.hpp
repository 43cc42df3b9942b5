// Test helper: decodes a PNG with stb_image (its implementation lives, file-local, in
// test_png_write.cpp) so tests can compare saved figures with the pixels they should hold.
#pragma once
#include <cstdint>
#include <vector>

namespace aelab::test {
struct DecodedPng {
    int width = 0, height = 0, channels = 0;  // channels as stored in the file
    std::vector<std::uint8_t> rgba;           // always converted to 4 channels
    bool ok = false;
};
DecodedPng decode_png(const std::vector<std::uint8_t>& bytes);
}  // namespace aelab::test
