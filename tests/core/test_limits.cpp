// Tests for core/include/aelab/limits.hpp and the ops' size checks: absurd strides, paddings,
// scales and shapes are refused before anything is allocated, with a message naming the op, the
// size asked and the limit; sizes exactly at a limit still work. Runs natively, under
// ASan/UBSan (no overflow anywhere on the way) and as wasm under node.
#include <doctest/doctest.h>

#include <climits>
#include <cstdint>
#include <sstream>
#include <string>

#include "aelab/layers.hpp"
#include "aelab/model.hpp"
#include "aelab/limits.hpp"
#include "aelab/npy.hpp"
#include "aelab/ops.hpp"
#include "cli.hpp"

using namespace aelab;

namespace {

// Runs f, requires an aelab::Error whose message holds every fragment.
template <class F>
void check_refused(F f, std::initializer_list<std::string> fragments) {
    std::string message;
    try {
        f();
    } catch (const Error& e) {
        message = e.what();
    }
    INFO("message: ", message);
    REQUIRE(!message.empty());
    for (const auto& fragment : fragments) CHECK(message.find(fragment) != std::string::npos);
}

Tensor filled(const Shape& shape, float v) { return Tensor(shape, v); }

std::vector<std::uint8_t> npy_header(const std::string& shape) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + dict.size() + 1) % 64) dict += ' ';
    dict += '\n';
    // Reserved first: GCC 12 warns (-Warray-bounds, a false positive) when a 10-byte vector grows
    // by insert.
    std::vector<std::uint8_t> b;
    b.reserve(10 + dict.size());
    for (std::uint8_t c : {std::uint8_t(0x93), std::uint8_t('N'), std::uint8_t('U'), std::uint8_t('M'), std::uint8_t('P'),
                           std::uint8_t('Y'), std::uint8_t(1), std::uint8_t(0), std::uint8_t(dict.size() & 0xff),
                           std::uint8_t(dict.size() >> 8)})
        b.push_back(c);
    b.insert(b.end(), dict.begin(), dict.end());
    return b;
}

}  // namespace

TEST_CASE("limits: the checks themselves, at and just past each limit") {
    CHECK(kMaxElements == 67108864);
    CHECK(kMaxWindow == 65536);
    CHECK(saturating_product({INT64_MAX / 2, 3}) == INT64_MAX);
    CHECK(saturating_product({1 << 20, 1 << 20, 1 << 20, 1 << 20}) == INT64_MAX);
    CHECK(saturating_product({8192, 8192}) == kMaxElements);
    CHECK(saturating_product({5, 0, INT64_MAX}) == 0);
    CHECK_NOTHROW(check_elements("op", "output", kMaxElements));
    check_refused([] { check_elements("op", "output", kMaxElements + 1); },
                  {"op: output would hold 67108865 elements", "the limit is 67108864 elements (256 MiB)"});
    check_refused([] { check_elements("op", "output", std::vector<std::int64_t>{2, 3, 60006, 60006}); },
                  {"op: output (2, 3, 60006, 60006) would hold 21604320216 elements (80.5 GiB)"});
    const int at[2] = {65536, 1}, past[2] = {1, 65537};
    CHECK_NOTHROW(check_window("op", "stride", at, 2));
    check_refused([&] { check_window("op", "stride", past, 2); },
                  {"op: stride must be at most 65536 on every axis, got (1, 65537)"});
    CHECK_NOTHROW(check_work("op", kMaxWork));
    check_refused([] { check_work("op", kMaxWork + 1); }, {"op: would take 1.7e+10 multiply-adds"});
    CHECK(bytes_text(256.0 * 1024 * 1024) == "256 MiB");
    CHECK(bytes_text(1536) == "1.5 KiB");
}

