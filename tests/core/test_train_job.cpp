// Training jobs (aelab/train_job.hpp): the spec text, the snapshot bytes, the runner's schedule
// and divergence rule, and a job giving the same numbers as its recipe driven directly (what the
// CLI does), which is what lets a page train in a worker and still match the CLI.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

#include "aelab/error.hpp"
#include "aelab/jobs/denoising.hpp"
#include "aelab/train_job.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::dataset;

namespace {
DenoisingRecipeOptions small_denoising() {
    DenoisingRecipeOptions o;
    o.steps = 30;
    o.eval_count = 20;
    o.seed = 3;
    o.model = {32, 8};
    return o;
}
}  // namespace

TEST_CASE("JobSpec: text is sorted and reads back; floats round trip exactly; bad text and values are named") {
    JobSpec s("denoising");
    s.set("seed", std::uint64_t(7)).set("lr", 0.1f + 1e-9f).set("noise", std::string("masking")).set("tied", true);
    s.set_ints("sizes", {784, 64, 2});
    CHECK(s.text() == "denoising?lr=0.100000001&noise=masking&seed=7&sizes=784,64,2&tied=1");
    const JobSpec r = JobSpec::parse(s.text());
    CHECK(r.kind == "denoising");
    CHECK(r.values == s.values);
    CHECK(r.get_float("lr", 0, 0, 1) == 0.1f + 1e-9f);
    CHECK(r.get_u64("seed", 0) == 7);
    CHECK(r.get_bool("tied", false));
    CHECK(r.get_ints("sizes", {}, 1, 1000, 8) == std::vector<int>{784, 64, 2});
    CHECK(r.get_int("missing", 42, 0, 100) == 42);
    CHECK(JobSpec::parse("toy").values.empty());

    for (const char* bad : {"", "?a=1", "x?a", "x?a=1&b", "x?a=1;rm", "x?a=\x1b[31m", "x y?a=1"})
        CHECK_THROWS_AS(JobSpec::parse(bad), Error);
    CHECK_THROWS_AS(JobSpec::parse("x?a=" + std::string(5000, '1')), Error);
    CHECK_THROWS_WITH(r.get_int("seed", 0, 0, 5), doctest::Contains("job denoising: seed=7 is not an integer in [0, 5]"));
    CHECK_THROWS_WITH(r.get_float("noise", 0, 0, 1), doctest::Contains("noise=masking"));
    CHECK_THROWS_WITH(r.get_ints("sizes", {}, 1, 100, 8), doctest::Contains("sizes=784,64,2"));
    CHECK_THROWS_WITH(JobSpec::parse("x?a=nan").get_float("a", 0, -1, 1), doctest::Contains("a=nan"));
    CHECK_THROWS_WITH(make_job(JobSpec("nope"), nullptr), doctest::Contains("no training job called \"nope\""));
    CHECK_THROWS_WITH(make_job(JobSpec("denoising"), nullptr), doctest::Contains("needs the Fashion-MNIST dataset"));
}

TEST_CASE("loss digest: FNV-1a over the losses' bits, the same kept snapshot by snapshot") {
    CHECK(loss_digest({}) == "cbf29ce484222325");  // FNV-1a's offset basis: no loss yet
    const std::vector<float> a = {0.5f, 0.25f, NAN}, b = {1.0f}, all = {0.5f, 0.25f, NAN, 1.0f};
    LossDigest d;
    d.add(a);
    d.add({});
    d.add(b);
    CHECK(d.hex() == loss_digest(all));
    CHECK(loss_digest(a) != loss_digest({0.5f, 0.25f}));
    CHECK(loss_digest({0.0f}) != loss_digest({-0.0f}));  // bits, not values
}

