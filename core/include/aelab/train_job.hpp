// aelab core: training jobs, the unit a lesson hands to another thread or a Web Worker.
//
// A TrainJob wraps one lesson model's recipe: it is built from a JobSpec (a kind and its
// settings as text, "denoising?noise=gaussian&level=0.5&seed=1&lr=0.001&steps=3000"), takes one
// optimisation step at a time (the loss the run tracks plus the lesson's other per-step curves),
// evaluates itself on held-out data (a list of numbers the lesson reads back) and writes the
// state its views need (weights, counters) to a flat buffer that a copy built from the same spec
// can load. The same spec gives the same job bit for bit, wherever it runs: the page's thread,
// a std::thread, a Web Worker or `aelab-cli bench --train`.
//
// A JobRunner drives one job: the schedule (evaluation at step 0, every eval_every steps and at
// the end), the divergence rule (a non-finite loss or one exploding past the best so far), the
// step limit and the run's state. It collects what happened since the last take() into a
// JobSnapshot, which encodes to bytes for postMessage. Snapshots carry the generation of the
// configure() that made them, so a page drops the ones a reset made stale.
//
// No threads here: the runner is driven by whoever owns it (lessons/kit/train_backend.hpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

// A job's kind and settings. Keys and values are plain words and numbers ([A-Za-z0-9_.+-,:]);
// text() writes them sorted by key, so a spec has one text.
struct JobSpec {
    std::string kind;
    std::map<std::string, std::string> values;

    JobSpec() = default;
    explicit JobSpec(std::string k) : kind(std::move(k)) {}
    std::string text() const;
    // Throws aelab::Error for malformed text (empty kind, a pair without '=', a character
    // outside the set above, more than 64 pairs or 4096 characters).
    static JobSpec parse(const std::string& text);

    JobSpec& set(const std::string& key, const std::string& value);
    JobSpec& set(const std::string& key, int value);
    JobSpec& set(const std::string& key, std::uint64_t value);
    JobSpec& set(const std::string& key, float value);  // written so that it reads back exactly
    JobSpec& set(const std::string& key, bool value);
    // Typed reads: a missing key gives the fallback; a malformed or out-of-range value throws
    // aelab::Error naming the job kind, the key and the value.
    std::string get(const std::string& key, const std::string& fallback) const;
    int get_int(const std::string& key, int fallback, int lo, int hi) const;
    std::uint64_t get_u64(const std::string& key, std::uint64_t fallback) const;
    float get_float(const std::string& key, float fallback, float lo, float hi) const;
    bool get_bool(const std::string& key, bool fallback) const;
    // A list of integers written "a,b,c".
    JobSpec& set_ints(const std::string& key, const std::vector<int>& v);
    std::vector<int> get_ints(const std::string& key, const std::vector<int>& fallback, int lo, int hi,
                              std::size_t max_count) const;
};

// The settings most jobs share, read alike for any options struct with the fields
// learning_rate, batch_size, steps and seed: keys lr in [1e-7, 10], batch in [1, 4096], steps
// in [1, 2^24], seed.
template <class O>
void get_training_keys(const JobSpec& s, O& o) {
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 10.0f);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.steps = s.get_int("steps", o.steps, 1, 1 << 24);
    o.seed = s.get_u64("seed", o.seed);
}

class TrainJob {
public:
    virtual ~TrainJob() = default;
    // How many values step() writes besides the loss (the lesson's other per-step curves).
    virtual int curve_count() const { return 0; }
    // One optimisation step. Returns the loss the run tracks (a NaN or infinite value makes
    // the runner stop the run as diverged) and writes curve_count() values to `curves`.
    // Throwing aelab::Error stops the run with the message (e.g. a collapsed model).
    virtual float step(float* curves) = 0;
    // Held-out figures, in an order the lesson knows. Empty: the job does not evaluate.
    virtual std::vector<float> evaluate() { return {}; }
    virtual bool evaluates() const { return false; }
    // The state the lesson's views need (weights, counters), and loading it into a job built
    // from the same spec (throws aelab::Error when the size does not match).
    virtual void save_view(std::vector<float>& out) const = 0;
    virtual void load_view(const std::vector<float>& in) = 0;
    // The training set's size, for the epoch count.
    virtual int epoch_size() const = 0;
    virtual int batch_size() const = 0;
    // Changes settings mid-run, between steps: `change` holds only the keys to change (its
    // kind is the job's), with the spec's meaning; the next step() uses them and the steps
    // before are untouched, so a run with a change at step N is one run, not a replay. What a
    // job accepts is its own (its header lists the keys); a bad value throws aelab::Error
    // naming the key, before anything changed. The default accepts no key: it throws
    // "job <kind>: cannot change <keys> during a run" (an empty change does nothing).
    virtual void adjust(const JobSpec& change);
};

// Builds the job a spec names; `data` is the Fashion-MNIST dataset (jobs that need it throw
// aelab::Error when it is null) and must outlive the job. Throws aelab::Error for an unknown
// kind or bad settings.
std::unique_ptr<TrainJob> make_job(const JobSpec& spec, const Dataset* data);
std::vector<std::string> job_kinds();

