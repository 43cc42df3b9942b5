// Tests for lessons/vae.cpp: the numbers the "VAE sampling" page shows (the reparameterisation
// written out, the latent grid and where the mouse is on it, the scatter of test means), the
// pretrained model check, live
// training (train=1, divergence and reset), the URL state and headless drawing in every mode.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "aelab/layers.hpp"
#include "aelab/model_io.hpp"
#include "aelab/rng.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "vae.hpp"
#include "kit/widgets.hpp"

using namespace aelab;
using namespace aelab::lessons::vae;

namespace {

const Dataset& fashion() {
    static const Dataset d = load_dataset(AELAB_TEST_DATASET);
    return d;
}

std::vector<std::uint8_t> pretrained_bytes() {
    const std::string ds = AELAB_TEST_DATASET;
    return read_file(ds.substr(0, ds.find_last_of('/')) + "/" + kPretrainedFile);
}

// A recipe around the pretrained model: the pictures the page shows first.
VaeRecipe pretrained_recipe() {
    const auto bytes = pretrained_bytes();
    return VaeRecipe(fashion(), load_pretrained(bytes, "vae-2d.aelabm"));
}

// The page as a link with these parameters opens it.
std::unique_ptr<Page> page_with(const std::map<std::string, std::string>& params) {
    platform::set_params(params);
    return std::make_unique<Page>();
}

int status_int(const char* key) {
    auto it = platform::status().find(key);
    return it == platform::status().end() || it->second.empty() ? -1 : std::stoi(it->second);
}

}  // namespace

TEST_CASE("vae lesson: the pretrained model is checked for what the page needs") {
    const auto bytes = pretrained_bytes();
    const Vae v = load_pretrained(bytes, "vae-2d.aelabm");
    CHECK(v.latent() == 2);
    CHECK(v.net().param_count() == 101652);

    std::vector<std::uint8_t> corrupt = bytes;
    corrupt[1000] ^= 0x01;
    CHECK_THROWS_WITH_AS(load_pretrained(corrupt, "vae-2d.aelabm"), doctest::Contains("vae-2d.aelabm: checksum mismatch"),
                         Error);
    CHECK_THROWS_WITH_AS(load_pretrained({}, "vae-2d.aelabm"), doctest::Contains("not an aelab model file"), Error);
    // Valid files the page cannot show: a 3-D latent, another architecture, a Sequential.
    VaeOptions o3;
    o3.latent = 3;
    CHECK_THROWS_WITH_AS(load_pretrained(save_model(Vae(o3)), "x"), doctest::Contains("3-D latent"), Error);
    Sequential deep({1, 28, 28});
    deep.add<Flatten>();
    deep.add<Linear>(784, 16);
    deep.add<Tanh>();
    deep.add<Linear>(16, 4);
    deep.add<Linear>(2, 784);
    deep.add<Unflatten>(Shape{1, 28, 28});
    CHECK_THROWS_WITH_AS(load_pretrained(save_model(Vae(std::move(deep), 4, 2, 1.0f)), "x"),
                         doctest::Contains("not the lesson's architecture"), Error);
    CHECK_THROWS_WITH_AS(load_pretrained(save_model(linear_autoencoder()), "x"), doctest::Contains("not a Vae"), Error);
    // Another hidden width is still the lesson's model.
    VaeOptions narrow;
    narrow.hidden = 16;
    CHECK_NOTHROW(load_pretrained(save_model(Vae(narrow)), "x"));
}

