// Tests for core/src/nn/model_io.cpp: models survive a round trip through bytes and files
// bit for bit, and every kind of damaged file is rejected with an error naming the source and
// the defect.
#include <doctest/doctest.h>

#include <cstdio>

#include "aelab/dataset.hpp"
#include "aelab/model_io.hpp"
#include "test_util.hpp"

using aelab::Tensor;
using Bytes = std::vector<std::uint8_t>;

namespace {

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + std::size_t(i)] = std::uint8_t(v >> (8 * i));
}

// Recomputes the trailing CRC, to reach the checks that come after it.
void reseal(Bytes& b) { put_u32(b, b.size() - 4, aelab::crc32(b.data(), b.size() - 4)); }

aelab::Sequential load(const Bytes& b) { return aelab::load_sequential(b.data(), b.size(), "ae.model"); }

}  // namespace

TEST_CASE("model_io: round trip of the conv autoencoder, in memory and on disk") {
    aelab::Sequential m = aelab::conv_autoencoder(11);
    const Bytes bytes = aelab::save_model(m);
    CHECK(bytes.size() == 8 + 4 + 4 + aelab::architecture_text(m).size() + 4 + 4 * m.param_count() + 4);
    CHECK(std::string(bytes.begin(), bytes.begin() + 7) == "AELABMD");
    CHECK(aelab::architecture_text(m).rfind("Sequential sample_shape=1,28,28\nConv2d in_channels=1 out_channels=16 "
                                            "kernel_size=3,3 stride=2,2 padding=1,1 dilation=1,1 bias=1\n",
                                            0) == 0);
    aelab::Sequential back = load(bytes);
    CHECK(aelab::architecture_text(back) == aelab::architecture_text(m));
    REQUIRE(back.param_count() == m.param_count());
    CHECK(std::equal(m.params(), m.params() + m.param_count(), back.params()));
    aelab::Rng rng(1);
    const Tensor x = testutil::random_tensor(rng, {2, 1, 28, 28}, 0.0f, 1.0f);
    CHECK(testutil::max_rel_error(back.forward(x), m.forward(x)) == 0.0);

    // load_weights into a model of the same architecture
    aelab::Sequential other = aelab::conv_autoencoder(12);
    aelab::load_weights(other, bytes.data(), bytes.size(), "ae.model");
    CHECK(std::equal(m.params(), m.params() + m.param_count(), other.params()));

    const std::string path = "aelab_test_model_io.model";  // the working directory (NODERAWFS in wasm)
    aelab::save_model_file(m, path);
    aelab::Sequential from_disk = aelab::load_sequential_file(path);
    CHECK(std::equal(m.params(), m.params() + m.param_count(), from_disk.params()));
    std::remove(path.c_str());
    CHECK_THROWS_WITH_AS(aelab::load_sequential_file(path), doctest::Contains("cannot open"), aelab::Error);
}

TEST_CASE("model_io: tied weights, unpooling switches and the VAE survive the round trip") {
    aelab::Sequential tied = aelab::linear_autoencoder({5, true, aelab::Activation::tanh});
    aelab::Sequential tied_back = load(aelab::save_model(tied));
    CHECK(tied_back.layers_text() == tied.layers_text());
    aelab::Rng rng(2);
    const Tensor x = testutil::random_tensor(rng, {2, 1, 28, 28});
    CHECK(testutil::max_rel_error(tied_back.forward(x), tied.forward(x)) == 0.0);

    aelab::Sequential pooled({1, 4, 4});
    auto& pool = pooled.add<aelab::MaxPool2d>(2, 2);
    pooled.add<aelab::MaxUnpool2d>(pool, 0);
    aelab::Sequential pooled_back = load(aelab::save_model(pooled));
    CHECK(pooled_back.layer(1).repr() == pooled.layer(1).repr());

    aelab::Vae vae({32, 2, 0.5f, {1, 28, 28}}, 3);
    const Bytes bytes = aelab::save_model(vae);
    aelab::Vae back = aelab::load_vae(bytes.data(), bytes.size(), "vae.model");
    CHECK(back.latent() == 2);
    CHECK(back.beta() == 0.5f);
    CHECK(back.encoder_layers() == vae.encoder_layers());
    CHECK(std::equal(vae.net().params(), vae.net().params() + vae.net().param_count(), back.net().params()));
    const Tensor eps = testutil::random_tensor(rng, {2, 2});
    const Tensor img = testutil::random_tensor(rng, {2, 1, 28, 28}, 0.0f, 1.0f);
    CHECK(testutil::max_rel_error(back.forward(img, eps).recon, vae.forward(img, eps).recon) == 0.0);
    // A VAE file is not a Sequential file and vice versa.
    CHECK_THROWS_WITH_AS(load(bytes), "ae.model: holds a Vae, not a Sequential model", aelab::Error);
    const Bytes seq = aelab::save_model(tied);
    CHECK_THROWS_WITH_AS(aelab::load_vae(seq.data(), seq.size(), "x.model"),
                         "x.model: holds a Sequential, not a Vae", aelab::Error);
}

