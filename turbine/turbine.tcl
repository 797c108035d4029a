# turbine.tcl --
#
#	The turbine package: workflows as plain Tcl scripts run on every MPI
#	rank. pkgIndex.tcl loads the native module (time limits, fsync, exit
#	status) and sets turbine::version, then sources this file, which
#	sources the parts of the runtime.

namespace eval turbine {
    namespace export init run rank size role submit app rule map wait waitall \
        failures inputs log on_node_leaders stage
}

foreach turbine::part {log journal progress app tasks futures roles staging} {
    source [file join [file dirname [info script]] $turbine::part.tcl]
}
unset turbine::part

package provide turbine $turbine::version