TEST_CASE("limits: output sizes are computed in 64 bits for any int arguments") {
    CHECK(conv_output_size(INT_MAX, 1, 1, INT_MAX, 1) == 3LL * INT_MAX);
    CHECK(conv_output_size(8, INT_MAX, 1, 0, INT_MAX) == 0);  // no overflow: empty
    CHECK(conv_output_size(INT_MAX, 3, INT_MAX, 0, 1) == 1);
    CHECK(conv_transpose_output_size(INT_MAX, INT_MAX, INT_MAX, 0, 0, INT_MAX) ==
          (std::int64_t(INT_MAX) - 1) * INT_MAX + std::int64_t(INT_MAX) * (INT_MAX - 1) + 1);
    CHECK(conv_transpose_output_size(2, 1, 8191, 0, 0, 1) == 8192);
}

TEST_CASE("limits: conv2d output exactly at the limit works, one padding more is refused") {
    // (1, 1, 2, 2) with a 1x1 kernel and padding 4095: output 8192 x 8192 = kMaxElements.
    const Tensor x = filled({1, 1, 2, 2}, 1.0f), w = filled({1, 1, 1, 1}, 2.0f);
    Conv2dParams p;
    p.padding = {4095, 4095};
    {
        const Tensor y = conv2d(x, w, nullptr, p);
        REQUIRE(shape_of(y) == Shape{1, 1, 8192, 8192});
        CHECK(y(0, 0, 4095, 4095) == 2.0f);
        CHECK(y(0, 0, 4096, 4096) == 2.0f);
        CHECK(y(0, 0, 0, 0) == 0.0f);
        CHECK(y(0, 0, 8191, 4095) == 0.0f);
    }
    p.padding = {4096, 4095};
    check_refused([&] { conv2d(x, w, nullptr, p); },
                  {"conv2d: output (1, 1, 8194, 8192) would hold 67125248 elements", "limit is 67108864"});
    p.padding = {30000, 30000};  // the case that used to allocate 13 GiB
    check_refused([&] { conv2d(filled({1, 1, 8, 8}, 1.0f), filled({1, 1, 3, 3}, 1.0f), nullptr, p); },
                  {"conv2d: output (1, 1, 60006, 60006) would hold 3600720036 elements (13.4 GiB)"});
}

TEST_CASE("limits: window parameters up to 65536 work, more is refused") {
    const Tensor x = from_values({1, 1, 2, 2}, {1, 2, 3, 4}), w = filled({1, 1, 1, 1}, 1.0f);
    Conv2dParams p;
    p.stride = {65536, 1};  // one row of output: only row 0 is read
    const Tensor y = conv2d(x, w, nullptr, p);
    REQUIRE(shape_of(y) == Shape{1, 1, 1, 2});
    CHECK(y(0, 0, 0, 0) == 1.0f);
    CHECK(y(0, 0, 0, 1) == 2.0f);
    p.stride = {65537, 1};
    check_refused([&] { conv2d(x, w, nullptr, p); }, {"conv2d: stride must be at most 65536 on every axis, got (65537, 1)"});
    p = {};
    p.dilation = {1, INT_MAX};
    check_refused([&] { conv2d(x, w, nullptr, p); }, {"conv2d: dilation must be at most 65536"});
    p = {};
    p.padding = {INT_MAX, 0};
    check_refused([&] { conv2d(x, w, nullptr, p); }, {"conv2d: padding must be at most 65536"});
    MaxPool2dParams mp;
    mp.kernel = {65537, 2};
    check_refused([&] { max_pool2d(x, mp); }, {"max_pool2d: kernel size must be at most 65536"});
    mp = {};
    mp.stride = {INT_MAX, INT_MAX};  // a window still fits: one output
    check_refused([&] { max_pool2d(x, mp); }, {"max_pool2d: stride must be at most 65536"});
    mp.stride = {65536, 65536};
    CHECK(max_pool2d(x, mp).out(0, 0, 0, 0) == 4.0f);
    AvgPool2dParams ap;
    ap.kernel = {65536, 65536};
    ap.padding = {32768, 32768};  // at both limits: one window over everything, zeros counted
    ap.stride = {65536, 65536};
    const Tensor a = avg_pool2d(x, ap);
    REQUIRE(shape_of(a) == Shape{1, 1, 1, 1});
    CHECK(a(0, 0, 0, 0) == doctest::Approx(10.0 / (65536.0 * 65536.0)));
}