TEST_CASE("JobSnapshot: bytes round trip; truncated or trailing bytes are refused; merge appends, a new generation replaces") {
    JobSnapshot s;
    s.generation = 9;
    s.state = JobState::running;
    s.step = 3;
    s.curve_count = 2;
    s.steps_per_second = 123.5;
    s.message = "hello";
    s.losses = {1, 2, std::numeric_limits<float>::infinity()};
    s.curves = {1, 2, 3, 4, 5, 6};
    s.evals = {{0, {0.5f, 0.25f}}, {2, {}}};
    s.has_view = true;
    s.view = {-1.5f, 0, 7};
    const std::vector<std::uint8_t> b = s.encode();
    const JobSnapshot d = JobSnapshot::decode(b.data(), b.size());
    CHECK(d.generation == 9);
    CHECK(d.state == JobState::running);
    CHECK(d.step == 3);
    CHECK(d.curve_count == 2);
    CHECK(d.steps_per_second == 123.5);
    CHECK(d.message == "hello");
    CHECK(d.losses == s.losses);
    CHECK(d.curves == s.curves);
    REQUIRE(d.evals.size() == 2);
    CHECK(d.evals[0].step == 0);
    CHECK(d.evals[0].figures == std::vector<float>{0.5f, 0.25f});
    CHECK(d.evals[1].step == 2);
    CHECK(d.has_view);
    CHECK(d.view == s.view);
    // The layout is little-endian whatever the machine: the view's -1.5f is bf c0 00 00 reversed,
    // right after its count, at the end.
    const std::uint8_t tail[] = {3, 0, 0, 0, 0x00, 0x00, 0xc0, 0xbf, 0, 0, 0, 0, 0x00, 0x00, 0xe0, 0x40};
    REQUIRE(b.size() >= sizeof tail);
    CHECK(std::equal(std::begin(tail), std::end(tail), b.end() - std::ptrdiff_t(sizeof tail)));
    for (std::size_t n = 0; n < b.size(); ++n) CHECK_THROWS_AS(JobSnapshot::decode(b.data(), n), Error);
    std::vector<std::uint8_t> longer = b;
    longer.push_back(0);
    CHECK_THROWS_WITH(JobSnapshot::decode(longer.data(), longer.size()), doctest::Contains("after the end"));
    std::vector<std::uint8_t> huge = b;
    huge[4 + 4 * 4 + 8 + 4 + 5 + 3] = 0x7f;  // the loss count's top byte
    CHECK_THROWS_AS(JobSnapshot::decode(huge.data(), huge.size()), Error);

    JobSnapshot a = d, later;
    later.generation = 9;
    later.state = JobState::finished;
    later.step = 4;
    later.curve_count = 2;
    later.losses = {0.5f};
    later.curves = {7, 8};
    later.evals = {{4, {1}}};
    a.merge(std::move(later));
    CHECK(a.losses.size() == 4);
    CHECK(a.curves.size() == 8);
    CHECK(a.evals.size() == 3);
    CHECK(a.state == JobState::finished);
    CHECK(a.step == 4);
    CHECK(a.view == s.view);  // the later one had none: the earlier view stays
    JobSnapshot other;
    other.generation = 10;
    other.losses = {9};
    a.merge(std::move(other));
    CHECK(a.generation == 10);
    CHECK(a.losses == std::vector<float>{9});
    CHECK_FALSE(a.has_view);
}

TEST_CASE("JobRunner: the denoising job gives the recipe's own losses bit for bit, evaluates at 0, every k and the end") {
    const DenoisingRecipeOptions o = small_denoising();
    DenoisingRecipe direct(dataset(), o);
    std::vector<float> losses, plain;
    for (int i = 0; i < o.steps; ++i) {
        losses.push_back(direct.train_step());
        plain.push_back(direct.last_plain_loss());
    }
    const DenoisingEval end = direct.evaluate();

    JobRunner runner(&dataset());
    runner.configure({4, denoising_job_spec(o).text(), o.steps, 12, true});
    runner.start();
    std::vector<float> got, got_plain;
    std::vector<JobEval> evals;
    for (int frame = 0; frame < 1000 && runner.running(); ++frame) {
        runner.run(1.0, 7);  // a few steps at a time, as a page's frames or a worker's slices
        JobSnapshot s = runner.take(false);
        CHECK(s.generation == 4);
        got.insert(got.end(), s.losses.begin(), s.losses.end());
        got_plain.insert(got_plain.end(), s.curves.begin(), s.curves.end());
        for (auto& e : s.evals) evals.push_back(e);
    }
    CHECK(runner.state() == JobState::finished);
    CHECK(got == losses);
    CHECK(got_plain == plain);
    // The step-0 evaluation went into the first take(); steps 12, 24 and the end (30) follow.
    REQUIRE(evals.size() == 4);
    CHECK(evals[0].step == 0);
    CHECK(evals[1].step == 12);
    CHECK(evals[2].step == 24);
    CHECK(evals[3].step == 30);
    const DenoisingEval e = denoising_eval_from(evals[3].figures);
    CHECK(e.psnr_denoised_db == float(end.psnr_denoised_db));
    CHECK(e.mse_plain_ae == float(end.mse_plain_ae));

    // The view state of the finished run loads into a fresh copy from the same spec: the copy
    // denoises exactly as the trained recipe does.
    const JobSnapshot last = runner.take(true);
    REQUIRE(last.has_view);
    auto copy = make_job(denoising_job_spec(o), &dataset());
    copy->load_view(last.view);
    auto& r = static_cast<DenoisingJob&>(*copy).recipe();
    const Tensor x = dataset().batch(Split::test, 0, 4);
    CHECK(r.denoise(x) == direct.denoise(x));
    CHECK(r.reconstruct_plain(x) == direct.reconstruct_plain(x));
    std::vector<float> short_view(last.view.begin(), last.view.end() - 1);
    CHECK_THROWS_WITH(copy->load_view(short_view), doctest::Contains("job denoising"));
    std::vector<float> long_view = last.view;
    long_view.push_back(0);
    CHECK_THROWS_WITH(copy->load_view(long_view), doctest::Contains("job denoising"));
}

