// Tests for core/src/recipes/linear_ae.cpp (the "PCA as a linear autoencoder" recipe) and its
// command, `aelab-cli train linear-ae`: determinism for a seed, convergence to the PCA subspace
// (principal angles) tied and untied, a non-linearity staying away from it, the schedule, the
// k = 2 scatter data and the command's JSON line. Small k and few steps keep it fast.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "aelab/dataset.hpp"
#include "aelab/recipe_linear_ae.hpp"
#include "cli.hpp"

using namespace aelab;

namespace {

// Prepared once: the PCA of the 6000 training images is the slow part (~0.3-0.5 s).
const std::shared_ptr<const LinearAeData>& shared_data() {
    static const Dataset d = load_dataset(AELAB_TEST_DATASET);
    static const std::shared_ptr<const LinearAeData> data = prepare_linear_ae_data(d);
    return data;
}

// k = 2 (a large eigengap: lambda_2 = 12.2, lambda_3 = 4.1) and a 600-step schedule.
LinearAeConfig small_config() {
    LinearAeConfig c;
    c.latent = 2;
    c.steps = 600;
    c.probe_every = 100;
    return c;
}

LinearAeRecipe trained(const LinearAeConfig& c) {
    LinearAeRecipe r(shared_data(), c);
    for (int s = 0; s < c.steps; ++s) r.train_step();
    return r;
}

// The numbers of a flat JSON object {"key": number-or-other, ...}, by key.
std::map<std::string, std::string> json_fields(const std::string& line) {
    std::map<std::string, std::string> f;
    std::size_t p = 0;
    while ((p = line.find('"', p)) != std::string::npos) {
        const std::size_t end = line.find('"', p + 1);
        const std::string key = line.substr(p + 1, end - p - 1);
        std::size_t v = line.find_first_not_of(" :", end + 1);
        std::size_t v_end = line[v] == '"' ? line.find('"', v + 1) + 1 : line.find_first_of(",}", v);
        f[key] = line.substr(v, v_end - v);
        p = v_end;
    }
    return f;
}

}  // namespace

TEST_CASE("linear-ae recipe: the data is centred by the PCA mean and the defaults are the lesson's") {
    const LinearAeData& d = *shared_data();
    REQUIRE(d.train_centered.shape() == Shape{6000, 1, 28, 28});
    REQUIRE(d.test_centered.shape() == Shape{1000, 1, 28, 28});
    CHECK(d.pca.components.shape()[0] == std::size_t(LinearAeConfig::kMaxLatent));
    // Centred: every pixel's mean over the training set is ~0.
    double worst = 0;
    for (std::size_t j = 0; j < 784; ++j) {
        double s = 0;
        for (std::size_t i = 0; i < 6000; ++i) s += d.train_centered.data()[i * 784 + j];
        worst = std::max(worst, std::fabs(s / 6000));
    }
    CHECK(worst < 1e-5);
    const LinearAeConfig c;
    CHECK(c.latent == 8);
    CHECK_FALSE(c.tied);
    CHECK(c.activation == Activation::none);
    // PCA's error falls with k, and equals the variance left over (per pixel) roughly.
    CHECK(pca_test_mse(d, 2) > pca_test_mse(d, 8));
    CHECK(pca_test_mse(d, 8) > pca_test_mse(d, 32));
    CHECK(pca_test_mse(d, 8) == doctest::Approx(0.0269).epsilon(0.02));
}

TEST_CASE("linear-ae recipe: deterministic for a seed") {
    LinearAeConfig c = small_config();
    LinearAeRecipe a(shared_data(), c), b(shared_data(), c);
    c.seed = 2;
    LinearAeRecipe other(shared_data(), c);
    bool differs = false;
    for (int s = 0; s < 40; ++s) {
        const float la = a.train_step(), lb = b.train_step();
        REQUIRE(la == lb);
        differs |= other.train_step() != la;
    }
    CHECK(differs);
    CHECK(a.decoder_angles() == b.decoder_angles());
}

TEST_CASE("linear-ae recipe: the learning rate is constant for half the run, then decays linearly to 2%") {
    LinearAeConfig c = small_config();
    c.steps = 100;
    LinearAeRecipe r(shared_data(), c);
    CHECK(r.current_learning_rate() == doctest::Approx(3e-3f));
    for (int s = 0; s < 50; ++s) r.train_step();
    CHECK(r.current_learning_rate() == doctest::Approx(3e-3f));
    for (int s = 0; s < 25; ++s) r.train_step();
    CHECK(r.current_learning_rate() == doctest::Approx(3e-3f * 0.51f));
    for (int s = 0; s < 25; ++s) r.train_step();
    CHECK(r.current_learning_rate() == doctest::Approx(3e-3f * 0.02f));
    CHECK(r.step() == 100);
    REQUIRE(r.probes().size() == 2);  // steps 0 and 100 (probe_every = 100)
    CHECK(r.probes()[1].step == 100);
}

