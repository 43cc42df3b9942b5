// aelab-cli bench-train: the training throughput of the lessons' models, one training job
// (aelab/train_job.hpp) per case, run by a JobRunner exactly as a page's Web Worker or thread
// runs it. The browser and desktop figures of issue 16 are compared with these (the same spec
// text: a page reports the one it trains as Module.aelabState.status.training_job).
#include <chrono>
#include <cstdio>

#include "aelab/error.hpp"
#include "aelab/train_job.hpp"
#include "commands.hpp"
#include "json_line.hpp"

namespace aelab::cli {

int bench_train(const Args& a, std::ostream& out) {
    const double seconds = double(a.get_int("seconds", 3));
    const int eval_every = int(a.get_int("eval-every", 0));
    // --steps N: exactly N steps (timed all the same), and the loss digest of the run.
    const long fixed_steps = a.get_int("steps", 0);
    const bool json = a.has("json");
    std::vector<std::string> specs;
    if (a.has("job")) specs.push_back(a.get("job"));
    else
        for (const std::string& k : job_kinds()) specs.push_back(k);
    const std::string data_option = a.get("data", "");
    a.check_all_used("bench-train");
    if (seconds < 1 || seconds > 600) throw UsageError("bench-train: --seconds must be in [1, 600]");
    if (eval_every < 0) throw UsageError("bench-train: --eval-every must be >= 0");
    if (fixed_steps < 0 || fixed_steps > 1000000) throw UsageError("bench-train: --steps must be in [0, 1000000]");

    const Dataset data = load_dataset(find_dataset(data_option, "bench-train"));
    Json cases = Json::array();
    using clock = std::chrono::steady_clock;
    for (const std::string& text : specs) {
        JobRunner runner(&data);
        const JobSpec spec = JobSpec::parse(text);
        runner.configure({1, spec.text(), int(fixed_steps), eval_every, false});
        runner.start();
        std::vector<float> losses;
        runner.run(1e9, 2);  // warm-up: first-touch allocations, packed buffers
        const int first = runner.step();
        const auto t0 = clock::now();
        double elapsed = 0;
        while (runner.running() && (fixed_steps > 0 || elapsed < seconds)) {
            runner.run(25.0);  // the worker's slice
            elapsed = std::chrono::duration<double>(clock::now() - t0).count();
            const JobSnapshot s = runner.take(false);
            losses.insert(losses.end(), s.losses.begin(), s.losses.end());
        }
        const JobSnapshot last = runner.take(false);
        losses.insert(losses.end(), last.losses.begin(), last.losses.end());
        if (runner.state() != (fixed_steps > 0 ? JobState::finished : JobState::running))
            throw Error("bench-train: " + spec.text() + " stopped: " + last.message);
        const int steps = runner.step() - first;
        const double sps = steps / elapsed;
        char line[512];
        std::snprintf(line, sizeof line, "%-60s %9.1f steps/s %8.3f ms/step  (%d steps in %.2f s)\n",
                      spec.text().c_str(), sps, 1000.0 / sps, steps, elapsed);
        if (!json) out << line << std::flush;
        if (!json && fixed_steps > 0) out << "  loss digest " << loss_digest(losses) << " over " << losses.size() << " steps\n";
        Json c;
        c["job"] = spec.text();
        c["steps"] = steps;
        c["seconds"] = json_g(elapsed);
        c["steps_per_second"] = json_g(sps);
        if (fixed_steps > 0) c["loss_digest"] = loss_digest(losses);
        cases.push_back(c);
    }
    if (json) {
        Json j;
        j["cases"] = cases;
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
