// options.h -- parsing "-name value" option lists passed from Tcl.
#ifndef HEDFLOW_HED_OPTIONS_H
#define HEDFLOW_HED_OPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace hed {

/// Walks a list of option names and values. Each accessor raises a
/// {HED USAGE} error naming the option when its value is missing or invalid.
class OptionList {
public:
    explicit OptionList(const std::vector<std::string> &words) : words_(words) {}

    bool more() const { return index_ < words_.size(); }
    /// \returns the next option name; its value must follow.
    std::string name();
    std::string text();
    bool boolean();
    int64_t integer(int64_t minimum, int64_t maximum);
    double real();
    /// \returns a list of reals written as a Tcl list ("0 1 2 4").
    std::vector<double> reals();
    std::vector<int64_t> integers(int64_t minimum, int64_t maximum);

private:
    const std::vector<std::string> &words_;
    size_t index_ = 0;
    std::string current_;
};

/// \returns \a text split at runs of spaces (a flat Tcl list of words).
std::vector<std::string> split_words(const std::string &text);

} // namespace hed

#endif
