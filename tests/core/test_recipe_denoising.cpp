// Tests for core/src/recipes/denoising.cpp (the denoising-AE recipe) and for
// `aelab-cli train denoising-ae`: PSNR against hand computations, the corruption helper,
// determinism for a seed, learning within a few steps, collapse at a huge learning rate, bad
// options, and the command's JSON line.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "aelab/dataset.hpp"
#include "aelab/noise.hpp"
#include "aelab/recipe_denoising.hpp"
#include "cli.hpp"
#include "train_denoising_ae.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {

using testutil::dataset;

// The numbers of a flat JSON object {"key": number or "string", ...} (enough for the CLI line).
std::map<std::string, std::string> parse_flat_json(const std::string& line) {
    std::map<std::string, std::string> out;
    REQUIRE(line.size() >= 2);
    REQUIRE(line.front() == '{');
    REQUIRE(line.back() == '}');
    std::size_t i = 1;
    auto skip = [&] {
        while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
    };
    while (true) {
        skip();
        if (line[i] == '}') break;
        REQUIRE(line[i] == '"');
        const std::size_t key_end = line.find('"', i + 1);
        REQUIRE(key_end != std::string::npos);
        const std::string key = line.substr(i + 1, key_end - i - 1);
        i = key_end + 1;
        REQUIRE(line[i] == ':');
        ++i;
        skip();
        std::string value;
        if (line[i] == '"') {
            const std::size_t end = line.find('"', i + 1);
            REQUIRE(end != std::string::npos);
            value = line.substr(i + 1, end - i - 1);
            i = end + 1;
        } else {
            const std::size_t end = line.find_first_of(",}", i);
            REQUIRE(end != std::string::npos);
            value = line.substr(i, end - i);
            i = end;
        }
        out[key] = value;
    }
    return out;
}

}  // namespace

TEST_CASE("denoising recipe: corrupt() draws exactly what noise.hpp draws") {
    const Tensor x = dataset().batch(Split::test, 0, 2);
    for (Corruption c : {Corruption::gaussian, Corruption::masking, Corruption::salt_and_pepper}) {
        CAPTURE(corruption_name(c));
        Rng r1(5), r2(5);
        const Tensor got = corrupt(x, c, 0.3f, r1);
        const Tensor want = c == Corruption::gaussian ? gaussian_noise(x, 0.3f, r2)
                            : c == Corruption::masking ? masking_noise(x, 0.3f, r2)
                                                       : salt_and_pepper_noise(x, 0.3f, r2);
        CHECK(got == want);
        CHECK(got != x);
    }
    Rng r(1);
    CHECK(corrupt(x, Corruption::none, 0.5f, r) == x);
}

TEST_CASE("denoising recipe: the same seed gives the same run, another seed another") {
    DenoisingRecipeOptions o;
    o.eval_count = 50;
    o.seed = 3;
    DenoisingRecipe a(dataset(), o), b(dataset(), o);
    o.seed = 4;
    DenoisingRecipe c(dataset(), o);
    bool differs = false;
    for (int s = 0; s < 15; ++s) {
        const float la = a.train_step(), lb = b.train_step(), lc = c.train_step();
        CHECK(la == lb);  // bit for bit
        CHECK(a.last_plain_loss() == b.last_plain_loss());
        differs |= la != lc;
    }
    CHECK(differs);
    CHECK(a.step() == 15);
    const DenoisingEval ea = a.evaluate(), eb = b.evaluate();
    CHECK(ea.psnr_denoised_db == eb.psnr_denoised_db);
    CHECK(ea.psnr_plain_ae_db == eb.psnr_plain_ae_db);
    // The held-out noise does not depend on the training seed.
    CHECK(a.eval_noisy() == c.eval_noisy());
    CHECK(ea.psnr_noisy_db == c.evaluate().psnr_noisy_db);
}

TEST_CASE("denoising recipe: both networks start equal and see the same batches") {
    DenoisingRecipeOptions o;
    o.eval_count = 20;
    DenoisingRecipe r(dataset(), o);
    const Tensor x = r.eval_noisy();
    CHECK(r.denoise(x) == r.reconstruct_plain(x));  // the same initial weights
    const DenoisingEval e0 = r.evaluate();
    CHECK(e0.psnr_denoised_db == e0.psnr_plain_ae_db);
    const float first = r.train_step();
    CHECK(first == doctest::Approx(r.last_plain_loss()).epsilon(0.05));  // same batch, different inputs
    CHECK(r.last_noisy().shape() == r.last_clean().shape());
    CHECK(r.last_noisy() != r.last_clean());
}

