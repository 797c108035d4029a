# load.tcl --
#
#	Sources the library of the hed workflow subcommands. Every rank sources
#	it before turbine::run, so workers know the task procs.

namespace eval hedwf {}
foreach hedwf::part {cli files lodo analyze report demo restart workflow} {
    source [file join [file dirname [info script]] $hedwf::part.tcl]
}
unset hedwf::part