TEST_CASE("vae lesson: the reparameterisation step for the shown image, by hand") {
    VaeRecipe r = pretrained_recipe();
    for (int draw : {0, 1, 7}) {
        CAPTURE(draw);
        const ReparamStep s = reparameterize(r, 12, draw);
        Rng rng(kEpsSeed + std::uint64_t(draw));
        const Tensor mu = r.encode_means(Split::test, 12, 1);
        for (int j = 0; j < 2; ++j) {
            const float eps = rng.normal();
            CHECK(s.eps[j] == eps);
            CHECK(s.mu[j] == mu(0, j));
            CHECK(s.sigma[j] == std::exp(s.logvar[j] / 2));
            CHECK(s.z[j] == doctest::Approx(s.mu[j] + std::exp(s.logvar[j] / 2) * eps).epsilon(1e-6));
            CHECK(s.sigma[j] > 0.0f);
            CHECK(s.sigma[j] < 1.0f);  // a trained encoder is surer than the prior
        }
        // The two images: decoder(z) and decoder(mu).
        const Tensor dz = r.decode(from_values({1, 2}, {s.z[0], s.z[1]}));
        const Tensor dmu = r.decode(mu);
        REQUIRE(s.recon.shape() == Shape{28, 28});
        for (std::size_t i = 0; i < 784; ++i) {
            REQUIRE(s.recon.data()[i] == doctest::Approx(dz.data()[i]));
            REQUIRE(s.mean_recon.data()[i] == dmu.data()[i]);
        }
        Tensor x = fashion().image(Split::test, 12);
        x.reshape({28, 28});
        CHECK(s.x == x);
    }
    // The written-out lines, with the numbers as the page prints them.
    ReparamStep s{};
    s.mu[0] = 0.5f, s.logvar[0] = -2.0f, s.sigma[0] = std::exp(-1.0f), s.eps[0] = -1.5f;
    s.z[0] = 0.5f + std::exp(-1.0f) * -1.5f;
    CHECK(sigma_text(s, 0) == "sigma_1 = exp(logvar_1 / 2) = exp(-2 / 2) = 0.368");
    CHECK(z_text(s, 0) == "z_1 = mu_1 + sigma_1 * eps_1 = 0.5 + 0.368 * (-1.5) = -0.052");
}

TEST_CASE("vae lesson: the latent plane's pictures") {
    VaeRecipe r = pretrained_recipe();
    const Tensor grid = grid_image(r);
    REQUIRE(grid.shape() == Shape{std::size_t(kGridSide) * 28, std::size_t(kGridSide) * 28});
    // Tile (row 0, column 0) is the decoder's image of (-3, 3).
    const Tensor corner = decode_point(r, -kGridExtent, kGridExtent);
    REQUIRE(corner.shape() == Shape{28, 28});
    for (int i = 0; i < 28; ++i)
        for (int j = 0; j < 28; ++j) REQUIRE(grid(i, j) == doctest::Approx(corner(i, j)));
    // Tile (r, c) is latent r * kGridSide + c of the core's latent grid, decoded.
    const Tensor grid_z = latent_grid(kGridSide, kGridExtent);
    const Tensor tiles = r.decode(grid_z);
    CHECK(grid(28 * 2 + 5, 28 * 7 + 9) == tiles(2 * 12 + 7, 0, 5, 9));
    CHECK(grid(335, 335) == tiles(143, 0, 27, 27));
    // A point of the drawn grid maps back to its tile's latent at the tile's centre, and back.
    float z1, z2, u, v;
    grid_to_latent((1 + 0.5f) / 12.0f, (1 + 0.5f) / 12.0f, z1, z2);
    CHECK(z1 == doctest::Approx(grid_z(13, 0)));
    CHECK(z2 == doctest::Approx(grid_z(13, 1)));
    latent_to_grid(z1, z2, u, v);
    CHECK(u == doctest::Approx(1.5f / 12.0f));
    CHECK(v == doctest::Approx(1.5f / 12.0f));

    const LatentScatter s = latent_scatter(r, kScatterImages);
    REQUIRE(s.means.shape() == Shape{1000, 2});
    REQUIRE(s.points.size() == 1000);
    CHECK(s.points[0].label == fashion().test_labels[0]);
    CHECK(s.points[7].x == s.means(7, 0));
    CHECK(s.points[7].y == s.means(7, 1));
    // Most codes lie within the prior's 3-sigma disc: the KL term at work.
    int inside = 0;
    for (int i = 0; i < 1000; ++i) inside += std::hypot(s.means(i, 0), s.means(i, 1)) < 3.0f;
    CHECK(inside > 950);

    const Tensor z = prior_latents(3);
    REQUIRE(z.shape() == Shape{std::size_t(kPriorSamples), 2});
    Rng rng(kPriorSeed + 3);
    CHECK(z(0, 0) == rng.normal());
}

