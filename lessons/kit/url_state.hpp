// aelab lesson kit: a lesson's state in the URL, declared once.
// A lesson lists its keys with the fields they mirror and the values they may take; the same
// list reads the state when the page opens and writes it back every frame (so a copied link
// reopens the same view). A key that is missing, malformed or out of range leaves its field at
// the default; keys are read in the order they were added, so a later key's rule may depend on
// an earlier field (a kernel's values after its size).
//
//     kit::UrlState url;
//     url.add("s1", state.stride, 1, 3).add("flip", state.flip).add("x1", state.x, 10);
//     url.read();    // once, at construction
//     url.write();   // every frame (cheap when nothing changed)
#pragma once
#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace aelab::kit {

class UrlState {
public:
    // A whole number in [lo, hi].
    UrlState& add(const char* key, int& field, int lo, int hi);
    // 0 or 1.
    UrlState& add(const char* key, bool& field);
    // A finite number in [lo, hi].
    UrlState& add(const char* key, float& field, float lo, float hi);
    // An enum class stored as its index in [0, count).
    template <class E>
    UrlState& add_enum(const char* key, E& field, int count) {
        declare(key, {"0", std::to_string(count - 1)}, {"-1", std::to_string(count)});
        return custom(
            key, [&field, count](const std::string& text) {
                int v = 0;
                if (!parse_int(text, 0, count - 1, v)) return false;
                field = static_cast<E>(v);
                return true;
            },
            [&field] { return std::to_string(static_cast<int>(field)); });
    }
    // Exactly `count()` numbers of magnitude at most 1000 ("1,4,-2.5"); count is asked when the
    // key is read, so it may depend on fields read before it.
    UrlState& add(const char* key, std::vector<float>& field, std::function<std::size_t()> count);
    UrlState& add(const char* key, std::vector<float>& field, std::size_t count);
    // N whole numbers, each in [lo, hi] ("3,3,2").
    template <std::size_t N>
    UrlState& add(const char* key, std::array<int, N>& field, int lo, int hi) {
        const int edges[4] = {lo, hi, lo - 1, hi + 1};
        std::string text[4];
        for (int e = 0; e < 4; ++e)
            for (std::size_t i = 0; i < N; ++i) text[e] += (i ? "," : "") + std::to_string(edges[e]);
        declare(key, {text[0], text[1]}, {text[2], text[3]});
        return custom(
            key, [&field, lo, hi](const std::string& text) { return parse_ints(text, lo, hi, field.data(), N); },
            [&field] { return ints_text(field.data(), N); });
    }
    // Any text `valid` accepts (all text when it is empty).
    UrlState& add(const char* key, std::string& field, std::function<bool(const std::string&)> valid = {});
    // The general form: `read` parses the text and returns false to reject it (the field keeps
    // its value); `write` gives the text for the current value.
    UrlState& custom(const char* key, std::function<bool(const std::string&)> read, std::function<std::string()> write);

    void read() const;   // every key present in the page parameters, in order
    void write() const;  // every key

    // The parsers the typed forms use (exposed for lessons' own custom keys and for tests).
    static bool parse_int(const std::string& text, int lo, int hi, int& out);
    static bool parse_float(const std::string& text, float lo, float hi, float& out);
    static bool parse_ints(const std::string& text, int lo, int hi, int* out, std::size_t count);
    static std::string ints_text(const int* values, std::size_t count);

    // While a sink is set, every key any UrlState declares is appended to it with the values at
    // its edges (smallest and largest allowed) and just past them: tests open every lesson with
    // each (and with hostile text) to show that no link can break a page. Keys of lists and
    // text have no edges. Off (nullptr) unless a test sets it.
    struct Probe {
        std::string key;
        std::vector<std::string> at_edges, past_edges;
    };
    static void record_declared(std::vector<Probe>* sink);

private:
    static void declare(const char* key, std::vector<std::string> at_edges, std::vector<std::string> past_edges);
    struct Key {
        std::string name;
        std::function<bool(const std::string&)> read;
        std::function<std::string()> write;
    };
    std::vector<Key> keys_;
};

}  // namespace aelab::kit
