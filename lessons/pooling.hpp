// The "Pooling & unpooling" lesson's maths and state, separate from its drawing so tests can
// check it. Every value it reports is an output of the core (aelab/pool.hpp, aelab/loss.hpp);
// the step texts only write out the window the core reduced.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/pool.hpp"
#include "aelab/tensor.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::pooling {

enum class PoolKind { max = 0, average = 1 };
const char* pool_kind_name(PoolKind kind);  // "max", "average"

//-----------------------------------------------------------------------------
// 1. Max and average pooling stepped through
//-----------------------------------------------------------------------------
struct PoolParams {
    PoolKind kind = PoolKind::max;
    int kernel = 2, stride = 2, padding = 0;  // the same on both axes
    bool operator==(const PoolParams& o) const {
        return kind == o.kind && kernel == o.kernel && stride == o.stride && padding == o.padding;
    }
    bool operator!=(const PoolParams& o) const { return !(*this == o); }
};

struct Preset {
    const char* name;
    Tensor input;  // (H, W)
    PoolParams params;
    const char* note;  // shown under the preset
};
const std::vector<Preset>& presets();
constexpr int kCoursePresetMax = 0, kCoursePresetAverage = 1, kCoursePresetSwitches = 2;

// H_out = floor((H + 2P - K) / S) + 1 written out for one axis ("H" or "W"); size <= 0 when the
// output would be empty.
struct SizeFormula {
    int size;
    std::string text;
};
SizeFormula output_size(int in, const PoolParams& p, const char* axis);

// The core's pooling of one plane. On bad parameters `error` holds the core's message with an
// explanation, and out/indices are empty.
struct PoolResult {
    Tensor input;         // (1, 1, H, W)
    Tensor out;           // (1, 1, H_out, W_out)
    IndexTensor indices;  // (1, 1, H_out, W_out), max pooling only: flat h*W + w in the plane
    std::string error;
    bool ok() const { return error.empty(); }
};
PoolResult run_pool(const Tensor& plane, const PoolParams& p);

// One output element: its window and the numbers the step view writes out.
struct PoolStep {
    int row, col;                // y[row, col]
    int row0, col0;              // the window's top-left in input coordinates (< 0: in the padding)
    std::vector<float> taps;     // max: the window's taps inside the input; average: every tap,
                                 // padding as 0 (count_include_pad); in window (row-major) order
    int padding_taps = 0;        // taps that fall in the padding
    int divisor = 1;             // average: K*K
    float value;                 // the core's output element
    std::int64_t index = -1;     // max: the core's index, flat within the plane
    int index_row = -1, index_col = -1;
    bool tie = false;            // max: the maximum occurs more than once in the window
    std::string text;            // "y[0,1] = max(28, 184, 70, 38) = 184"
    std::string index_text;      // max: "index 3 = row 0 * 4 + col 3"
    std::string note;            // padding and ties, when they matter
};
std::vector<PoolStep> pool_steps(const PoolResult& r, const PoolParams& p);

std::string pool_pytorch_code(const Tensor& plane, const PoolParams& p);

// Why pooling helps with shifts: a small picture moved right by dx pixels (zeros come in on
// the left) changes many pixels but few pooled values while it stays inside the windows.
Tensor shift_demo_image();                       // (8, 8)
Tensor shift_right(const Tensor& plane, int dx); // (H, W) -> (H, W)
int count_changed(const Tensor& a, const Tensor& b);

//-----------------------------------------------------------------------------
// 2. Three ways back up
//-----------------------------------------------------------------------------
Tensor decoder_values();  // (2, 2) [[1, 2], [3, 4]], the course's decoder values
Tensor switch_source();   // (4, 4) the course's max-pooling input whose switches are remembered

// The three upsamplings of x (2, 2) to (4, 4), scale 2, through the core. `count` input
// elements (row-major) are scattered; the rest are still zero (for the step-by-step view).
struct ThreeWays {
    Tensor nearest, bed_of_nails, max_unpool;  // (4, 4) each
    Tensor pooled_source;                      // (2, 2) max pooling of switch_source()
    IndexTensor switches;                      // (1, 1, 2, 2) its indices
};
ThreeWays three_ways(const Tensor& x, const Tensor& source, int count = 4);

// Where input element `i` (row-major) of x goes under each method.
struct ScatterStep {
    int row, col;               // x[row, col]
    float value;
    std::int64_t switch_index;  // flat index into the (4, 4) output
    int unpool_row, unpool_col;
    std::string nearest_text, bed_text, unpool_text;
};
std::vector<ScatterStep> scatter_steps(const Tensor& x, const ThreeWays& w);

std::string upsample_pytorch_code(const Tensor& x, const Tensor& source);

//-----------------------------------------------------------------------------
// 3. Round trip on a real image
//-----------------------------------------------------------------------------
enum Method { kNearest = 0, kBedOfNails = 1, kMaxUnpool = 2 };
constexpr int kMethodCount = 3;
const char* method_name(int method);
constexpr int kRoundTripKernels[] = {2, 4, 7, 14};  // the divisors of 28: back to 28 x 28 exactly

struct RoundTrip {
    Tensor image;                 // (1, 1, H, W) in [0, 1]
    Tensor pooled;                // (1, 1, H/K, W/K)
    IndexTensor switches;         // max pooling's indices (borrowed for average pooling)
    Tensor up[kMethodCount];      // (1, 1, H, W) each
    float mse[kMethodCount];      // the core's mse_loss(up, image)
    float psnr[kMethodCount];     // the core's psnr_from_mse(mse): 10 log10(1 / mse) dB (peak value 1)
    std::string error;
};
// Pools with kernel = stride = K and brings the result back up three ways.
RoundTrip round_trip(const Tensor& image, PoolKind kind, int kernel);

std::string round_trip_pytorch_code(int image_index, PoolKind kind, int kernel);

//-----------------------------------------------------------------------------
// The page state, as it is written in the URL
//-----------------------------------------------------------------------------
struct State {
    int preset = kCoursePresetMax;  // "preset"
    PoolParams pool;                // "kind" (0 max, 1 average), "k", "s", "p"
    int step = 0;                   // "step": output element of section 1
    int shift = 1;                  // "shift": pixels of the shift demo
    int scatter_step = 0;           // "ustep": input element of section 2
    int image = 0;                  // "img": Fashion-MNIST test image of section 3
    PoolKind rt_kind = PoolKind::max;  // "rkind"
    int rt_kernel = 2;              // "rk"
    bool show_difference = false;   // "diff"
    int open = 1;                   // "open": bit i set = section i + 1 expanded
};
// The URL keys, bound to the fields of `s`. "preset" comes first: reading it loads the preset's
// parameters, the defaults of kind, k, s and p.
kit::UrlState url_keys(State& s);
// The state the page parameters give; missing or invalid values give the defaults.
State state_from_params();

}  // namespace aelab::lessons::pooling
