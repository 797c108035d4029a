// plot.cc -- plots drawn by gnuplot, as SVG and PNG.
#include "plot.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "table.h"

extern char **environ;

namespace hed {

#ifndef HED_GNUPLOT
#define HED_GNUPLOT "gnuplot"
#endif

std::string
gnuplot_path()
{
    const char *path = std::getenv("HEDFLOW_GNUPLOT");
    return path != nullptr ? path : HED_GNUPLOT;
}

bool
gnuplot_available()
{
    std::string path = gnuplot_path();
    return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

std::string
gnuplot_quote(const std::string &text)
{
    std::string quoted = "'";
    for (char c : text) {
        quoted += c;
        if (c == '\'') {
            quoted += '\'';
        }
    }
    return quoted + "'";
}

void
render_plot(const std::string &base, const std::string &commands)
{
    std::string program = gnuplot_path();
    struct Output { const char *extension; const char *terminal; };
    for (Output output : {Output{"svg", "svg size 800,500 dynamic background rgb 'white'"},
                          Output{"png", "pngcairo size 800,500"}}) {
        std::string final_path = base + "." + output.extension;
        std::string temporary = base + ".tmp" + std::to_string(::getpid()) + "." + output.extension;
        std::string script_path = base + ".tmp" + std::to_string(::getpid()) + ".gp";
        std::string script = "set terminal " + std::string(output.terminal) + "\nset output " + gnuplot_quote(temporary)
            + "\n" + commands + "\nunset output\n";
        write_file_atomically(script_path, script);

        pid_t child;
        const char *argv[] = {program.c_str(), script_path.c_str(), nullptr};
        int status = 0;
        int spawned = posix_spawn(&child, program.c_str(), nullptr, nullptr,
                                  const_cast<char *const *>(argv), environ);
        if (spawned == 0) {
            while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
            }
        }
        std::remove(script_path.c_str());
        if (spawned != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0
            || std::rename(temporary.c_str(), final_path.c_str()) != 0) {
            std::remove(temporary.c_str());
            throw Error({"HED", "PLOT", "FAILED", base},
                        "gnuplot (" + program + ") failed to draw \"" + final_path + "\""
                        + (spawned != 0 ? std::string(": ") + std::strerror(spawned) : std::string()));
        }
    }
}

} // namespace hed