TEST_CASE("vae lesson: the PyTorch code follows the settings") {
    lessons::TrainingControls c;
    c.learning_rate = 0.003f;
    c.seed = 7;
    const std::string code = pytorch_code(recipe_options(c, 2.5f), 10, 20);
    CHECK(code.find("def __init__(self, hidden=64, latent=2)") != std::string::npos);
    CHECK(code.find("z = mu + torch.exp(0.5 * logvar) * eps") != std::string::npos);
    CHECK(code.find("torch.manual_seed(7)") != std::string::npos);
    CHECK(code.find("model, beta, B = VAE(), 2.5, 64") != std::string::npos);
    CHECK(code.find("lr=0.003") != std::string::npos);
    CHECK(code.find("for step in range(6000)") != std::string::npos);
    CHECK(code.find("test_x[[10, 20]]") != std::string::npos);
    CHECK(code.find("reduction='sum') / x.shape[0]") != std::string::npos);  // per image, as the page
}

TEST_CASE("vae lesson: URL state round trip") {
    auto s = page_with({{"mode", "1"}, {"seed", "7"}, {"lr", "0.003"}, {"beta", "2.5"}, {"img", "42"}, {"eps", "3"},
                        {"z1", "-1.5"}, {"z2", "0.25"}, {"prior", "4"}, {"ia", "10"}, {"ib", "20"}, {"open", "6"}});
    CHECK(s->mode == Mode::train);
    CHECK_FALSE(s->training.wants_training());
    CHECK(s->training.controls().seed == 7);
    CHECK(s->training.controls().learning_rate == doctest::Approx(0.003f));
    CHECK(s->beta == 2.5f);
    CHECK(s->image == 42);
    CHECK(s->eps_draw == 3);
    CHECK(s->z1 == -1.5f);
    CHECK(s->z2 == 0.25f);
    CHECK(s->prior_draw == 4);
    CHECK(s->ia == 10);
    CHECK(s->ib == 20);
    CHECK(s->sections.open == 6);
    const VaeRecipeOptions o = recipe_options(s->training.controls(), s->beta);
    CHECK(o.seed == 7);
    CHECK(o.beta == 2.5f);
    CHECK(o.learning_rate == doctest::Approx(0.003f));

    // The page built from these parameters writes the same state back.
    {
        platform::set_dataset_path(AELAB_TEST_DATASET);
        test::HeadlessImGui gui;
        auto lesson = lessons::find_lesson("vae")->make();
        for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
        CHECK(platform::param("mode") == "1");
        CHECK(platform::param("train") == "0");
        CHECK(platform::param("seed") == "7");
        CHECK(platform::param("lr") == "0.003");
        CHECK(platform::param("beta") == "2.5");
        CHECK(platform::param("img") == "42");
        CHECK(platform::param("eps") == "3");
        CHECK(platform::param("z1") == "-1.5");
        CHECK(platform::param("z2") == "0.25");
        CHECK(platform::param("prior") == "4");
        CHECK(platform::param("ia") == "10");
        CHECK(platform::param("ib") == "20");
        CHECK(platform::param("open") == "6");
        CHECK(status_int("step") == 0);  // not started without train=1
    }
    page_with({})->url.write();
    CHECK(Page().mode == Mode::pretrained);

    // Hand-edited links fall back to the defaults.
    s = page_with({{"mode", "5"}, {"lr", "100"}, {"beta", "-1"}, {"img", "5000"}, {"z1", "nan"}, {"ia", "x"}});
    CHECK(s->mode == Mode::pretrained);
    CHECK(s->training.controls().learning_rate == 1e-3f);
    CHECK(s->beta == 1.0f);
    CHECK(s->image == 0);
    CHECK(s->z1 == 0.0f);
    CHECK(s->ia == 0);
    platform::set_params({});
}

TEST_CASE("vae lesson: train=1 starts training as soon as the data is ready, and the loss falls") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::set_params({{"train", "1"}});
    platform::clear_status();
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("vae")->make();
    for (int i = 0; i < 300 && status_int("step") < 100; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(status_int("step") >= 100);
    CHECK(platform::param("mode") == "1");
    CHECK(platform::param("train") == "1");  // still running: a copied link starts it again
    const float first = std::stof(platform::status().at("first_loss")), last = std::stof(platform::status().at("loss"));
    INFO("first loss ", first, ", latest ", last);
    CHECK(first > 500.0f);
    CHECK(last < 0.8f * first);
    platform::set_params({});
}