TEST_CASE("JobRunner: a huge learning rate stops the run with the message; configure starts a new generation") {
    DenoisingRecipeOptions o = small_denoising();
    o.learning_rate = 5.0f;
    o.steps = 200;
    JobRunner runner(&dataset());
    runner.configure({1, denoising_job_spec(o).text(), o.steps, 0, false});
    runner.start();
    for (int i = 0; i < 200 && runner.running(); ++i) runner.run(1e9, 1);
    CHECK(runner.state() == JobState::diverged);
    JobSnapshot s = runner.take(false);
    CHECK(s.state == JobState::diverged);
    CHECK(s.message.find("learning rate is probably too high") != std::string::npos);
    CHECK(s.has_view);  // a stopped run sends its weights
    CHECK(runner.step() < 200);

    o.learning_rate = 1e-3f;
    o.steps = 5;
    runner.configure({2, denoising_job_spec(o).text(), o.steps, 0, false});
    CHECK(runner.state() == JobState::idle);
    CHECK(runner.step() == 0);
    CHECK(runner.take(false).losses.empty());
    runner.start();
    runner.run(1e9);
    const JobSnapshot t = runner.take(false);
    CHECK(t.generation == 2);
    CHECK(t.losses.size() == 5);
    CHECK(t.state == JobState::finished);
    CHECK_THROWS_AS(runner.configure({3, "denoising?level=-1", 5, 0, false}), Error);
    CHECK_FALSE(runner.has_job());
    CHECK(runner.run(1e9) == 0);
}

// The runner's loop with a job whose losses the test chooses.
namespace {
struct ScriptedJob : TrainJob {
    std::function<float()> f;
    explicit ScriptedJob(std::function<float()> fn) : f(std::move(fn)) {}
    float step(float*) override { return f(); }
    void save_view(std::vector<float>&) const override {}
    void load_view(const std::vector<float>&) override {}
    int epoch_size() const override { return 320; }
    int batch_size() const override { return 32; }
};
JobRunner scripted(std::function<float()> f, int max_steps, float explode = 100.0f) {
    JobRunner r(nullptr);
    JobRunner::Plan p;
    p.spec = "scripted";
    p.max_steps = max_steps;
    p.explode_factor = explode;
    r.configure(p, std::make_unique<ScriptedJob>(std::move(f)));
    return r;
}
}  // namespace

TEST_CASE("JobRunner: the budget, a step limit per call, pause, the end of the run") {
    int calls = 0;
    JobRunner run = scripted([&] { return 1.0f / float(++calls); }, 10);
    CHECK(run.run(100.0) == 0);  // idle: nothing happens
    run.start();
    CHECK(run.run(1e9, 4) == 4);  // a fast model paced per frame
    CHECK(run.run(0.0) == 1);     // a zero budget still takes one step
    run.pause();
    CHECK(run.run(1e9) == 0);
    run.start();
    CHECK(run.run(1e9) == 5);  // the end of the run comes first
    CHECK(run.state() == JobState::finished);
    run.start();  // a finished run does not restart by itself
    CHECK(run.state() == JobState::finished);
    const JobSnapshot s = run.take(false);
    REQUIRE(s.losses.size() == 10);
    CHECK(s.losses[9] == 0.1f);

    // Steps of at least 2 ms and a 5 ms budget: after two steps (>= 4 ms) a third would end
    // past 5 ms, so a call takes at most two (and always one, however slow).
    JobRunner slow = scripted([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return 1.0f;
    }, 100);
    slow.start();
    const int taken = slow.run(5.0);
    CHECK(taken >= 1);
    CHECK(taken <= 2);
    CHECK(slow.run(0.5) == 1);
}