TEST_CASE("linear-ae recipe: untied and tied, k = 2, reach the PCA subspace within 600 steps") {
    for (bool tied : {false, true}) {
        CAPTURE(tied);
        LinearAeConfig c = small_config();
        c.tied = tied;
        LinearAeRecipe r(shared_data(), c);
        const double start = r.probes()[0].max_angle_deg;
        CHECK(start > 45.0);  // a random 2-D plane in 784-D is far from any given one
        float first_loss = r.train_step(), last_loss = 0;
        for (int s = 1; s < c.steps; ++s) last_loss = r.train_step();
        CHECK(last_loss < 0.6f * first_loss);
        const std::vector<double> a = r.decoder_angles();
        REQUIRE(a.size() == 2);
        CHECK(a.back() < 3.0);
        // Same span, same reconstructions: the test error is PCA's within 0.5%.
        CHECK(r.test_mse() == doctest::Approx(r.pca_test_mse()).epsilon(0.005));
        CHECK(r.test_mse() >= 0.999f * r.pca_test_mse());  // PCA is optimal among linear maps
        // The probes recorded on the way, falling overall.
        REQUIRE(r.probes().size() == 7);
        CHECK(r.probes().back().max_angle_deg < r.probes().front().max_angle_deg);
        // Same span, but not PCA's basis: the Gram matrix is far from the identity (untied),
        // while the coordinates in the PCA basis keep each direction's length (span agreement).
        const Tensor G = r.decoder_gram(), M = r.pca_coordinates();
        REQUIRE(G.shape() == Shape{2, 2});
        REQUIRE(M.shape() == Shape{2, 2});
        for (std::size_t j = 0; j < 2; ++j) {
            const double in_span = double(M(0, j)) * M(0, j) + double(M(1, j)) * M(1, j);
            CHECK(in_span == doctest::Approx(G(j, j)).epsilon(0.01));
        }
        if (tied) {
            // Tied weights: the optimum has orthonormal rows, W W^T = I.
            CHECK(G(0, 0) == doctest::Approx(1.0).epsilon(0.05));
            CHECK(std::fabs(G(0, 1)) < 0.05);
            CHECK(r.encoder_angles() == r.decoder_angles());
        }
    }
}

TEST_CASE("linear-ae recipe: a ReLU on the code breaks the equivalence with PCA") {
    LinearAeConfig c = small_config();
    c.activation = Activation::relu;
    LinearAeRecipe r = trained(c);
    const std::vector<double> a = r.decoder_angles();
    REQUIRE(a.size() == 2);
    CHECK(std::isfinite(a.back()));
    CHECK(a.back() > 5.0);
    CHECK(r.test_mse() > 1.02f * r.pca_test_mse());
    for (Activation act : {Activation::tanh, Activation::sigmoid}) {
        c.activation = act;
        c.steps = 20;
        CHECK_NOTHROW(trained(c).probe());
    }
}

TEST_CASE("linear-ae recipe: the k = 2 scatter data has one point per test image") {
    LinearAeRecipe r(shared_data(), small_config());
    const Tensor z = r.test_codes(), zp = r.pca_test_codes();
    CHECK(z.shape() == Shape{1000, 2});
    CHECK(zp.shape() == Shape{1000, 2});
    const Dataset d = load_dataset(AELAB_TEST_DATASET);
    CHECK(r.data().test_labels == d.test_labels);
    // PCA codes are the projections on the first two components.
    const Tensor x = d.image(Split::test, 3);
    double dot = 0;
    for (std::size_t j = 0; j < 784; ++j)
        dot += (double(x.data()[j]) - r.data().pca.mean(j)) * r.data().pca.components(0, j);
    CHECK(zp(3, 0) == doctest::Approx(dot).epsilon(1e-4));
    // Reconstructions are images: mean + f(x - mean), same shape.
    const Tensor rec = r.reconstruct(r.data().test_images);
    CHECK(rec.shape() == r.data().test_images.shape());
}

TEST_CASE("linear-ae recipe: a huge learning rate blows up without throwing; bad settings are errors") {
    LinearAeConfig c = small_config();
    c.learning_rate = 1.0f;
    LinearAeRecipe r(shared_data(), c);
    const float first = r.train_step();
    float worst = first;
    for (int s = 0; s < 30; ++s) {
        const float l = r.train_step();
        worst = std::isfinite(l) ? std::max(worst, l) : INFINITY;
    }
    CHECK(worst > 100 * first);
    CHECK_NOTHROW(r.probe());
    for (int latent : {0, 33}) {
        LinearAeConfig bad = small_config();
        bad.latent = latent;
        CHECK_THROWS_AS(LinearAeRecipe(shared_data(), bad), Error);
    }
    LinearAeConfig bad = small_config();
    bad.batch_size = 7000;
    CHECK_THROWS_AS(LinearAeRecipe(shared_data(), bad), Error);
    bad = small_config();
    bad.learning_rate = 0;
    CHECK_THROWS_AS(LinearAeRecipe(shared_data(), bad), Error);
    CHECK_THROWS_AS(LinearAeRecipe(nullptr, small_config()), Error);
}

TEST_CASE("cli train linear-ae: progress lines and one JSON line with the metrics") {
    std::ostringstream out, err;
    const int code = cli::run_cli({"train", "linear-ae", "--steps", "30", "--seed", "3", "--latent", "2", "--data",
                                   AELAB_TEST_DATASET, "--json"},
                                  out, err);
    REQUIRE_MESSAGE(code == 0, err.str());
    const std::string text = out.str();
    CHECK(text.find("step    30/30") != std::string::npos);
    const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
    REQUIRE(last.front() == '{');
    const auto f = json_fields(last);
    CHECK(f.at("command") == "\"train linear-ae\"");
    CHECK(f.at("steps") == "30");
    CHECK(f.at("seed") == "3");
    CHECK(f.at("latent") == "2");
    for (const char* key : {"principal_angle_max_deg", "recon_mse_ae", "recon_mse_pca"}) {
        CAPTURE(key);
        const double v = std::stod(f.at(key));
        CHECK(std::isfinite(v));
        CHECK(v > 0);
    }
    CHECK(std::stod(f.at("recon_mse_pca")) == doctest::Approx(pca_test_mse(*shared_data(), 2)).epsilon(1e-4));
    // Usage errors exit with 2.
    std::ostringstream o2, e2;
    CHECK(cli::run_cli({"train", "linear-ae", "--steps", "0"}, o2, e2) == 2);
    CHECK(cli::run_cli({"train", "linear-ae", "--bogus", "1"}, o2, e2) == 2);
}
