// options.cc -- parsing "-name value" option lists passed from Tcl.
#include "options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "error.h"

namespace hed {

std::vector<std::string>
split_words(const std::string &text)
{
    std::vector<std::string> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) {
            i++;
        }
        size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') {
            i++;
        }
        if (i > start) {
            words.push_back(text.substr(start, i - start));
        }
    }
    return words;
}

std::string
OptionList::name()
{
    current_ = words_[index_++];
    if (current_.empty() || current_[0] != '-') {
        usage_error("expected an option name such as -skip_bad, got \"" + current_ + "\"");
    }
    if (index_ >= words_.size()) {
        usage_error("option " + current_ + " needs a value");
    }
    return current_;
}

std::string
OptionList::text()
{
    return words_[index_++];
}

bool
OptionList::boolean()
{
    std::string value = text();
    if (value == "1" || value == "true" || value == "yes" || value == "on") {
        return true;
    }
    if (value == "0" || value == "false" || value == "no" || value == "off") {
        return false;
    }
    usage_error("option " + current_ + " expects a boolean, got \"" + value + "\"");
}

static bool
parse_integer(const std::string &text, int64_t &out)
{
    if (text.empty()) {
        return false;
    }
    char *end;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (*end != '\0' || errno != 0) {
        return false;
    }
    out = value;
    return true;
}

static bool
parse_real(const std::string &text, double &out)
{
    if (text.empty()) {
        return false;
    }
    char *end;
    double value = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !std::isfinite(value)) {
        return false;
    }
    out = value;
    return true;
}

int64_t
OptionList::integer(int64_t minimum, int64_t maximum)
{
    std::string value = text();
    int64_t number;
    if (!parse_integer(value, number) || number < minimum || number > maximum) {
        usage_error("option " + current_ + " expects an integer from " + std::to_string(minimum)
                    + " to " + std::to_string(maximum) + ", got \"" + value + "\"");
    }
    return number;
}

double
OptionList::real()
{
    std::string value = text();
    double number;
    if (!parse_real(value, number)) {
        usage_error("option " + current_ + " expects a finite number, got \"" + value + "\"");
    }
    return number;
}

std::vector<double>
OptionList::reals()
{
    std::vector<double> numbers;
    for (const std::string &word : split_words(text())) {
        double number;
        if (!parse_real(word, number)) {
            usage_error("option " + current_ + " expects a list of numbers, got \"" + word + "\"");
        }
        numbers.push_back(number);
    }
    return numbers;
}

std::vector<int64_t>
OptionList::integers(int64_t minimum, int64_t maximum)
{
    std::vector<int64_t> numbers;
    for (const std::string &word : split_words(text())) {
        int64_t number;
        if (!parse_integer(word, number) || number < minimum || number > maximum) {
            usage_error("option " + current_ + " expects integers from " + std::to_string(minimum)
                        + " to " + std::to_string(maximum) + ", got \"" + word + "\"");
        }
        numbers.push_back(number);
    }
    return numbers;
}

} // namespace hed
