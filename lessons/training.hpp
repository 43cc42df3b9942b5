// aelab lessons: live training in a page.
// TrainingRun runs optimisation steps inside a per-frame time budget (so the page stays
// responsive), keeps the loss history and the progress (step, epoch, examples per second) and
// stops a diverging run (NaN, Inf or an exploding loss) with a message. It knows nothing about
// the model: a lesson passes a function doing one step and returning its loss.
// training_panel() draws the controls every training lesson shares.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace aelab::lessons {

class TrainingRun {
public:
    enum class State { idle, running, paused, diverged, finished };

    // One optimisation step on one batch; returns the loss of that batch.
    using StepFn = std::function<float()>;

    explicit TrainingRun(int max_steps = 2000, int batch_size = 64, int epoch_size = 6000);

    State state() const { return state_; }
    bool running() const { return state_ == State::running; }
    int step() const { return step_; }
    int max_steps() const { return max_steps_; }
    void set_max_steps(int n) { max_steps_ = n; }
    double epoch() const { return double(step_) * batch_size_ / epoch_size_; }
    double examples_per_second() const { return examples_per_second_; }
    const std::vector<float>& losses() const { return losses_; }
    const std::string& message() const { return message_; }

    void start();   // from idle or paused
    void pause();
    // Back to step 0 with no history; the lesson rebuilds its model when this returns true
    // from training_panel (or calls it itself).
    void reset();

    // Runs steps until `budget_ms` of wall time is used, the run finishes or it diverges.
    // Returns the number of steps taken. Does nothing unless running.
    int advance(const StepFn& step_fn, double budget_ms);

    // The divergence rule, exposed for tests: a loss that is not finite, or more than
    // `explode_factor` times the smallest loss seen so far (after the first few steps).
    bool diverged_at(float loss) const;
    float explode_factor = 100.0f;

private:
    State state_ = State::idle;
    int step_ = 0, max_steps_, batch_size_, epoch_size_;
    float best_loss_ = 0;
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
};
bool training_panel(const char* id, TrainingRun& run, TrainingControls& c);

}  // namespace aelab::lessons
