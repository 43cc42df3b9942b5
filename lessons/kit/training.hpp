// aelab lessons: live training in a page.
// LiveTraining is the one driver every training lesson uses: it owns the run's controls and
// their URL keys, builds the page's copy of the lesson's training job (aelab/train_job.hpp)
// through a hook and has the steps run by a trainer (train_backend.hpp: a Web Worker in the
// browser, a std::thread natively, the page's own thread time-sliced as the fallback). The
// trainer's snapshots fill the run's loss history and the lesson's per-step curves, load the
// latest weights into the page's copy and hand over held-out evaluations. TrainingRun is the
// page's record of the run (state, step, epoch, examples per second, losses, the message of a
// run that stopped); training_panel() draws the controls every training lesson shares.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aelab/train_job.hpp"
#include "train_backend.hpp"
#include "url_state.hpp"

namespace aelab::lessons {

class TrainingRun {
public:
    enum class State { idle, running, paused, diverged, finished };

    explicit TrainingRun(int max_steps = 2000, int batch_size = 64, int epoch_size = 6000);

    State state() const { return state_; }
    bool running() const { return state_ == State::running; }
    int step() const { return step_; }
    int max_steps() const { return max_steps_; }
    void set_max_steps(int n) { max_steps_ = n; }
    // The training set's size, for the epoch count (a lesson knows it once its data is loaded).
    void set_epoch_size(int n) { epoch_size_ = n > 0 ? n : 1; }
    double epoch() const { return double(step_) * batch_size_ / epoch_size_; }
    double examples_per_second() const { return examples_per_second_; }
    int examples_per_step() const { return batch_size_; }
    const std::vector<float>& losses() const { return losses_; }
    const std::string& message() const { return message_; }

    void start();   // from idle or paused
    void pause();
    // Back to step 0 with no history; the lesson rebuilds its model when this returns true
    // from training_panel (or calls it itself).
    void reset();

    // A LiveTraining whose steps run elsewhere (train_backend.hpp) mirrors them here: the
    // steps, losses and rate of a snapshot, and a run that finished or stopped.
    void mirror(const std::vector<float>& new_losses, int step, double examples_per_second);
    void stop(State s, const std::string& message);

    // The divergence rule's factor for this run's trainer (JobRunner::Plan): a loss more than
    // this times the smallest so far stops the run (a GAN page raises it).
    float explode_factor = 100.0f;

private:
    State state_ = State::idle;
    int step_ = 0, max_steps_, batch_size_, epoch_size_;
    std::vector<float> losses_;
    std::string message_;
    double examples_per_second_ = 0;
};

// Controls shared by the training lessons: Train / Pause / Reset, progress (step, epoch,
// examples per second), the message of a diverged run, seed and learning-rate inputs and a
// steps-per-frame time budget. Returns true when the lesson must rebuild its model (Reset, or
// the seed or learning rate edited while not running).
struct TrainingControls {
    int seed = 1;
    float learning_rate = 1e-3f;
    float lr_min = 1e-5f, lr_max = 1.0f;
    float budget_ms = 8.0f;  // training time per frame
    int max_steps_per_frame = 0;  // 0: as many as the budget allows (a tiny model can be paced to be watched)
    bool budget_applies = true;   // false when the steps run on another thread (no ms/frame slider)
};
bool training_panel(const char* id, TrainingRun& run, TrainingControls& c);

// A live training run in a page. The lesson describes its model as a training job (the form
// every training lesson uses; aelab/train_job.hpp):
//   spec       the job (kind and settings) from controls() and the lesson's settings; an
//              aelab::Error it throws (or building the job throws) is shown as error()
//   data       the dataset the job reads (may be null)
//   built      optional: a fresh view copy (step 0) is there; the lesson resets what it derives
//   evaluated  optional: held-out figures of a step arrived (at step 0 from the page's own copy,
//              later from the trainer), the view copy holding that step's or a later weights
// The steps run on another thread or a Web Worker (train_backend.hpp; inline where neither
// works); the page keeps a view copy of the job (view(), view_as<J>()) with the weights of the
// latest snapshot, which the lesson's views read. The job's per-step curves go to the vectors
// registered with track(), in order.
class LiveTraining {
public:
    struct JobHooks {
        std::function<JobSpec()> spec;
        const Dataset* data = nullptr;
        std::function<void(TrainJob&)> built;
        std::function<void(int step, const std::vector<float>& figures)> evaluated;
    };
    LiveTraining(int max_steps, int batch_size, int epoch_size, int eval_every = 0);
    ~LiveTraining();
    LiveTraining(const LiveTraining&) = delete;
    LiveTraining& operator=(const LiveTraining&) = delete;
    void set_job(JobHooks hooks);
    // The page's copy of the job (null until built), weights from the latest snapshot.
    TrainJob* view() { return view_.get(); }
    template <class J>
    J& view_as() {
        return static_cast<J&>(*view_);
    }
    // Where the steps run (a backend exists from the first Train on), and why a fallback was
    // taken (empty when none was).
    TrainerKind trainer() const { return backend_ ? backend_->kind() : kind_; }
    const std::string& notice() const { return notice_; }
    // The trainer for this run (before its first Train; tests pick thread or inline).
    void set_trainer(TrainerKind k) { kind_ = k; }
    void track(std::vector<float>& per_step_curve) { curves_.push_back(&per_step_curve); }
    // URL keys for the seed, the learning rate (in [lr_min, lr_max] of controls()) and train=1
    // (start as soon as the model is built); the second form adds the number of steps (in
    // [min_steps, max_steps]) for a lesson whose runs may differ in length.
    void bind(kit::UrlState& url);
    void bind(kit::UrlState& url, int min_steps, int max_steps);
    // A page with several runs: this one's seed, learning rate and steps under prefixed keys
    // ("b" gives bseed, blr, bsteps); no train key (train=1 belongs to the page's main run).
    void bind_prefixed(kit::UrlState& url, const std::string& prefix, int min_steps, int max_steps);

