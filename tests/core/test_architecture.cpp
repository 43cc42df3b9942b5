// Tests for core/src/nn/architecture.cpp: the spec text (parse, canonical print, round trip),
// shapes and parameter counts computed without a model (and equal to the model's), the first
// layer that cannot work on bad stacks, the code, the presets (case h equals
// conv_autoencoder), the core's layer lines and the PyTorch printout.
#include <doctest/doctest.h>

#include <string>

#include "aelab/architecture.hpp"
#include "aelab/models.hpp"
#include "test_util.hpp"

using aelab::ArchCheck;
using aelab::ArchOptions;
using aelab::Shape;
using aelab::Tensor;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The first failure of a spec: its layer and its message, which must quote the token.
void check_fails(const std::string& spec, std::ptrdiff_t layer, const std::string& token,
                 const std::string& reason, const ArchOptions& options = {}) {
    INFO("spec ", spec);
    const ArchCheck c = aelab::check_architecture(spec, options);
    INFO("error ", c.error);
    CHECK_FALSE(c.ok);
    CHECK(c.error_layer == layer);
    if (layer >= 0) CHECK(contains(c.error, "layer " + std::to_string(layer) + " '" + token + "'"));
    CHECK(contains(c.error, reason));
    // Every layer before the failing one has its row.
    if (layer >= 0 && reason.find("decoder's output") == std::string::npos) CHECK(c.rows.size() == std::size_t(layer));
}

}  // namespace

