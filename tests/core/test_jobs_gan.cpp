// Tests for the GAN lesson's training jobs (aelab/jobs/gan.hpp): the same numbers as the recipes
// driven directly (with the page's single steps and changes made mid-run through adjust), the
// spec's round trip and bad values, the view state.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/gan.hpp"
#include "aelab/train_job.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::dataset;

namespace {

PlaneGanJobOptions plane_run() {
    PlaneGanJobOptions o;
    o.gan.seed = 4;
    o.gan.learning_rate = 2e-3f;
    o.gan.batch_size = 32;
    return o;
}

JobSpec change(const char* key, const std::string& value) {
    JobSpec c("gan-plane");
    c.set(key, value);
    return c;
}

// The page's mid-run changes: step 2 is one D update; before step 3, k_d = 2 and the saturating
// loss, and step 3 is one G update.
void plane_changes(TrainJob& job, int step) {
    if (step == 2) job.adjust(change("once", "d"));
    if (step == 3) {
        job.adjust(change("kd", "2"));
        job.adjust(change("nonsat", "0"));
        job.adjust(change("once", "g"));
    }
}

// L_D as the job reports it (before any D update: the untrained pair's on the fixed batch).
float plane_ld(PlaneGan& g) {
    if (g.d_updates() > 0) return g.last_d().loss;
    const PlaneGanOptions& o = g.options();
    return g.gan().discriminator_gradients(g.real_samples(std::size_t(o.batch_size), kGanPlaneRealSeed),
                                           sample_prior(o.batch_size, o.latent, kGanPlaneFakeSeed)).loss;
}

ImageGanJobOptions image_run() {
    ImageGanJobOptions o;
    o.gan.class_index = 3;
    o.gan.seed = 2;
    o.gan.hidden = 32;
    o.gan.batch_size = 16;
    o.vae.seed = 2;
    o.vae.batch_size = 16;
    return o;
}

}  // namespace

TEST_CASE("gan-plane job: steps with single updates and changes are the recipe's, bit for bit") {
    const PlaneGanJobOptions o = plane_run();
    auto job = make_job(gan_plane_job_spec(o), nullptr);
    REQUIRE(job->curve_count() == 2);
    std::vector<float> a, b, ca, cb;
    for (int i = 0; i < 7; ++i) {
        plane_changes(*job, i);
        float c[2];
        a.push_back(job->step(c));
        ca.insert(ca.end(), c, c + 2);
    }
    PlaneGan g(o.gan);
    auto record = [&] {
        b.push_back(plane_ld(g));
        cb.push_back(plane_ld(g));
        cb.push_back(g.last_g().loss);
    };
    g.train_period(), record();
    g.train_period(), record();
    g.discriminator_step(), record();
    g.set_period(2, 1);
    g.set_loss(GanLoss::saturating);
    g.generator_step(), record();
    for (int i = 0; i < 3; ++i) g.train_period(), record();
    CHECK(a == b);
    CHECK(ca == cb);
    PlaneGan& j = static_cast<PlaneGanJob&>(*job).gan();
    CHECK(j.d_updates() == g.d_updates());
    CHECK(j.options().d_steps == 2);
    const GanModeStats e = gan_plane_eval_from(job->evaluate()), d = g.evaluate();
    CHECK(e.modes == d.modes);
    CHECK(e.modes_covered == d.modes_covered);
    CHECK(e.high_quality_fraction == float(d.high_quality_fraction));
    CHECK(e.high_quality_per_mode == d.high_quality_per_mode);
}