TEST_CASE("JobRunner: NaN, Inf, an exploding loss and an exception stop the run with a message") {
    for (float bad : {NAN, INFINITY, 500.0f}) {
        CAPTURE(bad);
        int n = 0;
        JobRunner run = scripted([&] { return ++n <= 6 ? 2.0f : bad; }, 100);
        run.start();
        run.run(1e9);
        CHECK(run.state() == JobState::diverged);
        CHECK(run.step() == 6);
        const JobSnapshot s = run.take(false);
        CHECK(s.losses.size() == 6);  // the bad loss is not recorded
        CHECK(s.message.find("diverged at step 7") != std::string::npos);
        CHECK(s.message.find(std::isnan(bad) ? "NaN" : std::isinf(bad) ? "infinite" : "500") != std::string::npos);
        run.start();  // a diverged run stays stopped
        CHECK(run.state() == JobState::diverged);
    }
    int n = 0;
    JobRunner spike = scripted([&] { return ++n == 3 ? 150.0f : 2.0f; }, 100);  // an early spike is tolerated
    spike.start();
    spike.run(1e9);
    CHECK(spike.state() == JobState::finished);
    n = 0;
    JobRunner gan = scripted([&] { return ++n <= 6 ? 0.01f : 50.0f; }, 100, 1e9f);  // a raised factor lets losses rise
    gan.start();
    gan.run(1e9);
    CHECK(gan.state() == JobState::finished);

    JobRunner thrower = scripted([]() -> float { throw Error("shape mismatch"); }, 10);
    thrower.start();
    thrower.run(1e9);
    CHECK(thrower.state() == JobState::diverged);
    CHECK(thrower.take(false).message == "Training stopped: shape mismatch");
}

// Mid-run changes: a job with one setting k that it records at every step.
namespace {
struct RecordingJob : TrainJob {
    int k = 1;
    std::vector<int>* seen;
    explicit RecordingJob(std::vector<int>* s) : seen(s) {}
    float step(float*) override {
        seen->push_back(k);
        return 1.0f;
    }
    void adjust(const JobSpec& change) override {
        k = change.get_int("k", k, 0, 100);  // throws naming the kind and the key
    }
    void save_view(std::vector<float>& out) const override { out.push_back(float(k)); }
    void load_view(const std::vector<float>&) override {}
    int epoch_size() const override { return 10; }
    int batch_size() const override { return 1; }
};
JobRunner recording(std::vector<int>* seen, int max_steps) {
    JobRunner r(nullptr);
    JobRunner::Plan p;
    p.spec = "recording";
    p.max_steps = max_steps;
    r.configure(p, std::make_unique<RecordingJob>(seen));
    return r;
}
JobSpec k_is(int k) {
    JobSpec s;
    s.set("k", k);
    return s;
}
}  // namespace

TEST_CASE("JobRunner: adjust applies between steps, from the next one on, and the next snapshot has the view") {
    std::vector<int> seen;
    JobRunner run = recording(&seen, 10);
    run.adjust(k_is(2));  // before the first step
    run.start();
    CHECK(run.run(1e9, 3) == 3);
    JobSnapshot s = run.take(false);
    CHECK(s.has_view);  // the change before step 0
    CHECK(s.losses.size() == 3);
    CHECK_FALSE(run.take(false).has_view);
    run.adjust(k_is(5));
    s = run.take(false);
    REQUIRE(s.has_view);  // the view may show the setting: it comes with the next snapshot
    CHECK(s.view == std::vector<float>{5});
    CHECK_FALSE(run.take(false).has_view);
    CHECK(run.run(1e9, 2) == 2);
    run.pause();
    run.adjust(k_is(7));  // while paused: exactly from step 5
    run.start();
    run.run(1e9);
    CHECK(run.state() == JobState::finished);
    CHECK(seen == std::vector<int>{2, 2, 2, 5, 5, 7, 7, 7, 7, 7});
    CHECK(run.take(false).losses.size() == 7);
}

