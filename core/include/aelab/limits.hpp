// aelab core: the size limits every op enforces before it allocates or loops.
//
// Sizes come from files, URLs, the CLI and the architecture text, so an op may be asked for a
// stride of 2147483647 or a 60000 x 60000 output. Every op computes its output and workspace
// sizes in 64 bits (saturating, so nothing overflows however large the factors) and refuses,
// with aelab::Error naming the op, the size asked and the limit, anything over:
//   kMaxElements  one tensor or one workspace buffer: 2^26 elements (256 MiB of floats). The
//                 browser's memory is 2 GiB at most and an op holds its input, output and a
//                 workspace at once; Fashion-MNIST's training set (47M values) fits.
//   kMaxWindow    a kernel size, stride, padding, dilation, output padding or scale factor on
//                 one axis: 65536.
//   kMaxWork      multiply-adds of one op call: 2^34 (about 3 s in the browser, 1 s natively).
//                 A lesson's or a benchmark's largest call is under 2^31.
// The same limits hold natively and in the browser, so a run that works in one works in the
// other. Files have their own readers' limits (npy.hpp, model_io.hpp, dataset.hpp) at or under
// these.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace aelab {

constexpr std::int64_t kMaxElements = std::int64_t(1) << 26;
constexpr std::int64_t kMaxWindow = std::int64_t(1) << 16;
constexpr std::int64_t kMaxWork = std::int64_t(1) << 34;

// a * b * ... for factors >= 0, saturating at INT64_MAX instead of overflowing.
std::int64_t saturating_product(std::initializer_list<std::int64_t> factors);
std::int64_t saturating_product(const std::vector<std::int64_t>& factors);

// Throws "<op>: <what> (2, 3, 60006, 60006) would hold 21605760216 elements (80.5 GiB); the
// limit is 67108864 elements (256 MiB)" when the shape holds more than kMaxElements. `what`
// names the buffer ("output", "workspace").
void check_elements(const char* op, const char* what, const std::vector<std::int64_t>& shape);
// The same for a count whose shape is not worth printing.
void check_elements(const char* op, const char* what, std::int64_t count);
// Throws "<op>: <what> must be at most 65536 on every axis, got (70000, 1)" when a window
// parameter is over kMaxWindow (the ops check the lower bounds themselves).
void check_window(const char* op, const char* what, const int* values, int count);
// Throws "<op>: would take 1.2e+11 multiply-adds; the limit per call is 1.7e+10 (2^34)".
void check_work(const char* op, std::int64_t multiply_adds);

// "256 MiB", "80.5 GiB": a byte count for messages.
std::string bytes_text(double bytes);

}  // namespace aelab