TEST_CASE("model_io: BatchNorm2d's running statistics are saved after the parameters") {
    aelab::Sequential m({1, 6, 6});
    m.add<aelab::Conv2d>(1, 3, 3, 1, 1);
    m.add<aelab::BatchNorm2d>(3);
    m.add<aelab::Dropout>(0.2f);
    m.add<aelab::UpsampleNearest2d>(2);
    m.init(4);
    aelab::Rng rng(3);
    m.forward(testutil::random_tensor(rng, {4, 1, 6, 6}));  // one training step moves the running stats
    REQUIRE(m.buffer_count() == 6);
    const Bytes bytes = aelab::save_model(m);
    CHECK(bytes.size() == 8 + 4 + 4 + aelab::architecture_text(m).size() + 4 +
                              4 * (m.param_count() + m.buffer_count()) + 4);
    aelab::Sequential back = load(bytes);
    CHECK(back.layers_text() == m.layers_text());
    CHECK(std::equal(m.params(), m.params() + m.param_count(), back.params()));
    CHECK(std::equal(m.buffers(), m.buffers() + m.buffer_count(), back.buffers()));
    CHECK(back.buffer_tensor("1.running_var")(0) != 1.0f);
    // the same model answers the same in evaluation mode (running stats, no dropout)
    m.set_training(false);
    back.set_training(false);
    const Tensor x = testutil::random_tensor(rng, {2, 1, 6, 6});
    CHECK(testutil::max_rel_error(back.forward(x), m.forward(x)) == 0.0);

    aelab::Sequential other({1, 6, 6});
    other.add<aelab::Conv2d>(1, 3, 3, 1, 1);
    other.add<aelab::BatchNorm2d>(3);
    other.add<aelab::Dropout>(0.2f);
    other.add<aelab::UpsampleNearest2d>(2);
    aelab::load_weights(other, bytes.data(), bytes.size(), "bn.model");
    CHECK(std::equal(m.buffers(), m.buffers() + m.buffer_count(), other.buffers()));
    // a file without the statistics does not fit the architecture
    const Bytes short_file = aelab::encode_model_file(aelab::architecture_text(m), m.params(), m.param_count());
    CHECK_THROWS_WITH_AS(load(short_file),
                         doctest::Contains("the architecture needs 42 values (36 parameters, 6 running statistics), the file holds 36"),
                         aelab::Error);
}

TEST_CASE("model_io: damaged and mismatched files are rejected, naming the file and the defect") {
    aelab::Sequential m = aelab::linear_autoencoder({4});
    const Bytes good = aelab::save_model(m);

    SUBCASE("truncated") {
        for (std::size_t keep : {std::size_t(0), std::size_t(5), std::size_t(20), good.size() / 2, good.size() - 1}) {
            INFO("kept ", keep, " bytes");
            const Bytes cut(good.begin(), good.begin() + long(keep));
            CHECK_THROWS_WITH_AS(load(cut), doctest::Contains("ae.model: "), aelab::Error);
            if (keep >= 8) CHECK_THROWS_WITH_AS(load(cut), doctest::Contains("truncated"), aelab::Error);
        }
        Bytes longer = good;
        longer.push_back(0);
        CHECK_THROWS_WITH_AS(load(longer), "ae.model: 1 unexpected trailing bytes", aelab::Error);
    }
    SUBCASE("a flipped byte anywhere in the text or the weights") {
        for (std::size_t at : {std::size_t(20), std::size_t(40), good.size() / 2, good.size() - 5}) {
            INFO("byte ", at);
            Bytes bad = good;
            bad[at] ^= 0x10;
            CHECK_THROWS_WITH_AS(load(bad), "ae.model: checksum mismatch (file corrupt)", aelab::Error);
        }
    }
    SUBCASE("wrong magic") {
        Bytes bad = good;
        bad[0] = 'X';
        CHECK_THROWS_WITH_AS(load(bad), "ae.model: not an aelab model file (wrong magic)", aelab::Error);
        const Bytes dataset_like = {'A', 'E', 'L', 'A', 'B', 'D', 'S', 0, 1, 0, 0, 0};
        CHECK_THROWS_WITH_AS(load(dataset_like), doctest::Contains("wrong magic"), aelab::Error);
    }
    SUBCASE("wrong version") {
        Bytes bad = good;
        put_u32(bad, 8, 2);
        reseal(bad);
        CHECK_THROWS_WITH_AS(load(bad), "ae.model: unsupported model file version 2 (this build reads 1)",
                             aelab::Error);
    }
    SUBCASE("parameter count that does not fit the architecture") {
        const std::string text = aelab::architecture_text(m);
        const Bytes short_params = aelab::encode_model_file(text, m.params(), m.param_count() - 3);
        CHECK_THROWS_WITH_AS(load(short_params),
                             "ae.model: the architecture needs 6272 parameters, the file holds 6269", aelab::Error);
    }
    SUBCASE("malformed or unknown architecture") {
        const Bytes unknown = aelab::encode_model_file("Sequential sample_shape=4\nDense in=4\n", nullptr, 0);
        CHECK_THROWS_WITH_AS(load(unknown), doctest::Contains("ae.model: malformed architecture: architecture layer 0"),
                             aelab::Error);
        CHECK_THROWS_WITH_AS(load(unknown), doctest::Contains("unknown layer type 'Dense'"), aelab::Error);
        const Bytes no_header = aelab::encode_model_file("", nullptr, 0);
        CHECK_THROWS_WITH_AS(load(no_header), "ae.model: malformed architecture (no header line)", aelab::Error);
        const Bytes bad_shape = aelab::encode_model_file("Sequential sample_shape=a\n", nullptr, 0);
        CHECK_THROWS_WITH_AS(load(bad_shape), doctest::Contains("sample_shape must be integers"), aelab::Error);
    }
    SUBCASE("weights for a different architecture") {
        aelab::Sequential wider = aelab::linear_autoencoder({5});
        CHECK_THROWS_WITH_AS(aelab::load_weights(wider, good.data(), good.size(), "ae.model"),
                             "ae.model: architecture differs from the model's (line 3: file has "
                             "'Linear in_features=784 out_features=4 bias=0', model has "
                             "'Linear in_features=784 out_features=5 bias=0')",
                             aelab::Error);
        // The model is left as it was.
        aelab::Sequential fresh = aelab::linear_autoencoder({5});
        CHECK(std::equal(fresh.params(), fresh.params() + fresh.param_count(), wider.params()));
    }
}
