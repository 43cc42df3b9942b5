// Tests for the conv-autoencoder lesson's training job (core/src/jobs/conv_autoencoder.cpp): its
// steps, network 2's curve and the PSNRs are the recipe's, bit for bit, augmentation included;
// the spec round-trips (augmentation is in it) and rejects bad values by key; the view state
// carries both networks' weights and BatchNorm statistics and the step.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/conv_autoencoder.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {
const char* const kNet1 = "conv4s2p1-relu-tconv1s2p1o1-sigmoid";
const char* const kNet2 = "conv4s2p1-bn-relu-drop0.1-up2-conv1p1-sigmoid";  // BatchNorm: buffers in the view
ConvAeOptions small_options(bool augment) {
    ConvAeOptions o;
    o.learning_rate = 3e-3f;
    o.batch_size = 16;
    o.eval_count = 40;
    o.seed = 9;
    o.augment = augment;
    return o;
}
std::vector<float> values(const Tensor& t) { return std::vector<float>(t.begin(), t.end()); }
}  // namespace

TEST_CASE("conv_ae job: steps, network 2's curve and the PSNRs are the recipe's, bit for bit") {
    for (bool augment : {false, true}) {
        CAPTURE(augment);
        const ConvAeOptions o = small_options(augment);
        const auto job = make_job(conv_ae_job_spec({kNet1, kNet2}, o), &testutil::dataset());
        ConvAeRecipe recipe(testutil::dataset(), {kNet1, kNet2}, o);
        REQUIRE(job->curve_count() == 1);
        CHECK(job->evaluates());
        CHECK(job->batch_size() == 16);
        CHECK(job->epoch_size() == int(testutil::dataset().size(Split::train)));
        std::vector<float> a, b, ca, cb;
        for (int i = 0; i < 8; ++i) {
            float c = 0;
            a.push_back(job->step(&c));
            ca.push_back(c);
            recipe.set_augment(augment);  // what the lesson's step hook did
            const std::vector<float> l = recipe.train_step();
            b.push_back(l[0]);
            cb.push_back(l[1]);
        }
        CHECK(a == b);
        CHECK(ca == cb);
        const std::vector<double> db = recipe.evaluate_psnr_db();
        const std::vector<float> e = job->evaluate();
        REQUIRE(e.size() == 2);
        CHECK(e[0] == float(db[0]));
        CHECK(e[1] == float(db[1]));
        CHECK(e[0] > 5.0f);
    }
    // One network: no curve.
    CHECK(make_job(conv_ae_job_spec({kNet1}, small_options(false)), &testutil::dataset())->curve_count() == 0);
}

TEST_CASE("conv_ae job: the spec round-trips with augmentation; a bad value throws naming its key") {
    ConvAeOptions o = small_options(true);
    o.augment_options.max_shift = 3;
    o.augment_options.flip = false;
    const JobSpec spec = JobSpec::parse(conv_ae_job_spec({kNet1, kNet2}, o).text());
    CHECK(spec.kind == "conv_ae");
    const ConvAeOptions back = conv_ae_job_options(spec);
    CHECK(back.learning_rate == o.learning_rate);
    CHECK(back.batch_size == o.batch_size);
    CHECK(back.steps == o.steps);
    CHECK(back.eval_count == o.eval_count);
    CHECK(back.seed == o.seed);
    CHECK(back.augment);
    CHECK(back.augment_options.max_shift == 3);
    CHECK_FALSE(back.augment_options.flip);
    CHECK(conv_ae_job_archs(spec) == std::vector<std::string>{kNet1, kNet2});
    CHECK(conv_ae_job_archs(JobSpec::parse(conv_ae_job_spec({kNet1}, o).text())) == std::vector<std::string>{kNet1});
    // Augmentation on and off are two specs (two runs), not one run changed.
    CHECK(conv_ae_job_spec({kNet1}, small_options(true)).text() != conv_ae_job_spec({kNet1}, small_options(false)).text());
    for (const char* bad : {"aug=2", "shift=9", "lr=0", "eval=0", "batch=-1", "flip=yes"}) {
        CAPTURE(bad);
        const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
        try {
            make_job(JobSpec::parse(std::string("conv_ae?arch=") + kNet1 + "&" + bad), &testutil::dataset());
            FAIL("no error");
        } catch (const Error& err) {
            CHECK(std::string(err.what()).find(key) != std::string::npos);
        }
    }
    try {  // an architecture that does not check: the recipe's message, naming the network
        make_job(JobSpec::parse(std::string("conv_ae?arch=") + kNet1 + "&arch2=conv4s2p1-relu-lin16"), &testutil::dataset());
        FAIL("no error");
    } catch (const Error& err) {
        CHECK(std::string(err.what()).find("network 2") != std::string::npos);
    }
    CHECK_THROWS_AS(conv_ae_job_spec({kNet1, kNet1, kNet1}, o), Error);
    CHECK_THROWS_AS(conv_ae_job_spec({std::string(1100, 'a')}, o), Error);
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
}

TEST_CASE("conv_ae job: a copy loaded from the view state reconstructs the same images") {
    const JobSpec spec = conv_ae_job_spec({kNet1, kNet2}, small_options(true));
    auto job = make_job(spec, &testutil::dataset());
    float c = 0;
    for (int i = 0; i < 6; ++i) job->step(&c);
    std::vector<float> view;
    job->save_view(view);
    auto copy = make_job(spec, &testutil::dataset());
    auto& a = static_cast<ConvAeJob&>(*job);
    auto& b = static_cast<ConvAeJob&>(*copy);
    CHECK(b.shown_step() == 0);
    copy->load_view(view);
    CHECK(b.shown_step() == 6);
    const Tensor x = testutil::dataset().batch(Split::test, 0, 4);
    for (std::size_t i = 0; i < 2; ++i) {
        CAPTURE(i);
        CHECK(values(a.recipe().reconstruct(i, x)) == values(b.recipe().reconstruct(i, x)));
    }
    CHECK(copy->evaluate() == job->evaluate());
    view.push_back(1.0f);
    CHECK_THROWS_AS(copy->load_view(view), Error);
}