TEST_CASE("limits: conv_transpose2d workspace at the limit works, one stride more is refused") {
    // Stride S, 1x1 kernel, 2x2 input: S*S phase planes of 2x2 each = 4*S^2 workspace floats.
    const Tensor x = from_values({1, 1, 2, 2}, {1, 2, 3, 4}), w = filled({1, 1, 1, 1}, 1.0f);
    ConvTranspose2dParams p;
    p.stride = {4096, 4096};  // 4 * 4096^2 = kMaxElements
    const Tensor y = conv_transpose2d(x, w, nullptr, p);
    REQUIRE(shape_of(y) == Shape{1, 1, 4097, 4097});
    CHECK(y(0, 0, 0, 0) == 1.0f);
    CHECK(y(0, 0, 0, 4096) == 2.0f);
    CHECK(y(0, 0, 4096, 0) == 3.0f);
    CHECK(y(0, 0, 4096, 4096) == 4.0f);
    CHECK(y(0, 0, 1, 1) == 0.0f);
    p.stride = {4097, 4096};
    check_refused([&] { conv_transpose2d(x, w, nullptr, p); },
                  {"conv_transpose2d: workspace", "would hold 67125248 elements", "the limit is 67108864"});
    p.stride = {65536, 65536};
    check_refused([&] { conv_transpose2d(x, w, nullptr, p); }, {"conv_transpose2d: output (1, 1, 65537, 65537)"});
}

TEST_CASE("limits: work over 2^34 multiply-adds per call is refused before it starts") {
    const Tensor x = filled({1, 64, 256, 256}, 0.5f), w = filled({64, 64, 33, 33}, 0.5f);
    Conv2dParams p;
    p.padding = {16, 16};
    check_refused([&] { conv2d(x, w, nullptr, p); }, {"conv2d: would take 2.9e+11 multiply-adds", "(2^34"});
    check_refused([] { linear(filled({1 << 12, 1 << 12}, 1.0f), filled({1 << 11, 1 << 12}, 1.0f), nullptr); },
                  {"linear: would take 3.4e+10 multiply-adds"});
}

TEST_CASE("limits: upsampling, unpooling and linear outputs") {
    const Tensor one = filled({1, 1, 1, 1}, 3.0f);
    const Tensor y = upsample_nearest2d(one, 8192, 8192);  // exactly kMaxElements
    REQUIRE(shape_of(y) == Shape{1, 1, 8192, 8192});
    CHECK(y(0, 0, 8191, 8191) == 3.0f);
    check_refused([&] { upsample_nearest2d(one, 8192, 8193); },
                  {"upsample_nearest2d: output (1, 1, 8192, 8193) would hold 67117056 elements"});
    check_refused([&] { upsample_bed_of_nails2d(one, 65537, 1); },
                  {"upsample_bed_of_nails2d: scale factor must be at most 65536"});
    MaxUnpool2dParams up;
    up.output_size = {8193, 8192};
    IndexTensor idx = IndexTensor::from_shape({1, 1, 1, 1});
    idx(0, 0, 0, 0) = 0;
    check_refused([&] { max_unpool2d(one, idx, up); }, {"max_unpool2d: output (1, 1, 8193, 8192) would hold"});
    check_refused([] { linear(filled({8192, 1}, 1.0f), filled({8193, 1}, 1.0f), nullptr); },
                  {"linear: output would hold 67117056 elements"});
}

