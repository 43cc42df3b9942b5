// aelab lesson kit: collapsing sections whose open state is kept in the URL.
// The open sections are a bit mask (bit i: section i) under one URL key, so a copied link
// reopens the same sections.
//
//     kit::Sections sections{0b011};           // sections 0 and 1 open by default
//     sections.bind(url, 4);                   // key "open", sections 0..3
//     if (sections.header(0, "1. One dimension")) draw_1d();
#pragma once
#include "url_state.hpp"

namespace aelab::kit {

class Sections {
public:
    explicit Sections(int open_mask) : open(open_mask) {}
    // Adds the mask to the lesson's URL keys (values 0 .. 2^count - 1).
    void bind(UrlState& url, int count, const char* key = "open");
    // The header of section `index`: the first time it is drawn it opens or closes as the mask
    // says; afterwards the student's clicks update the mask. Returns whether it is open.
    bool header(int index, const char* title);
    bool is_open(int index) const { return (open >> index) & 1; }

    int open;  // bit i set: section i open

private:
    int applied_ = 0;  // sections whose header has been given the mask's state
};

}  // namespace aelab::kit