// Helpers for save_view/load_view. A ViewWriter appends values; a ViewReader reads them back
// in the same order and throws aelab::Error naming the job when the buffer is too short, or
// (done()) too long.
class Sequential;
struct ViewWriter {
    std::vector<float>& out;
    void model(const Sequential& m);  // parameters, then buffers (e.g. running statistics)
    void values(const float* p, std::size_t n) { out.insert(out.end(), p, p + n); }
    void tensor(const Tensor& t) { values(t.data(), t.size()); }
    void number(double v) { out.push_back(float(v)); }
};
struct ViewReader {
    const std::vector<float>& in;
    const char* job;
    std::size_t pos = 0;
    void model(Sequential& m);
    void values(float* p, std::size_t n);
    void tensor(Tensor& t) { values(t.data(), t.size()); }  // t already has its shape
    float number();
    void done() const;
};

// FNV-1a (64-bit) over the losses' float bits, as 16 hex digits: a run's whole loss sequence in
// a few characters, which a page reports and the CLI prints, so tests compare runs bit for bit.
std::string loss_digest(const std::vector<float>& losses);
// The same digest kept as losses arrive (a page adds each snapshot's, not the whole history).
class LossDigest {
public:
    void add(const std::vector<float>& losses);
    std::string hex() const;

private:
    std::uint64_t h_ = 0xcbf29ce484222325ULL;  // FNV-1a's offset basis
};

enum class JobState : std::uint8_t { idle, running, paused, diverged, finished };

struct JobEval {
    int step = 0;
    std::vector<float> figures;
};

// What happened since the last take(): steps, losses and curves (curve_count values per step,
// step by step), evaluations, and (when asked for) the view state at `step`.
struct JobSnapshot {
    std::uint32_t generation = 0;
    JobState state = JobState::idle;
    int step = 0;  // steps taken in this generation so far
    int curve_count = 0;
    double steps_per_second = 0;
    std::string message;  // why the run stopped (diverged)
    std::vector<float> losses, curves;
    std::vector<JobEval> evals;
    bool has_view = false;
    std::vector<float> view;

    // Appends a later snapshot of the same generation (its steps, curves and evaluations; its
    // state, step, rate, message and, when it has one, view); one of another generation
    // replaces this one. A mailbox that the page has not emptied merges instead of queueing,
    // so its memory stays bounded however long the page is away.
    void merge(JobSnapshot&& later);

    std::vector<std::uint8_t> encode() const;
    // Throws aelab::Error for bytes that are not a whole snapshot.
    static JobSnapshot decode(const std::uint8_t* bytes, std::size_t size);
};

class JobRunner {
public:
    // A run of at most max_steps steps (0: no limit), evaluating every eval_every steps (0:
    // at step 0 and at the end only).
    struct Plan {
        std::uint32_t generation = 0;
        std::string spec;
        int max_steps = 0;
        int eval_every = 0;
        bool eval_at_start = true;  // false when the page evaluated its own copy at step 0
        float explode_factor = 100.0f;  // the divergence rule's factor (a GAN's losses may rise far)
    };
    explicit JobRunner(const Dataset* data) : data_(data) {}

    // A fresh job at step 0, evaluated (the evaluation goes into the next snapshot). Throws
    // aelab::Error when the spec cannot be built (the runner then holds no job).
    void configure(const Plan& plan);
    // The same with a job made elsewhere (tests, a job the registry does not know); plan.spec is
    // then only its name.
    void configure(const Plan& plan, std::unique_ptr<TrainJob> job);
    void start();  // from idle or paused
    void pause();
    void set_max_steps(int n);
    // Commands between steps (a trainer applies them in the order the page sent them):
    // adjust() hands the job a mid-run change (TrainJob::adjust; the next snapshot carries the
    // view state, as the view may show the settings); an exception stops the run with its
    // message as a step's does. No job: nothing to change.
    void adjust(const JobSpec& change);
    // Run until step S, then pause: the run becomes paused (not finished) when it has taken
    // step S, or at once when it is already there or past it; reaching max_steps first still
    // finishes the run (the target is then dropped). One target at a time (the last given);
    // configure() clears it, a negative step too. A job's "one update" change then
    // pause_at(step() + 1) is a single step.
    void pause_at(int step);
    int pause_target() const { return pause_at_; }  // -1: none
    bool has_job() const { return job_ != nullptr; }
    bool running() const { return state_ == JobState::running; }
    JobState state() const { return state_; }
    int step() const { return step_; }
    std::uint32_t generation() const { return plan_.generation; }
    TrainJob* job() { return job_.get(); }

    // Runs steps while the next one (at this call's mean step time) fits in budget_ms (at least
    // one step), evaluating when due, up to max_steps_per_call (0: no limit), the run's end or
    // a divergence.
    // Returns the steps taken. Does nothing unless running.
    int run(double budget_ms, int max_steps_per_call = 0);

    // Takes what happened since the last take(); the view state is written when `with_view`
    // or when an evaluation or the end of the run is in it.
    JobSnapshot take(bool with_view);
    // The divergence rule: a loss that is not finite, or more than the plan's explode_factor
    // times the smallest loss so far (after 5 steps).
    bool diverged_at(float loss) const;

private:
    void evaluate();
    const Dataset* data_;
    Plan plan_;
    std::unique_ptr<TrainJob> job_;
    JobState state_ = JobState::idle;
    int step_ = 0, last_eval_step_ = -1, accepted_ = 0, pause_at_ = -1;
    bool view_due_ = false;  // an adjust changed what the view state holds
    float best_loss_ = 0;
    double steps_per_second_ = 0;
    std::string message_;
    JobSnapshot pending_;
    std::vector<float> curve_buf_;
};

}  // namespace aelab