TEST_CASE("limits: tensors, layers and .npy headers refuse absurd sizes before allocating") {
    check_refused([] { zeros({std::size_t(1) << 14, std::size_t(1) << 13}); },
                  {"tensor: of shape (16384, 8192) would hold 134217728 elements"});
    check_refused([] { zeros({SIZE_MAX, SIZE_MAX, SIZE_MAX}); }, {"tensor: of shape", "would hold"});  // no overflow
    CHECK(zeros({8192, 8192}).size() == std::size_t(kMaxElements));
    // A layer may be made to count its parameters (the convolution lesson's dense layer); a
    // model allocates them, so adding one over the limit is refused and leaves the model as it was.
    CHECK(Linear(1 << 15, 1 << 15, false).param_count() == std::size_t(1) << 30);
    Sequential model({1});
    model.add(std::make_unique<Linear>(1, 1 << 13, false));  // 8192 parameters
    check_refused([&] { model.add(std::make_unique<Linear>(1 << 13, 1 << 13, false)); },
                  {"Sequential: adding Linear(8192, 8192, bias=False): the parameters would hold 67117056 elements"});
    CHECK(model.size() == 1);
    CHECK(model.param_count() == 8192);
    check_refused([] { Conv2d(1 << 20, 1 << 20, 3); }, {"Conv2d: weight"});
    check_refused([] { Conv2d(1, 1, 3, 65537, 0); }, {"Conv2d: stride must be at most 65536"});
    check_refused([] { ConvTranspose2d(1, 1, {3, 65537}, {}); }, {"ConvTranspose2d: kernel size must be at most 65536"});
    check_refused([] { BatchNorm2d(INT_MAX); }, {"BatchNorm2d: num_features would hold 2147483647 elements"});
    check_refused([] { Unflatten({1 << 20, 1 << 20, 1 << 20}); }, {"Unflatten: sample shape (1048576, 1048576, 1048576)"});
    check_refused([] { UpsampleNearest2d({1, 1 << 20}); }, {"UpsampleNearest2d: scale factor must be at most 65536"});
    // .npy: a header at the limit passes the size check (and then its data is missing), one past does not.
    auto at = npy_header("(8192, 8192)"), past = npy_header("(8192, 8193)"), axis = npy_header("(0, 99999999999)");
    auto wraps = npy_header("(4294967297,)");  // 2^32 + 1: must not read as 1 where size_t has 32 bits
    wraps.insert(wraps.end(), 4, 0);
    check_refused([&] { parse_npy_float(wraps.data(), wraps.size(), "wraps.npy"); }, {"wraps.npy", "holds more than"});
    check_refused([&] { parse_npy_float(at.data(), at.size(), "at.npy"); }, {"at.npy", "truncated data"});
    check_refused([&] { parse_npy_float(past.data(), past.size(), "past.npy"); },
                  {"past.npy", "holds more than 67108864 elements"});
    check_refused([&] { parse_npy_float(axis.data(), axis.size(), "axis.npy"); }, {"axis.npy", "holds more than"});
}

TEST_CASE("limits: aelab-cli op refuses absurd parameters with the op, the size and the limit") {
    const std::string tmp = std::string(AELAB_TEST_TMP) + "/";
    save_npy(tmp + "lim_x.npy", filled({1, 1, 8, 8}, 1.0f));
    save_npy(tmp + "lim_w.npy", filled({1, 1, 3, 3}, 1.0f));
    const auto run = [&](const std::string& extra) {
        std::vector<std::string> args = {"op", "conv2d", "--input", tmp + "lim_x.npy", "--weight", tmp + "lim_w.npy",
                                         "--out", tmp + "lim_y.npy"};
        std::istringstream ss(extra);
        for (std::string a; ss >> a;) args.push_back(a);
        std::ostringstream out, err;
        const int code = cli::run_cli(args, out, err);
        return std::make_pair(code, err.str());
    };
    auto r = run("--padding 30000");
    CHECK(r.first == 1);
    CHECK(r.second.find("conv2d: output (1, 1, 60006, 60006) would hold 3600720036 elements (13.4 GiB); "
                        "the limit is 67108864 elements (256 MiB)") != std::string::npos);
    r = run("--stride 2147483647");
    CHECK(r.first == 1);
    CHECK(r.second.find("conv2d: stride must be in [1, 65536], got 2147483647") != std::string::npos);
    {
        std::ostringstream out, err;
        CHECK(cli::run_cli({"train", "denoising-ae", "--level", "1e30", "--steps", "1"}, out, err) == 2);
        CHECK(err.str().find("--level for gaussian noise must be in [0, 10], got '1e30'") != std::string::npos);
    }
    r = run("--stride 65536,1");  // at the window limit: one row of output
    CHECK(r.first == 0);
    CHECK(load_npy(tmp + "lim_y.npy")(0, 0, 0, 0) == 9.0f);
}