TEST_CASE("denoising recipe: learns to denoise within 100 steps (Gaussian sigma 0.5)") {
    DenoisingRecipeOptions o;
    o.eval_count = 200;
    DenoisingRecipe r(dataset(), o);
    const DenoisingEval before = r.evaluate();
    CHECK(before.psnr_noisy_db == doctest::Approx(6.02).epsilon(0.01));  // 10 log10(1 / 0.25)
    float loss = 0;
    for (int s = 0; s < 100; ++s) loss = r.train_step();
    CHECK(loss < 0.06f);  // from about 0.18 at step 1
    const DenoisingEval after = r.evaluate();
    CHECK(after.psnr_denoised_db > after.psnr_noisy_db + 5.0);  // about +7 dB at step 100
    CHECK(after.psnr_denoised_db > before.psnr_denoised_db + 4.0);
    CHECK(after.mse_denoised < after.mse_noisy / 4);
    CHECK_FALSE(r.collapsed());
}

TEST_CASE("denoising recipe: a huge learning rate collapses the outputs, a normal one does not") {
    DenoisingRecipeOptions o;
    o.eval_count = 10;
    o.learning_rate = 1.0f;
    DenoisingRecipe r(dataset(), o);
    CHECK_FALSE(r.collapsed());  // before any step
    bool collapsed = false;
    for (int s = 0; s < 30 && !collapsed; ++s) {
        const float loss = r.train_step();
        CHECK(std::isfinite(loss));  // Sigmoid output: bounded, never NaN
        collapsed = r.collapsed();
    }
    CHECK(collapsed);
    const Tensor out = r.denoise(r.eval_noisy());
    CHECK(out.size() > 0);
}

TEST_CASE("denoising recipe: bad options are errors with messages") {
    auto rejects = [](DenoisingRecipeOptions o, const char* what) {
        CAPTURE(what);
        try {
            DenoisingRecipe r(dataset(), o);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(std::string(e.what()).find(what) != std::string::npos);
        }
    };
    DenoisingRecipeOptions o;
    o.batch_size = 0;
    rejects(o, "batch size");
    o = {};
    o.eval_count = 100000;
    rejects(o, "eval_count");
    o = {};
    o.learning_rate = 0;
    rejects(o, "learning rate");
    o = {};
    o.level = -1;
    rejects(o, "sigma");
    o = {};
    o.corruption = Corruption::masking;
    o.level = 1.5f;
    rejects(o, "p");
}

TEST_CASE("aelab-cli train denoising-ae: progress lines and one JSON line with the metrics") {
    std::ostringstream out;
    const std::vector<std::string> args = {"--steps", "40", "--seed", "2", "--data", AELAB_TEST_DATASET, "--json"};
    REQUIRE(cli::train_denoising_ae(cli::Args(args, 0), out) == 0);
    const std::string text = out.str();
    CHECK(text.find("step 40/40") != std::string::npos);
    const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1, text.size() - text.rfind('\n', text.size() - 2) - 2);
    const auto j = parse_flat_json(last);
    for (const char* key : {"steps", "seed", "psnr_noisy_db", "psnr_denoised_db", "psnr_plain_ae_db"}) {
        CAPTURE(key);
        CHECK(j.count(key) == 1);
    }
    CHECK(j.at("steps") == "40");
    CHECK(j.at("seed") == "2");
    CHECK(j.at("noise") == "gaussian");
    const double noisy = std::stod(j.at("psnr_noisy_db")), denoised = std::stod(j.at("psnr_denoised_db"));
    CHECK(noisy == doctest::Approx(6.02).epsilon(0.01));
    CHECK(denoised > noisy + 3.0);
    CHECK(std::isfinite(std::stod(j.at("psnr_plain_ae_db"))));

    // The same figures from the recipe directly: the command adds nothing of its own.
    DenoisingRecipeOptions o;
    o.seed = 2;
    DenoisingRecipe r(dataset(), o);
    for (int s = 0; s < 40; ++s) r.train_step();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", r.evaluate().psnr_denoised_db);
    CHECK(j.at("psnr_denoised_db") == buf);
}

TEST_CASE("aelab-cli train denoising-ae: bad options give usage errors") {
    std::ostringstream out, err;
    CHECK(cli::run_cli({"train", "denoising-ae", "--steps", "0", "--data", AELAB_TEST_DATASET}, out, err) == 2);
    CHECK(err.str().find("--steps") != std::string::npos);
    CHECK(cli::run_cli({"train", "denoising-ae", "--noise", "pink", "--data", AELAB_TEST_DATASET}, out, err) == 2);
    CHECK(cli::run_cli({"train", "denoising-ae", "--stepz", "5"}, out, err) == 2);
    std::ostringstream err2;
    CHECK(cli::run_cli({"train", "denoising-ae", "--steps", "5", "--data", "/nonexistent.aelab"}, out, err2) == 1);
    CHECK(err2.str().find("/nonexistent.aelab") != std::string::npos);
}