TEST_CASE("JobRunner: pause_at pauses at exactly that step, resumable; the end of the run still finishes") {
    std::vector<int> seen;
    JobRunner run = recording(&seen, 10);
    run.pause_at(4);
    CHECK(run.pause_target() == 4);
    run.start();
    CHECK(run.run(1e9) == 4);  // however large the budget
    CHECK(run.state() == JobState::paused);
    CHECK(run.step() == 4);
    CHECK(run.pause_target() == -1);
    JobSnapshot s = run.take(false);
    CHECK(s.state == JobState::paused);
    CHECK(s.step == 4);
    CHECK(s.losses.size() == 4);
    // A single step: a one-step target, reached within one call of any step limit.
    run.adjust(k_is(9));
    run.pause_at(5);
    run.start();
    CHECK(run.run(1e9, 3) == 1);
    CHECK(run.state() == JobState::paused);
    CHECK(run.step() == 5);
    // Targets met in several calls, a target already passed (pauses at once) and none.
    run.pause_at(8);
    run.start();
    CHECK(run.run(1e9, 2) == 2);
    CHECK(run.running());
    CHECK(run.run(1e9, 2) == 1);
    CHECK(run.state() == JobState::paused);
    CHECK(run.step() == 8);
    run.start();
    run.pause_at(3);
    CHECK(run.state() == JobState::paused);
    CHECK(run.step() == 8);
    run.pause_at(3);  // given while paused: the next run() pauses before any step
    run.start();
    CHECK(run.run(1e9) == 0);
    CHECK(run.state() == JobState::paused);
    // Past max_steps: the run finishes at its end.
    run.pause_at(20);
    run.start();
    CHECK(run.run(1e9) == 2);
    CHECK(run.state() == JobState::finished);
    CHECK(run.step() == 10);
    CHECK(run.pause_target() == -1);
    CHECK(seen == std::vector<int>{1, 1, 1, 1, 9, 9, 9, 9, 9, 9});

    // A target at max_steps: the run's end wins (finished, evaluated at the end).
    seen.clear();
    JobRunner end = recording(&seen, 6);
    end.pause_at(6);
    end.start();
    CHECK(end.run(1e9) == 6);
    CHECK(end.state() == JobState::finished);
    // configure clears a target; a negative one clears it too.
    end.configure({2, "recording", 6, 0, false}, std::make_unique<RecordingJob>(&seen));
    CHECK(end.pause_target() == -1);
    end.pause_at(2);
    end.pause_at(-1);
    end.start();
    CHECK(end.run(1e9) == 6);
    CHECK(end.state() == JobState::finished);
}

TEST_CASE("JobRunner: an adjust that throws stops the run with its message; the default adjust names kind and keys") {
    std::vector<int> seen;
    JobRunner run = recording(&seen, 10);
    run.start();
    run.run(1e9, 2);
    run.adjust(k_is(101));
    CHECK(run.state() == JobState::diverged);
    CHECK(run.run(1e9) == 0);
    const JobSnapshot s = run.take(false);
    CHECK(s.state == JobState::diverged);
    CHECK(s.message == "Training stopped: job recording: k=101 is not an integer in [0, 100]");
    run.start();  // stays stopped
    CHECK(run.state() == JobState::diverged);
    CHECK(seen.size() == 2);

    // A job that takes no changes (the default) refuses every key, naming the kind and the keys.
    ScriptedJob plain([] { return 1.0f; });
    JobSpec c("scripted");
    c.set("lr", 0.5f).set("beta", 2);
    CHECK_THROWS_WITH_AS(plain.adjust(c), "job scripted: cannot change beta, lr during a run", Error);
    CHECK_NOTHROW(plain.adjust(JobSpec("scripted")));  // no key: nothing to refuse
    JobRunner r = scripted([] { return 1.0f; }, 10);
    r.start();
    JobSpec lr;
    lr.set("lr", 0.5f);
    r.adjust(lr);  // the runner names the kind from its plan
    CHECK(r.state() == JobState::diverged);
    CHECK(r.take(false).message == "Training stopped: job scripted: cannot change lr during a run");
}