TEST_CASE("gan-plane job: a change at step N through the runner is the recipe with the change at N") {
    const PlaneGanJobOptions o = plane_run();
    JobRunner run(nullptr);
    run.configure({1, gan_plane_job_spec(o).text(), 12, 0, false});
    run.start();
    run.pause_at(5);
    run.run(1e9);
    REQUIRE(run.state() == JobState::paused);
    JobSpec kd;  // no kind: the runner's
    kd.set("kd", 3).set("kg", 2);
    run.adjust(kd);
    const JobSnapshot paused = run.take(false);
    REQUIRE(paused.has_view);  // the new period is in the view state at once
    auto copy = make_job(gan_plane_job_spec(o), nullptr);
    copy->load_view(paused.view);
    CHECK(static_cast<PlaneGanJob&>(*copy).gan().options().d_steps == 3);
    run.adjust(change("once", "d"));
    run.pause_at(6);
    run.start();
    run.run(1e9);
    REQUIRE(run.step() == 6);
    run.start();
    run.run(1e9);
    REQUIRE(run.state() == JobState::finished);
    std::vector<float> got = paused.losses, got_curves = paused.curves;
    const JobSnapshot rest = run.take(false);
    got.insert(got.end(), rest.losses.begin(), rest.losses.end());
    got_curves.insert(got_curves.end(), rest.curves.begin(), rest.curves.end());

    PlaneGan g(o.gan);
    std::vector<float> want, want_curves;
    auto record = [&] {
        want.push_back(plane_ld(g));
        want_curves.insert(want_curves.end(), {plane_ld(g), g.last_g().loss});
    };
    for (int i = 0; i < 5; ++i) g.train_period(), record();
    g.set_period(3, 2);
    g.discriminator_step(), record();  // once=d: one D update, then periods of 3 + 2
    for (int i = 6; i < 12; ++i) g.train_period(), record();
    CHECK(got == want);
    CHECK(got_curves == want_curves);
    PlaneGan& j = static_cast<PlaneGanJob&>(*run.job()).gan();
    CHECK(j.d_updates() == g.d_updates());
    CHECK(j.d_updates() == 5 + 1 + 6 * 3);
    CHECK(j.g_updates() == 5 + 6 * 2);
}

TEST_CASE("gan-plane job: once=d is a single D update; bad changes are refused before anything changes") {
    const PlaneGanJobOptions o = plane_run();
    auto job = make_job(gan_plane_job_spec(o), nullptr);
    PlaneGanJob& pj = static_cast<PlaneGanJob&>(*job);
    float c[2];
    job->step(c);
    job->adjust(change("once", "d"));
    CHECK(pj.once() == 'd');
    const float ld = job->step(c);
    CHECK(pj.once() == 0);
    PlaneGan g(o.gan);
    g.train_period();
    const GanUpdate u = g.discriminator_step();
    CHECK(ld == u.loss);
    CHECK(c[0] == u.loss);
    CHECK(c[1] == g.last_g().loss);
    CHECK(pj.gan().d_updates() == 2);
    CHECK(pj.gan().g_updates() == 1);
    job->step(c);  // then a period again
    CHECK(pj.gan().d_updates() == 3);
    CHECK(pj.gan().g_updates() == 2);

    auto refused = [&](JobSpec bad, const char* text) {
        CHECK_THROWS_WITH_AS(job->adjust(bad), doctest::Contains(text), Error);
        CHECK(pj.gan().options().d_steps == 1);
        CHECK(pj.gan().options().loss == GanLoss::non_saturating);
        CHECK(pj.once() == 0);
    };
    JobSpec both = change("kd", "0");
    both.set("kg", 0);
    refused(both, "kd + kg must be at least 1");
    refused(change("kd", "101"), "kd=101");
    refused(change("nonsat", "2"), "nonsat=2");
    refused(change("once", "x"), "once=x is not d, g or none");
    job->adjust(change("once", "g"));
    job->adjust(change("once", "none"));  // cancelled before the step: a period
    job->step(c);
    CHECK(pj.gan().d_updates() == 4);
    CHECK(pj.gan().g_updates() == 3);
    JobSpec mixed = change("lr", "0.1");
    mixed.set("kd", 3).set("seed", 2);
    refused(mixed, "job gan-plane: cannot change lr, seed during a run");
    // The image job takes no changes.
    JobSpec kd("gan-image");
    kd.set("kd", 2);
    auto image = make_job(gan_image_job_spec(image_run()), &dataset());
    CHECK_THROWS_WITH_AS(image->adjust(kd), "job gan-image: cannot change kd during a run", Error);
}

TEST_CASE("gan-plane job: the spec's round trip, a drawn target and bad values") {
    PlaneGanJobOptions o = plane_run();
    o.gan.target = GanTarget::drawn;
    o.gan.drawn.pieces = {{-1.0f, 0.5f, 0.123456789f, -2.75f}};
    o.gan.drawn.closed = {false};
    const JobSpec spec = gan_plane_job_spec(o);
    const PlaneGanJobOptions back = gan_plane_job_options(JobSpec::parse(spec.text()));
    CHECK(gan_plane_job_spec(back).text() == spec.text());
    CHECK(back.gan.drawn.pieces[0] == o.gan.drawn.pieces[0]);
    CHECK(back.gan.learning_rate == 2e-3f);
    auto bad = [&](const char* key, const std::string& value) {
        JobSpec s = spec;
        s.set(key, value);
        CHECK_THROWS_WITH_AS(gan_plane_job_options(s), doctest::Contains(key), Error);
    };
    bad("target", "star");
    bad("draw", "1,2,x");
    bad("draw", "1,2,3");
    bad("kd", "101");
    bad("events", "3,0,2,1");  // the replayed changes of old are refused, not ignored
    JobSpec none = spec;
    none.set("kd", 0).set("kg", 0);
    CHECK_THROWS_WITH_AS(gan_plane_job_options(none), doctest::Contains("kd"), Error);
    CHECK_THROWS_AS(gan_plane_eval_from({8, 1}), Error);
}

