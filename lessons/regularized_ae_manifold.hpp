// Lesson "Sparse and contractive autoencoders" (id: regularized-ae), section "The manifold picture
// on 2-D data": points near a curve, three small autoencoders on the plane (plain overcomplete,
// denoising, contractive) trained side by side, and the field x -> g(f(x)) - x each one learns,
// drawn as arrows on a grid. The model, training and figures are the core's recipe
// (aelab/recipe_manifold.hpp), trained as the core's manifold job
// (aelab/jobs/regularized_ae_manifold.hpp) off the page's thread. The lesson file (regularized_ae.cpp) draws this section inside its
// collapsing header, calls advance() every frame and report_status() after drawing.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "aelab/jobs/regularized_ae_manifold.hpp"
#include "aelab/recipe_manifold.hpp"
#include "aelab/toy2d.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::regularized_ae {

// Where the points come from: a toy2d curve preset or the student's drawing.
enum class ManifoldShape { circle, spiral, two_moons, line, drawn };
constexpr int kManifoldShapes = 5;
const char* manifold_shape_key(ManifoldShape s);  // "circle", "spiral", "two-moons", "line", "drawn"
bool parse_manifold_shape(const std::string& key, ManifoldShape& out);

// What the planes show: the three kinds side by side, or one of them large.
enum class ManifoldView { all, plain, denoising, contractive };
constexpr int kManifoldViews = 4;

// A drawn curve in the URL: at most kMaxDrawnPoints vertices on a kDrawQuantum grid, as
// "x0,y0,x1,y1,..." in whole quanta ("-30,0,0,30,30,0" is (-1.5, 0), (0, 1.5), (1.5, 0)).
constexpr float kDrawQuantum = kManifoldDrawQuantum;
constexpr int kMaxDrawnPoints = kManifoldMaxDrawn;
constexpr float kDrawExtent = 2.5f;  // drawn vertices are kept in [-2.5, 2.5]^2
std::string drawn_curve_text(const std::vector<float>& xy);
bool parse_drawn_curve(const std::string& text, std::vector<float>& xy);  // false: malformed
// A stroke (x,y pairs as the mouse went) resampled to at most kMaxDrawnPoints vertices evenly
// spaced along it, clamped to the view and quantised; empty when the stroke is shorter than
// 0.3 (a click).
std::vector<float> simplify_stroke(const std::vector<float>& stroke);

struct ManifoldSettings {
    ManifoldShape shape = ManifoldShape::circle;
    std::vector<float> drawn;  // the drawn curve's vertices (x, y pairs), quantised
    ManifoldView view = ManifoldView::all;
    float noise = ManifoldOptions{}.noise;    // the denoiser's sigma
    float lambda = ManifoldOptions{}.lambda;  // the contractive penalty's weight
    float data_noise = ManifoldOptions{}.data_noise;
    int code = ManifoldOptions{}.code;
    bool tied = true;
    float arrow_scale = 1.0f;  // arrows drawn this many times their length
};

// The curve the settings describe (a drawn curve with fewer than two vertices gives none: empty).
toy2d::Curve manifold_curve(const ManifoldSettings& s);

class ManifoldSection {
public:
    ManifoldSection();
    // The section's URL keys: mshape, mcurve, mview, mnoise, mlam, mdn, mcode, mtied, mscale and
    // mseed, mlr, msteps.
    void bind(kit::UrlState& url);
    void draw();
    // This frame's training; builds the job (and starts training) on the first call.
    void advance();
    // mstep, mloss, mfirst_loss (the denoiser's objective), field_cosine (the denoiser's),
    // field_cosine_<kind> and arrow_length_<kind> for plain, denoising, contractive.
    void report_status();

    // For tests and the lesson.
    ManifoldSettings& settings() { return st_; }
    const ManifoldSettings& settings() const { return st_; }
    LiveTraining& training() { return live_; }
    // The page's copy of the recipe (weights of the latest snapshot); null until built.
    ManifoldRecipe* recipe() { return recipe_; }
    // The options the next build uses (settings + training controls), and its job.
    ManifoldOptions options() const;
    ManifoldJobOptions job_options() const;
    // Rebuilds with the current settings and starts training (what a changed setting does).
    void restart();
    // The latest figures of each kind (after a build: at step 0, then every kEvalEvery steps).
    const std::array<FieldStats, kManifoldKinds>& stats() const { return stats_; }
    // The figures over training: one point per evaluation.
    const std::vector<float>& cosine_history(ManifoldKind k) const { return cosine_history_[std::size_t(k)]; }
    // The stroke being drawn feeds in through this (the planes call it while pressed; tests too).
    void stroke_point(float x, float y);
    void end_stroke();
    static constexpr int kEvalEvery = 100;

private:
    void refresh_fields();
    void draw_controls();
    void draw_planes();
    void draw_plane(const char* id, ManifoldKind kind, float size);
    void draw_figures();
    void draw_explanation();
    void finish_stroke_on_release();

    ManifoldSettings st_;
    LiveTraining live_;
    ManifoldJob* job_ = nullptr;        // the LiveTraining's view copy
    ManifoldRecipe* recipe_ = nullptr;  // its recipe
    std::array<FieldStats, kManifoldKinds> stats_{};
    std::array<std::vector<float>, kManifoldKinds> cosine_history_;
    std::array<Tensor, kManifoldKinds> fields_;  // (grid * grid, 2) at fields_version_
    std::array<float, kManifoldKinds> jacobian_{};
    int fields_version_ = -1;
    std::vector<float> stroke_;  // the stroke being drawn, x,y pairs
    std::vector<float> curve_xy_;  // the curve's vertices for drawing, all pieces joined
    bool started_ = false;
};

}  // namespace aelab::lessons::regularized_ae
