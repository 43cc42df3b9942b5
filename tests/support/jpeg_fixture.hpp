// JPEG test fixtures, encoded in memory by stb_image_write (Debian's libstb-dev). Kept in its own
// translation unit: stb's JPEG bit writer shifts a negative int left (stbiw__jpg_writeBits,
// `bitBuf <<= 8`), which UBSan reports; that file alone is compiled with -fno-sanitize=shift
// (tests/CMakeLists.txt), so the checks stay on for everything of ours.
#pragma once

#include <cstdint>
#include <vector>

namespace aelab_test {

// Encodes w x h pixels of comp channels (1 or 3), row-major, at the given quality (1..100).
// Returns an empty vector if stb could not encode.
std::vector<std::uint8_t> encode_jpeg(int w, int h, int comp, const std::vector<std::uint8_t>& pixels,
                                      int quality);

}  // namespace aelab_test