TEST_CASE("vae lesson: live training records its curves; a huge learning rate diverges and Reset recovers") {
    auto p = page_with({{"lr", "5"}});  // kMaxLearningRate
    platform::set_params({});
    lessons::LiveTraining& lt = p->training;
    p->use_data(&fashion());
    lt.rebuild();
    REQUIRE(p->test_elbo.size() == 1);
    CHECK(p->test_elbo[0] < -500.0f);
    lt.controls().budget_ms = 1e9f;
    lt.run().start();
    for (int i = 0; i < 20 && lt.run().state() == lessons::TrainingRun::State::running; ++i) lt.advance();
    CHECK(lt.run().state() == lessons::TrainingRun::State::diverged);
    CHECK(lt.run().message().find("diverged") != std::string::npos);
    CHECK(p->recon.size() == std::size_t(lt.run().step()));  // the bad step is not plotted

    lt.controls().learning_rate = 1e-3f;
    lt.rebuild();
    CHECK(lt.run().state() == lessons::TrainingRun::State::idle);
    CHECK(lt.run().step() == 0);
    CHECK(p->recon.empty());
    lt.set_max_steps(kEvalEvery);
    lt.run().start();
    while (lt.run().running()) lt.advance();
    CHECK(lt.run().state() == lessons::TrainingRun::State::finished);
    REQUIRE(p->recon.size() == std::size_t(kEvalEvery));
    REQUIRE(p->test_elbo.size() == 2);
    CHECK(p->test_elbo[1] > p->test_elbo[0] + 150.0f);
    for (int i = 0; i < kEvalEvery; ++i)
        REQUIRE(p->elbo[std::size_t(i)] == -(p->recon[std::size_t(i)] + p->kl[std::size_t(i)]));
    CHECK(lt.run().losses().back() == doctest::Approx(p->recon.back() + p->kl.back()));
}

namespace {
// A short run of the page's training on trainer k: losses, curves and test ELBOs.
struct VaeRunResult {
    std::vector<float> losses, recon, kl, elbo, test_elbo;
    std::vector<float> decoded;  // the view copy's decoder at z = (0.5, -0.5) when it ended
};
VaeRunResult run_page_training(lessons::TrainerKind k, int steps) {
    auto p = page_with({{"seed", "4"}, {"beta", "2"}});
    platform::set_params({});
    lessons::LiveTraining& lt = p->training;
    lt.set_trainer(k);
    lt.set_max_steps(steps);
    p->use_data(&fashion());
    lt.rebuild();
    lt.run().start();
    for (int i = 0; i < 20000 && lt.run().running(); ++i) {
        lt.advance();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(lt.run().state() == lessons::TrainingRun::State::finished);
    CHECK(lt.trainer() == test::trainer_for(k));
    VaeRunResult r{lt.run().losses(), p->recon, p->kl, p->elbo, p->test_elbo, {}};
    REQUIRE(p->live != nullptr);
    const Tensor img = decode_point(*p->live, 0.5f, -0.5f);
    r.decoded.assign(img.begin(), img.end());
    return r;
}
}  // namespace

TEST_CASE("vae lesson: training on a second thread gives the same run as on the page's thread") {
    const VaeRunResult a = run_page_training(lessons::TrainerKind::inline_page, 30);
    const VaeRunResult b = run_page_training(lessons::TrainerKind::thread, 30);
    REQUIRE(a.losses.size() == 30);
    CHECK(a.losses == b.losses);
    CHECK(a.recon == b.recon);
    CHECK(a.kl == b.kl);
    CHECK(a.elbo == b.elbo);
    REQUIRE(a.test_elbo.size() == 2);  // step 0 and the end
    CHECK(a.test_elbo == b.test_elbo);
    CHECK(a.decoded == b.decoded);  // the view copy holds the last step's weights
}

TEST_CASE("vae lesson: draws headless in every mode and with odd parameters") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    const std::vector<std::map<std::string, std::string>> cases = {
        {},
        {{"mode", "1"}},
        {{"mode", "1"}, {"beta", "0"}, {"seed", "3"}},
        {{"train", "1"}, {"beta", "8"}},
        {{"train", "1"}, {"lr", "5"}},  // diverges: the message in place of the run
        {{"z1", "4"}, {"z2", "-4"}, {"ia", "999"}, {"ib", "999"}, {"img", "999"}, {"eps", "1000000"}},
    };
    for (const auto& params : cases) {
        std::string what;
        for (const auto& kv : params) what += kv.first + "=" + kv.second + " ";
        CAPTURE(what);
        platform::set_params(params);
        auto lesson = lessons::find_lesson("vae")->make();
        for (int i = 0; i < 6; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
        CHECK(platform::status().at("pretrained") == "loaded");
    }
    platform::set_params({});
}
