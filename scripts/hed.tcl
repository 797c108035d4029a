# hed.tcl --
#
#	Entry point of `hedflow hed SUBCOMMAND ...`: the High Error Drug
#	analysis. Each subcommand is a script in the hed/ folder beside this
#	file, sourced with ::argv holding the subcommand's own arguments.

namespace eval hedcli {}

# hedcli::subcommands --
#
#	Returns the sorted names of the available subcommands.
proc hedcli::subcommands {} {
    variable folder
    set names {}
    foreach path [glob -nocomplain -directory $folder *.tcl] {
        lappend names [file rootname [file tail $path]]
    }
    return [lsort $names]
}

# hedcli::usage --
#
#	Returns the help text that lists the subcommands.
proc hedcli::usage {} {
    set text "Usage: hedflow \[-n N\] hed SUBCOMMAND \[ARGS...\]\n\nSubcommands:\n"
    foreach name [subcommands] {
        append text "  $name\n"
    }
    append text "\nRun 'hedflow hed SUBCOMMAND --help' for the options of one subcommand."
    return $text
}

set hedcli::folder [file join [file dirname [file normalize [info script]]] hed]
set hedcli::subcommand [lindex $argv 0]
set argv [lrange $argv 1 end]
set argc [llength $argv]

switch -- $hedcli::subcommand {
    help - -h - --help {
        puts [hedcli::usage]
        exit 0
    }
    "" {
        puts stderr "hedflow hed: missing subcommand\n\n[hedcli::usage]"
        exit 2
    }
}
set hedcli::path [file join $hedcli::folder $hedcli::subcommand.tcl]
if {![file exists $hedcli::path]} {
    puts stderr "hedflow hed: unknown subcommand '$hedcli::subcommand'\n\n[hedcli::usage]"
    exit 2
}
source $hedcli::path
