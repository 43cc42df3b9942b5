// aelab core: the student's own pictures. PNG and JPEG files decoded (stb_image) into planar
// float tensors, and the conversions the lessons need: grayscale planes, RGB planes, resizing,
// and the Fashion-MNIST preprocessing with every step kept so a lesson can show it.
//
// Files come from a stranger's disk, so every size is checked before anything is allocated:
// the header's width and height are read first (stbi_info_from_memory) and an image over
// kMaxImageSide pixels on a side, or over kMaxImageBytes of file, is refused with an
// aelab::Error naming the size and the limit. Empty input, a truncated file and anything that
// is not a PNG or a JPEG are refused with stb_image's own reason in the message. Nothing aborts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "aelab/tensor.hpp"

namespace aelab {

// 4096 px per side (16.8 megapixels: any phone photo; 3 x 4096 x 4096 floats = 192 MiB is
// under kMaxElements), 20 MiB per file.
constexpr int kMaxImageSide = 4096;
constexpr std::int64_t kMaxImageBytes = std::int64_t(20) << 20;

struct DecodedImage {
    int width = 0, height = 0;
    // 1 (gray) or 3 (R, G, B). A file with an alpha channel is composited over white
    // (value = alpha * colour + (1 - alpha) * 1), as on a white page, and loses the alpha.
    int channels = 0;
    int file_channels = 0;   // what the file held: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bits = 8;            // 8, or 16 for a 16-bit PNG (decoded at full precision)
    const char* format = ""; // "PNG" or "JPEG"
    Tensor chw;              // (channels, height, width), values in [0, 1]
};

// The header alone: width, height and channels of a PNG or JPEG, without decoding. Throws
// like decode_image() for input that is not one, or is too large.
struct ImageHeader {
    int width = 0, height = 0, file_channels = 0;
    const char* format = "";
};
ImageHeader read_image_header(const std::uint8_t* bytes, std::size_t size, const std::string& name = "image");

// Decodes a PNG (8 or 16 bits, any colour type, interlaced or not) or a baseline/progressive
// JPEG. `name` (a file name) is quoted in messages, e.g. "photo.png: 100000 x 100000 pixels is
// too large; the limit is 4096 x 4096".
DecodedImage decode_image(const std::uint8_t* bytes, std::size_t size, const std::string& name = "image");

// (C, H, W) with C = 1 or 3 -> (H, W) luma, ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B (the
// weights of PIL's convert('L'), kept in float instead of rounded to 8 bits). C = 1 is copied.
Tensor to_grayscale(const Tensor& chw);
// (C, H, W) with C = 1 or 3 -> (3, H, W): a gray plane repeated into R, G and B.
Tensor to_rgb(const Tensor& chw);

// Area averaging to (out_h, out_w), on (H, W) or (C, H, W): output cell i covers input rows
// floor(i * H / out_h) .. ceil((i + 1) * H / out_h) - 1 (the same for columns), averaged.
// Exactly torch.nn.functional.adaptive_avg_pool2d, i.e. F.interpolate(x, size, mode="area");
// upsampling (out > in) repeats pixels like nearest neighbour. Sizes 1..kMaxImageSide.
Tensor resize_area(const Tensor& image, int out_h, int out_w);

// Makes an (H, W) plane square: crop keeps the centred side x side square (side = the shorter
// side; an odd surplus drops its extra row or column at the bottom or right); pad centres the
// image on a longer side x longer side square filled with `fill`.
enum class SquareMode { crop, pad };
Tensor make_square(const Tensor& hw, SquareMode mode, float fill);

// The mean of the outermost rows and columns of an (H, W) plane: the background's brightness
// for padding and for deciding whether to invert.
float border_mean(const Tensor& hw);

// Fashion-MNIST style: a light garment on black, 28 x 28, values in [0, 1].
enum class InvertMode { automatic, always, never };
struct FashionOptions {
    SquareMode square = SquareMode::pad;  // pad keeps the whole object, as the dataset did
    InvertMode invert = InvertMode::automatic;  // automatic: when the background is light (> 0.5)
    int size = 28;
};
struct FashionSteps {
    Tensor gray;     // (H, W) BT.601 luma of the original
    Tensor square;   // (S, S) cropped or padded (padding: the border mean)
    Tensor resized;  // (size, size) area-averaged
    Tensor final;    // (size, size): resized, inverted (1 - v) or not
    bool inverted = false;
    float background = 0;  // border mean of the grayscale image
};
FashionSteps fashion_preprocess(const Tensor& chw, const FashionOptions& options = {});

}  // namespace aelab