TEST_CASE("gan-plane job: the view state gives a copy with the same pictures and counters") {
    const JobSpec spec = gan_plane_job_spec(plane_run());
    auto job = make_job(spec, nullptr);
    float c[2];
    for (int i = 0; i < 5; ++i) plane_changes(*job, i), job->step(c);
    std::vector<float> view;
    job->save_view(view);
    auto copy = make_job(spec, nullptr);
    copy->load_view(view);
    PlaneGan& a = static_cast<PlaneGanJob&>(*job).gan();
    PlaneGan& b = static_cast<PlaneGanJob&>(*copy).gan();
    CHECK(testutil::max_rel_error(b.fake_samples(50, 9), a.fake_samples(50, 9)) == 0);
    const Tensor x = a.real_samples(50, 3);
    CHECK(testutil::max_rel_error(b.gan().probability(x), a.gan().probability(x)) == 0);
    CHECK(testutil::max_rel_error(b.gan().sample_gradients(x), a.gan().sample_gradients(x)) == 0);  // the loss too
    CHECK(b.d_updates() == a.d_updates());
    CHECK(b.g_updates() == a.g_updates());
    CHECK(b.last_d().loss == a.last_d().loss);
    CHECK(b.last_g().d_fake == a.last_g().d_fake);
    CHECK(b.options().d_steps == 2);
    CHECK(b.options().loss == GanLoss::saturating);
    CHECK(copy->evaluate() == job->evaluate());
    view.pop_back();
    CHECK_THROWS_AS(copy->load_view(view), Error);
}

TEST_CASE("gan-image job: the GAN and the VAE on one class, as the recipes give them") {
    const ImageGanJobOptions o = image_run();
    auto job = make_job(gan_image_job_spec(o), &dataset());
    REQUIRE(job->curve_count() == 3);
    CHECK_FALSE(job->evaluates());
    const Dataset& subset = static_cast<ImageGanJob&>(*job).subset();
    for (auto l : subset.train_labels) REQUIRE(l == 3);
    CHECK(job->epoch_size() == int(subset.size(Split::train)));
    const Dataset direct_subset = class_subset(dataset(), 3);
    ImageGan gan(direct_subset, o.gan);
    VaeRecipe vae(direct_subset, o.vae);
    std::vector<float> a, b, ca, cb;
    for (int i = 0; i < 3; ++i) {
        float c[3];
        a.push_back(job->step(c));
        ca.insert(ca.end(), c, c + 3);
        gan.train_period();
        vae.train_step();
        b.push_back(gan.last_d().loss);
        cb.insert(cb.end(), {gan.last_d().loss, gan.last_g().loss, vae.last_loss().total});
    }
    CHECK(a == b);
    CHECK(ca == cb);

    // The spec's round trip and a bad value.
    const JobSpec spec = gan_image_job_spec(o);
    CHECK(gan_image_job_spec(gan_image_job_options(JobSpec::parse(spec.text()))).text() == spec.text());
    JobSpec bad = spec;
    bad.set("class", 10);
    CHECK_THROWS_WITH_AS(gan_image_job_options(bad), doctest::Contains("class"), Error);
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);

    // The view state: the same images from the same latents.
    std::vector<float> view;
    job->save_view(view);
    auto copy = make_job(spec, &dataset());
    copy->load_view(view);
    ImageGanJob& x = static_cast<ImageGanJob&>(*job);
    ImageGanJob& y = static_cast<ImageGanJob&>(*copy);
    const Tensor z = sample_prior(4, o.gan.latent, 5), zv = sample_prior(4, o.vae.latent, 6);
    CHECK(testutil::max_rel_error(y.gan().generate(z), x.gan().generate(z)) == 0);
    CHECK(testutil::max_rel_error(y.vae().decode(zv), x.vae().decode(zv)) == 0);
}