TEST_CASE("architecture: the text parses and prints back canonically") {
    const std::string canonical =
        "conv16s2p1b0-relu-pool3s2p1-tconv8k4s2p1o1-lrelu0.2-bn-drop0.25-up3-unpool1-flat-lin32-code-"
        "lin10b0-sigmoid-unflat2x5-tanh-drop-lrelu";
    CHECK(aelab::architecture_text(aelab::parse_architecture(canonical)) == canonical);

    // Defaults are dropped, options ordered k s p o b, numbers written plainly.
    CHECK(aelab::architecture_text(aelab::parse_architecture("conv016p0s1k3b1-pool2s2-lrelu0.010-drop0.50")) ==
          "conv16-pool2-lrelu-drop");
    CHECK(aelab::architecture_text(aelab::parse_architecture("tconv4o1s2k5")) == "tconv4k5s2o1");

    const aelab::Architecture a = aelab::parse_architecture("conv16k5s2p2-pool3s1-lin7b0-unflat1x7-lrelu0.3-code-up4");
    REQUIRE(a.layers.size() == 6);
    CHECK(a.layers[0].kind == aelab::ArchKind::conv);
    CHECK(a.layers[0].out == 16);
    CHECK(a.layers[0].kernel == 5);
    CHECK(a.layers[0].stride == 2);
    CHECK(a.layers[0].padding == 2);
    CHECK(a.layers[1].kernel == 3);
    CHECK(a.layers[1].stride == 1);
    CHECK_FALSE(a.layers[2].bias);
    CHECK(a.layers[3].sizes == std::vector<int>{1, 7});
    CHECK(a.layers[4].value == 0.3f);
    CHECK(a.layers[5].scale == 4);
    CHECK(a.code_marker == 4);

    // Only characters a URL query keeps as they are.
    for (const auto& p : aelab::architecture_presets())
        for (char ch : std::string(p.spec))
            CHECK(((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));

    CHECK_THROWS_WITH_AS(aelab::parse_architecture("conv16-relu-conv8q3"),
                         doctest::Contains("layer 2 'conv8q3': unexpected 'q3'"), aelab::Error);
}

TEST_CASE("architecture: shapes and parameter counts per layer, as the built model has them") {
    const ArchCheck c = aelab::check_architecture(aelab::architecture_preset("strided"));
    INFO(c.error);
    REQUIRE(c.ok);
    REQUIRE(c.rows.size() == 13);
    CHECK(c.rows[0].output == Shape{16, 14, 14});
    CHECK(c.rows[0].params == 16 * 9 + 16);
    CHECK(c.rows[2].output == Shape{32, 7, 7});
    CHECK(c.rows[2].params == 32 * 16 * 9 + 32);
    CHECK(c.rows[4].output == Shape{1568});
    CHECK(c.rows[5].output == Shape{16});
    CHECK(c.rows[5].params == 1568 * 16 + 16);
    CHECK(c.rows[8].output == Shape{32, 7, 7});
    CHECK(c.rows[9].output == Shape{16, 14, 14});
    CHECK(c.rows[9].params == 32 * 16 * 9 + 16);
    CHECK(c.rows[11].output == Shape{1, 28, 28});
    CHECK(c.params == 61329);
    // The code: the marked lin16; a dense 784-16-784 autoencoder has 2*784*16 + 16 + 784.
    CHECK(c.code_marked);
    CHECK(c.code_layer == 5);
    CHECK(c.code_shape == Shape{16});
    CHECK(c.dense_params == 25888);

    // Case h: the same layers, text and parameters (same init from the same seed) as
    // conv_autoencoder, the model benchmark case h trains.
    aelab::Sequential h = aelab::conv_autoencoder(7);
    CHECK(aelab::architecture_layers_text(aelab::architecture_preset("strided")) == h.layers_text());
    aelab::Sequential built = aelab::build_architecture(aelab::architecture_preset("strided"), 7);
    REQUIRE(built.param_count() == h.param_count());
    CHECK(std::equal(built.params(), built.params() + built.param_count(), h.params()));

    // Every preset validates to (1, 28, 28); those the core can build have the rows' shapes at
    // every layer and the rows' parameter counts.
    aelab::Rng rng(3);
    const Tensor x = testutil::random_tensor(rng, {2, 1, 28, 28}, 0.0f, 1.0f);
    for (const auto& p : aelab::architecture_presets()) {
        INFO("preset ", p.id);
        const ArchCheck pc = aelab::check_architecture(p.spec);
        INFO(pc.error);
        REQUIRE(pc.ok);
        CHECK(pc.rows.back().output == Shape{1, 28, 28});
        CHECK(aelab::architecture_text(aelab::parse_architecture(p.spec)) == p.spec);
        aelab::Sequential m = aelab::build_architecture(p.spec, 1);
        REQUIRE(m.size() == pc.rows.size());
        CHECK(std::int64_t(m.param_count()) == pc.params);
        const std::vector<Tensor> acts = m.forward_capture(x);
        for (std::size_t i = 0; i < acts.size(); ++i) {
            Shape expected{2};
            expected.insert(expected.end(), pc.rows[i].output.begin(), pc.rows[i].output.end());
            CHECK(aelab::shape_of(acts[i]) == expected);
            CHECK(std::int64_t(m.layer(i).param_count()) == pc.rows[i].params);
        }
    }
}

TEST_CASE("architecture: pooling pairs, the narrowest point and the new layer kinds") {
    const ArchCheck pool = aelab::check_architecture(aelab::architecture_preset("pool-unpool"));
    INFO(pool.error);
    REQUIRE(pool.ok);
    CHECK(pool.rows[2].name == "p1");
    CHECK(pool.rows[5].name == "p2");
    CHECK(pool.rows[5].output == Shape{8, 7, 7});
    CHECK(pool.rows[6].output == Shape{8, 14, 14});   // unpool2: p2's input
    CHECK(pool.rows[9].output == Shape{16, 28, 28});  // unpool1: p1's input
    CHECK(pool.code_layer == 5);
    CHECK(pool.code_size == 392);
    // The unpools restore their pool's input size and read its switches by layer index.
    const std::string lines = aelab::architecture_layers_text(aelab::architecture_preset("pool-unpool"));
    CHECK(contains(lines, "MaxUnpool2d pool=5 output_size=14,14\n"));
    CHECK(contains(lines, "MaxUnpool2d pool=2 output_size=28,28\n"));

    // Odd sizes: a 2x2 pool floors 7 to 3, its unpool gives 7 back.
    const ArchCheck odd = aelab::check_architecture("conv4s2p1-conv4s2p1-pool2-unpool1-tconv4s2p1o1-tconv1s2p1o1");
    INFO(odd.error);
    REQUIRE(odd.ok);
    CHECK(odd.rows[2].output == Shape{4, 3, 3});
    CHECK(odd.rows[3].output == Shape{4, 7, 7});

    // Without a marker the code is the narrowest point, after the activations that keep its size.
    const ArchCheck narrow = aelab::check_architecture("flat-lin64-relu-lin8-relu-lin64-relu-lin784-unflat1x28x28");
    REQUIRE(narrow.ok);
    CHECK_FALSE(narrow.code_marked);
    CHECK(narrow.code_layer == 4);
    CHECK(narrow.code_size == 8);

    // BatchNorm2d (gamma, beta per channel), Dropout, nearest upsampling, LeakyReLU: shapes and
    // parameters computed here, the layer lines in the other branch's keys.
    const std::string spec = "conv8p1-bn-lrelu0.2-drop0.25-pool2-up2-conv1p1-sigmoid";
    const ArchCheck c = aelab::check_architecture(spec);
    INFO(c.error);
    REQUIRE(c.ok);
    CHECK(c.rows[1].params == 16);
    CHECK(c.rows[4].output == Shape{8, 14, 14});
    CHECK(c.rows[5].output == Shape{8, 28, 28});
    CHECK(c.params == 80 + 16 + 73);
    const std::string text = aelab::architecture_layers_text(spec);
    CHECK(contains(text, "BatchNorm2d num_features=8\n"));
    CHECK(contains(text, "LeakyReLU negative_slope=0.200000003\n"));
    CHECK(contains(text, "Dropout p=0.25\n"));
    CHECK(contains(text, "UpsampleNearest2d scale_factor=2\n"));
    aelab::Sequential m = aelab::build_architecture(spec, 2);
    CHECK(std::int64_t(m.param_count()) == c.params);
    CHECK(m.output_shape({3, 1, 28, 28}) == Shape{3, 1, 28, 28});

    CHECK(aelab::dense_autoencoder_params(784, 392) == 2 * 784 * 392 + 392 + 784);
}

TEST_CASE("architecture: bad stacks name the first layer that cannot work and why") {
    // Syntax: the token quoted as written, with what is wrong.
    check_fails("conv16-rulu", 1, "rulu", "unknown layer kind 'rulu' (known: conv, tconv");
    check_fails("conv16-relu-conv8q3", 2, "conv8q3", "unexpected 'q3' (conv takes options k, s, p, b)");
    check_fails("conv16--relu", 1, "", "empty: two '-' in a row");
    check_fails("relu-Conv16", 1, "Conv16", "unexpected character 'C'");
    check_fails("conv", 0, "conv", "conv needs its output channels right after it");
    check_fails("conv16k3k5", 0, "conv16k3k5", "option 'k' is given twice");
    check_fails("conv70000", 0, "conv70000", "over the limit of 65536");
    check_fails("conv4k40", 0, "conv4k40", "the kernel (k) must be in [1, 32], got 40");
    check_fails("tconv1o2s2", 0, "tconv1o2s2", "output padding (o2) must be smaller than the stride (s2)");
    check_fails("pool2p2", 0, "pool2p2", "padding (p2) must be at most half the window");
    check_fails("drop1.5", 0, "drop1.5", "probability must be in [0, 1), got 1.5");
    check_fails("unflat4x", 0, "unflat4x", "unexpected 'x'");
    // The first failure wins: a shape error before a syntax error.
    check_fails("lin10-conv8q", 0, "lin10", "needs a flat input (features), got (1, 28, 28); put flat before it");

    // Shapes: expected against actual.
    check_fails("conv16-relu-lin10", 2, "lin10", "got (16, 26, 26); put flat before it");
    check_fails("flat-conv4", 1, "conv4", "needs an input (C, H, W), got (784,); put unflat before it");
    check_fails("flat-lin32-unflat4x4x4", 2, "unflat4x4x4", "needs a flat input of 4*4*4 = 64 features, got (32,)");
    // Empty outputs.
    check_fails("pool2-pool2-pool2-pool2-pool2", 4, "pool2",
                "input (1, 1, 1) is smaller than the 2x2 window with padding 0: the output would be empty");
    check_fails("conv4k5-conv4k5-conv4k5-conv4k5-conv4k5-conv4k5-conv4k5", 6, "conv4k5",
                "input (4, 4, 4) is smaller than the 5x5 window");
    ArchOptions tiny;
    tiny.sample_shape = {1, 1, 1};
    tiny.autoencoder = false;
    check_fails("tconv1k1p1", 0, "tconv1k1p1", "the output would be empty (-1x-1) for input (1, 1, 1)", tiny);
    // Unpooling: no pool, a later pool, a pool unpooled twice, a shape not the pool's output.
    check_fails("conv4p1-unpool1", 1, "unpool1", "there is no pool p1 before it (0 pools so far)");
    check_fails("conv4p1-pool2-unpool2-conv1p1", 2, "unpool2", "there is no pool p2 before it (1 pool so far)");
    check_fails("unpool1-pool2", 0, "unpool1", "pool p1 comes after it (layer 1)");
    check_fails("pool2-unpool1-pool2-unpool1", 3, "unpool1", "pool p1 is already unpooled by layer 1");
    check_fails("conv4p1-pool2-conv8p1-unpool1", 3, "unpool1",
                "needs the shape of p1's output (4, 14, 14) (layer 1), got (8, 14, 14)");
    // The decoder's output: named at the last layer, every layer's row kept.
    check_fails("conv4s2p1-relu", 1, "relu", "the decoder's output (4, 14, 14) is not the input shape (1, 28, 28)");
    // Limits, stated in the message.
    check_fails("up16-up32", 1, "up32", "elements per example, over the limit of 524288");
    check_fails("flat-lin30000-lin30000", 2, "lin30000", "parameters, over the limit of 33554432");
    // Whole-spec problems: no layer to name.
    check_fails("", -1, "", "the architecture is empty");
    check_fails("code-relu", -1, "", "the code marker must follow a layer");
    check_fails("relu-code-relu-code", -1, "", "a second code marker after layer 1 (the first follows layer 0)");
    check_fails(std::string(5000, 'a'), -1, "", "over the limit of 4096");
    ArchOptions bad_sample;
    bad_sample.sample_shape = {1, 0, 28};
    check_fails("relu", -1, "", "the input shape (1, 0, 28) must have sizes >= 1", bad_sample);

    // The partial rows and code of a failing spec are still there for the editor.
    const ArchCheck c = aelab::check_architecture("conv16s2p1-relu-flat-lin8-lin10-conv4");
    CHECK(c.rows.size() == 5);
    CHECK(c.code_layer == 3);

    // Building or printing a bad spec throws the same message.
    CHECK_THROWS_WITH_AS(aelab::build_architecture("conv16-relu-lin10", 0),
                         doctest::Contains("architecture: layer 2 'lin10': needs a flat input"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::architecture_pytorch("unpool1"), doctest::Contains("no pool p1"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::architecture_preset("dense"),
                         doctest::Contains("unknown preset 'dense' (presets: pool-unpool, strided, resize-conv)"),
                         aelab::Error);
}

TEST_CASE("architecture: the PyTorch printout") {
    const std::string strided = aelab::architecture_pytorch(aelab::architecture_preset("strided"));
    CHECK(contains(strided, "model = nn.Sequential(  # input (N, 1, 28, 28)\n"));
    CHECK(contains(strided, "    nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),"));
    CHECK(contains(strided, "# 0: -> (N, 16, 14, 14), 160 parameters\n"));
    CHECK(contains(strided, "    nn.Linear(1568, 16),"));
    CHECK(contains(strided, "    # ---- the code: 16 values (marked); the decoder follows ----\n"));
    CHECK(contains(strided, "    nn.Unflatten(1, (32, 7, 7)),"));
    CHECK(contains(strided, "    nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, padding=1, output_padding=1),"));
    CHECK(contains(strided, "# 61329 parameters; a dense autoencoder with the same code size has 25888\n"));
    CHECK_FALSE(contains(strided, "class Pool"));

    // Unpooling: the Pool/Unpool modules, the pools as shared variables.
    const std::string pool = aelab::architecture_pytorch(aelab::architecture_preset("pool-unpool"));
    CHECK(contains(pool, "class Pool(nn.MaxPool2d):"));
    CHECK(contains(pool, "return_indices=True"));
    CHECK(contains(pool, "class Unpool(nn.MaxUnpool2d):"));
    CHECK(contains(pool, "p1 = Pool(2)\np2 = Pool(2)\n"));
    CHECK(contains(pool, "    p1,"));
    CHECK(contains(pool, "    Unpool(p2),"));

    const std::string other = aelab::architecture_pytorch("conv8p1-bn-lrelu0.2-drop0.25-pool3s2p1-up2-conv1k2-sigmoid",
                                                          {{1, 28, 28}, false});
    CHECK(contains(other, "    nn.BatchNorm2d(8),"));
    CHECK(contains(other, "    nn.LeakyReLU(0.2),"));
    CHECK(contains(other, "    nn.Dropout(p=0.25),"));
    CHECK(contains(other, "    nn.MaxPool2d(3, stride=2, padding=1),"));
    CHECK(contains(other, "    nn.Upsample(scale_factor=2, mode='nearest'),"));
}
