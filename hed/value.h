// value.h -- a tree of results (numbers, strings, lists, ordered dicts).
//
// Statistics are returned as a hed::Value so that one computation can be
// printed as JSON (in Python's float format, to compare with pandas output
// line by line) or converted to Tcl dicts and lists by the SWIG interface.
#ifndef HEDFLOW_HED_VALUE_H
#define HEDFLOW_HED_VALUE_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hed {

class Value {
public:
    enum class Kind { Null, Integer, Real, String, List, Dict };

    /// Creates a null value: an undefined statistic (JSON null).
    Value() = default;

    static Value integer(int64_t number);
    /// \returns a real number, or null when \a number is NaN or infinite.
    static Value real(double number);
    static Value string(std::string text);
    static Value list();
    static Value dict();
    static Value reals(const std::vector<double> &numbers);

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::Null; }
    int64_t as_integer() const { return integer_; }
    double as_real() const { return kind_ == Kind::Integer ? double(integer_) : real_; }
    const std::string &as_string() const { return text_; }
    const std::vector<Value> &items() const { return items_; }
    const std::vector<std::pair<std::string, Value>> &entries() const { return entries_; }

    /// Appends \a item to a list.
    Value &push(Value item);
    /// Appends \a key with \a item to a dict; keys keep their insertion order.
    Value &set(const std::string &key, Value item);
    /// \returns the entry named \a key of a dict, or nullptr.
    const Value *find(const std::string &key) const;

    /// \returns the value as one line of JSON, as Python's json.dumps
    /// prints it (", " and ": " separators, floats in repr form).
    std::string json() const;

private:
    void write_json(std::string &out) const;

    Kind kind_ = Kind::Null;
    int64_t integer_ = 0;
    double real_ = 0.0;
    std::string text_;
    std::vector<Value> items_;
    std::vector<std::pair<std::string, Value>> entries_;
};

/// \returns the shortest text that reads back as \a number, in the form of
/// Python's repr(): "0.1", "12.0", "1e-05", "1.5e+16".
std::string format_real(double number);

/// Appends \a text to \a out as a JSON string literal.
void append_json_string(std::string &out, const std::string &text);

} // namespace hed

#endif
