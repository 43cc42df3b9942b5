// Tests for the PCA / linear autoencoder lesson's training job (core/src/jobs/pca_linear_ae.cpp):
// its steps and probes are the recipe's, bit for bit, on data prepared the same way; the spec
// round-trips and rejects bad values by key; the view state carries the weights, the step,
// the learning rate and the probes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/pca_linear_ae.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {
constexpr int kComponents = 40;
LinearAeConfig small_config() {
    LinearAeConfig c;
    c.latent = 3;
    c.activation = Activation::tanh;
    c.learning_rate = 4e-3f;
    c.steps = 30;  // the decay starts at step 15
    c.probe_every = 10;
    c.seed = 6;
    return c;
}
std::vector<float> flat(const std::vector<LinearAeProbe>& probes) {
    std::vector<float> v;
    for (const LinearAeProbe& q : probes)
        v.insert(v.end(), {float(q.step), float(q.max_angle_deg), float(q.mean_angle_deg), q.test_mse});
    return v;
}
}  // namespace

TEST_CASE("linear_ae job: steps and probes are the recipe's, bit for bit") {
    const LinearAeConfig c = small_config();
    const auto job = make_job(linear_ae_job_spec(c, kComponents), &testutil::dataset());
    auto& lj = static_cast<LinearAeJob&>(*job);
    LinearAeRecipe recipe(prepare_linear_ae_data(testutil::dataset(), kComponents), c);  // as the old hook did
    CHECK(job->curve_count() == 0);
    CHECK_FALSE(job->evaluates());
    CHECK(job->epoch_size() == 6000);
    CHECK(job->batch_size() == 64);
    std::vector<float> a, b;
    for (int i = 0; i < 25; ++i) {
        a.push_back(job->step(nullptr));
        b.push_back(recipe.train_step());
    }
    CHECK(a == b);
    CHECK(lj.shown_step() == 25);
    CHECK(lj.shown_learning_rate() == recipe.current_learning_rate());
    CHECK(lj.shown_learning_rate() < c.learning_rate);
    REQUIRE(lj.probes().size() == 3);  // steps 0, 10, 20
    CHECK(flat(lj.probes()) == flat(recipe.probes()));
    CHECK(lj.recipe().pca_test_mse() == recipe.pca_test_mse());
}

TEST_CASE("linear_ae job: the spec round-trips; a bad value throws naming its key") {
    const LinearAeConfig c = small_config();
    const JobSpec spec = JobSpec::parse(linear_ae_job_spec(c, kComponents).text());
    CHECK(spec.kind == "linear_ae");
    const LinearAeConfig back = linear_ae_job_options(spec);
    CHECK(back.latent == c.latent);
    CHECK(back.tied == c.tied);
    CHECK(back.activation == c.activation);
    CHECK(back.learning_rate == c.learning_rate);
    CHECK(back.batch_size == c.batch_size);
    CHECK(back.steps == c.steps);
    CHECK(back.decay_start == c.decay_start);
    CHECK(back.final_lr_fraction == c.final_lr_fraction);
    CHECK(back.probe_every == c.probe_every);
    CHECK(back.seed == c.seed);
    CHECK(linear_ae_job_components(spec) == kComponents);
    for (const char* bad : {"latent=0", "latent=33", "act=swish", "tied=2", "decay=1.5", "probe_every=0", "pca=8"}) {
        CAPTURE(bad);
        const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
        try {
            make_job(JobSpec::parse(std::string("linear_ae?") + bad), &testutil::dataset());
            FAIL("no error");
        } catch (const Error& err) {
            CHECK(std::string(err.what()).find(key) != std::string::npos);
        }
    }
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
}

TEST_CASE("linear_ae job: a copy loaded from the view state shows the same model, step and probes") {
    const JobSpec spec = linear_ae_job_spec(small_config(), kComponents);
    auto job = make_job(spec, &testutil::dataset());
    for (int i = 0; i < 22; ++i) job->step(nullptr);
    std::vector<float> view;
    job->save_view(view);
    auto copy = make_job(spec, &testutil::dataset());
    auto& a = static_cast<LinearAeJob&>(*job);
    auto& b = static_cast<LinearAeJob&>(*copy);
    REQUIRE(b.probes().size() == 1);  // its own, at step 0
    copy->load_view(view);
    CHECK(b.shown_step() == 22);
    CHECK(b.shown_learning_rate() == a.shown_learning_rate());
    CHECK(flat(b.probes()) == flat(a.probes()));
    const Tensor da = a.recipe().decoder_directions(), db = b.recipe().decoder_directions();
    CHECK(std::vector<float>(da.begin(), da.end()) == std::vector<float>(db.begin(), db.end()));
    CHECK(a.recipe().test_mse() == b.recipe().test_mse());
    // A copy of a copy: the loaded state is what it saves.
    std::vector<float> again;
    copy->save_view(again);
    CHECK(again == view);
    view.pop_back();
    CHECK_THROWS_AS(copy->load_view(view), Error);
}
