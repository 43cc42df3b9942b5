// Tests for the VAE lesson's training job (core/src/jobs/vae.cpp): its steps, curves and
// evaluation are the recipe's, bit for bit; the spec round-trips and rejects bad values by
// key; the view state carries the weights.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/vae.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {
VaeRecipeOptions small_options() {
    VaeRecipeOptions o;
    o.seed = 3;
    o.learning_rate = 2e-3f;
    o.beta = 1.5f;
    o.hidden = 32;
    o.steps = 40;
    return o;
}
}  // namespace

TEST_CASE("vae job: steps, curves and the test ELBO are the recipe's, bit for bit") {
    const VaeRecipeOptions o = small_options();
    const auto job = make_job(vae_job_spec(o, 50), &testutil::dataset());
    VaeRecipe recipe(testutil::dataset(), o);
    REQUIRE(job->curve_count() == 3);
    CHECK(job->evaluates());
    CHECK(job->epoch_size() == int(testutil::dataset().size(Split::train)));
    CHECK(job->batch_size() == o.batch_size);
    std::vector<float> a, b, ca, cb;
    float c[3];
    for (int i = 0; i < 12; ++i) {
        a.push_back(job->step(c));
        ca.insert(ca.end(), c, c + 3);
        b.push_back(recipe.train_step());  // what the lesson's step hook did
        const VaeLoss& l = recipe.last_loss();
        cb.push_back(l.recon), cb.push_back(l.kl), cb.push_back(-(l.recon + l.kl));
    }
    CHECK(a == b);
    CHECK(ca == cb);
    const std::vector<float> e = job->evaluate();
    REQUIRE(e.size() == 1);
    CHECK(e[0] == float(recipe.evaluate(50).elbo));
    CHECK(e[0] < -100.0f);
}

TEST_CASE("vae job: the spec round-trips; a bad value throws naming its key") {
    const VaeRecipeOptions o = small_options();
    const JobSpec spec = JobSpec::parse(vae_job_spec(o, 500).text());
    CHECK(spec.kind == "vae");
    const VaeRecipeOptions back = vae_job_options(spec);
    CHECK(back.seed == o.seed);
    CHECK(back.learning_rate == o.learning_rate);
    CHECK(back.beta == o.beta);
    CHECK(back.hidden == o.hidden);
    CHECK(back.latent == o.latent);
    CHECK(back.batch_size == o.batch_size);
    CHECK(back.steps == o.steps);
    CHECK(vae_job_eval_images(spec) == 500);
    for (const char* bad : {"beta=-1", "lr=0", "hidden=0", "eval=-2", "seed=x"}) {
        CAPTURE(bad);
        const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
        try {
            make_job(JobSpec::parse(std::string("vae?") + bad), &testutil::dataset());
            FAIL("no error");
        } catch (const Error& err) {
            CHECK(std::string(err.what()).find(key) != std::string::npos);
        }
    }
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
}

TEST_CASE("vae job: a copy loaded from the view state decodes the same images") {
    const JobSpec spec = vae_job_spec(small_options(), 50);
    auto job = make_job(spec, &testutil::dataset());
    float c[3];
    for (int i = 0; i < 5; ++i) job->step(c);
    std::vector<float> view;
    job->save_view(view);
    auto copy = make_job(spec, &testutil::dataset());
    copy->load_view(view);
    const Tensor z = latent_grid(4, 2.0f);
    const Tensor a = static_cast<VaeJob&>(*job).recipe().decode(z), b = static_cast<VaeJob&>(*copy).recipe().decode(z);
    CHECK(std::vector<float>(a.begin(), a.end()) == std::vector<float>(b.begin(), b.end()));
    CHECK(copy->evaluate() == job->evaluate());
    view.push_back(0.0f);
    CHECK_THROWS_AS(copy->load_view(view), Error);
}
