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

private:
    struct Key {
        std::string name;
        std::function<bool(const std::string&)> read;
        std::function<std::string()> write;
    };
    std::vector<Key> keys_;
};

}  // namespace aelab::kit