    // A new model (build hook) at step 0 with no history, then evaluate. Starts training when
    // the page asked for it (train=1) and nothing has run yet.
    void rebuild();
    // One frame of training (controls().budget_ms), evaluating when due. Returns steps taken.
    int advance();

    // Mid-run changes (TrainJob::adjust): the page's view copy takes the change at once (so
    // the views agree; an aelab::Error it throws, e.g. a key the job cannot change, reaches
    // the caller and nothing is sent), then the trainer applies it between two steps, from the
    // step it is at. Changes made while paused and settled() apply exactly at run().step().
    // Requires built(). A rebuild() drops them (the lesson's spec hook then writes the
    // settings as they are now).
    void adjust(const JobSpec& change);
    // Trains until step `step` (> run().step()), then pauses there: run() becomes paused when
    // the snapshot of that step arrives (finished if max_steps() comes first). Only from a
    // settled() page; returns false (and does nothing) otherwise. With adjust of a job's
    // "one update" key, run_until(run().step() + 1) is a single step.
    bool run_until(int step);
    // The page and its trainer agree the run is stopped at run().step(): not running, the
    // trainer's last snapshot not running either, no run_until under way. A change or a
    // single step from here is exact.
    bool settled() const;
    // The step a run_until() is heading for, or -1.
    int pause_target() const { return pause_target_; }
    // The shared controls; Reset, a new seed or learning rate rebuild. Shows error() if set.
    // Returns true when it rebuilt.
    bool panel(const char* id);

    bool built() const { return built_; }
    const std::string& error() const { return error_; }
    TrainingRun& run() { return run_; }
    const TrainingRun& run() const { return run_; }
    TrainingControls& controls() { return controls_; }
    const TrainingControls& controls() const { return controls_; }
    int max_steps() const { return steps_; }
    void set_max_steps(int steps);
    void set_epoch_size(int n) { run_.set_epoch_size(n); }
    int eval_every() const { return eval_every_; }
    // Changes whenever the weights change (views recompute what they show from it).
    int version() const { return version_; }
    // The state the URL mirrors: running, or a train=1 link still waiting for its model.
    bool wants_training() const { return run_.running() || train_on_open_; }

    // The host calls it once per frame after drawing: runs whose page did not advance them this
    // frame (another lesson is showing, or their section is closed) are paused, as the
    // time-sliced runs always were, so a hidden page does not keep a core busy.
    static void end_frame();
    // At most n runs train on threads or workers at once; a run started beyond that waits its
    // turn (first come, first served) and says so in its panel. The host sets the machine's
    // cores less the one that draws the page (at least 1); 0, the default, is no limit.
    static void set_max_parallel(int n);
    static int max_parallel();
    // Train was pressed and the run waits for a free core.
    bool waiting() const { return waiting_ != 0; }
    // What the runs ask of the host's redrawing (it draws a frame only when something may have
    // changed): every frame while a run trains on the page's own thread (its steps happen in
    // the frames), a frame now and then while one trains elsewhere or a train=1 link waits for
    // its model (the snapshots to show), nothing when no run is going.
    enum class Redraw { none, periodic, every_frame };
    static Redraw redraw_need();

private:
    void apply(JobSnapshot& s);
    void fall_back(const std::string& why);
    void sync_backend();
    bool slot_free();
    void send_commands();
    // adjust() and run_until() of this generation, in order; sent_ of them reached the
    // current backend (the rest wait for one: the first Train creates it). Kept while at
    // step 0, for a fallback trainer.
    struct Command {
        JobSpec change;  // adjust, or (kind empty) pause_at(step)
        int step;
    };
    std::vector<Command> commands_;
    std::size_t sent_ = 0;
    int pause_target_ = -1;
    JobState trainer_state_ = JobState::idle;  // the last snapshot's (running once a start is sent)
    JobHooks job_hooks_;
    std::unique_ptr<TrainJob> view_;
    std::unique_ptr<TrainBackend> backend_;
    JobRunner::Plan plan_;
    LossDigest digest_;  // of run_.losses(), kept as snapshots arrive
    TrainerKind kind_ = default_trainer();
    std::string notice_;
    bool sent_running_ = false;
    long long waiting_ = 0;  // the run's place in the queue for a core (0: not waiting)
    std::uint32_t generation_ = 0;
    long long advanced_frame_ = -1;
    TrainingRun run_;
    TrainingControls controls_;
    std::vector<std::vector<float>*> curves_;
    std::string error_;
    int steps_, eval_every_, version_ = 0;
    bool built_ = false, train_on_open_ = false;
};

}  // namespace aelab::lessons
