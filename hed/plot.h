// plot.h -- plots drawn by gnuplot, as SVG and PNG.
#ifndef HEDFLOW_HED_PLOT_H
#define HEDFLOW_HED_PLOT_H

#include <string>

namespace hed {

/// \returns the gnuplot program: $HEDFLOW_GNUPLOT when set, else the one
/// found by configure.
std::string gnuplot_path();

/// \returns whether gnuplot_path() names an executable file.
bool gnuplot_available();

/// \returns \a text as a gnuplot single-quoted string, which writes a
/// quote as two quotes and takes every other character as it is.
std::string gnuplot_quote(const std::string &text);

/// Draws \a commands (gnuplot commands after the terminal and output are
/// set) into BASE.svg and BASE.png. Each image is written under a temporary
/// name and renamed into place.
/// \warning raises {HED PLOT FAILED base} when gnuplot fails.
void render_plot(const std::string &base, const std::string &commands);

} // namespace hed

#endif
