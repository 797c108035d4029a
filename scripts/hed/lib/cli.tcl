# cli.tcl --
#
#	Command-line parsing shared by the hed workflow subcommands. Options
#	are GNU style (--name VALUE, --name=VALUE, --flag); a spec lists each
#	option with its kind and default:
#
#	    {responses {files {}} k {count 10} model-command {string ""}}
#
#	Kinds: file (a readable file), files (repeatable, readable files), dir
#	(an existing folder), outdir (a folder created when missing), count
#	(a whole number >= 1), seed (a whole number >= 0), real (a finite
#	number), seconds (a finite number above 0), string, flag. A count may give its maximum third:
#	{count 10 1000000}; the default maximum is 1000000000.

namespace eval hedwf {}

# hedwf::usageError --
#
#	Prints "hedflow hed SUBCOMMAND: MESSAGE" and a pointer to --help on
#	stderr and exits with status 2.
proc hedwf::usageError {subcommand message} {
    puts stderr "hedflow hed $subcommand: $message\nRun 'hedflow hed $subcommand --help' for usage."
    exit 2
}

# hedwf::parseArguments --
#
#	Parses arguments against spec for subcommand. Prints usage and exits
#	0 on --help; exits 2 with a message on a usage error. Returns a dict
#	of option name to value (without the leading dashes).
proc hedwf::parseArguments {subcommand spec usage arguments} {
    set values [dict create]
    dict for {name entry} $spec {
        dict set values $name [lindex $entry 1]
    }
    set given [dict create]
    while {[llength $arguments] > 0} {
        set arguments [lassign $arguments word]
        if {$word in {-h --help}} {
            puts $usage
            exit 0
        }
        if {![regexp {^--([a-z][a-z0-9-]*)(?:=(.*))?$} $word -> name inline]} {
            usageError $subcommand "unexpected argument \"$word\"; options start with --"
        }
        if {![dict exists $spec $name]} {
            usageError $subcommand "unknown option --$name"
        }
        set kind [lindex [dict get $spec $name] 0]
        if {$kind eq "flag"} {
            dict set values $name 1
            continue
        }
        if {[string first = $word] >= 0} {
            set value $inline
        } elseif {[llength $arguments] > 0} {
            set arguments [lassign $arguments value]
        } else {
            usageError $subcommand "option --$name needs a value"
        }
        set value [checkValue $subcommand $name $kind $value [lindex [dict get $spec $name] 2]]
        if {$kind eq "files"} {
            dict lappend values $name $value
        } else {
            if {[dict exists $given $name]} {
                usageError $subcommand "option --$name is given twice"
            }
            dict set values $name $value
        }
        dict set given $name 1
    }
    return $values
}

# hedwf::checkValue --
#
#	Checks one option value of the given kind and returns it, normalized
#	to an absolute path for files and folders; exits 2 when it is invalid.
proc hedwf::checkValue {subcommand name kind value {maximum ""}} {
    if {$maximum eq ""} {
        set maximum 1000000000
    }
    switch -- $kind {
        file - files {
            if {![file exists $value]} {
                usageError $subcommand "--$name: file \"$value\" not found"
            }
            if {![file isfile $value] || ![file readable $value]} {
                usageError $subcommand "--$name: \"$value\" is not a readable file"
            }
            return [file normalize $value]
        }
        dir {
            if {![file isdirectory $value]} {
                usageError $subcommand "--$name: folder \"$value\" not found"
            }
            return [file normalize $value]
        }
        outdir {
            if {[file exists $value] && ![file isdirectory $value]} {
                usageError $subcommand "--$name: \"$value\" exists and is not a folder"
            }
            return [file normalize $value]
        }
        count {
            if {![string is entier -strict $value] || $value < 1 || $value > $maximum} {
                usageError $subcommand "--$name: invalid value \"$value\"; give a whole number from 1 to $maximum"
            }
            return $value
        }
        seed {
            if {![string is entier -strict $value] || $value < 0 || $value > $maximum} {
                usageError $subcommand "--$name: invalid value \"$value\"; give a whole number from 0 to $maximum"
            }
            return $value
        }
        real {
            if {![string is double -strict $value] || $value != $value || abs($value) == Inf} {
                usageError $subcommand "--$name: invalid value \"$value\"; give a finite number"
            }
            return $value
        }
        seconds {
            if {![string is double -strict $value] || !($value > 0) || $value == Inf} {
                usageError $subcommand "--$name: invalid value \"$value\"; give a number of seconds above 0"
            }
            return $value
        }
        default {
            return $value
        }
    }
}

# hedwf::require --
#
#	Exits 2 with a message when a required option is missing.
proc hedwf::require {subcommand values names} {
    foreach name $names {
        if {[dict get $values $name] eq ""} {
            usageError $subcommand "missing required option --$name"
        }
    }
}

# hedwf::checkOnly --
#
#	Returns 1 in the launcher's serial check of the arguments, which runs
#	before the MPI job so that a usage error prints once, cleanly.
proc hedwf::checkOnly {} {
    return [expr {[info exists ::env(HEDFLOW_CHECK_ONLY)] && $::env(HEDFLOW_CHECK_ONLY) eq "1"}]
}

# hedwf::prepareOut --
#
#	Creates the output folder and its state folder (the journal lives
#	there). Exits 2 when it cannot.
proc hedwf::prepareOut {subcommand out} {
    if {[catch {file mkdir [file join $out .hedflow]} message]} {
        usageError $subcommand "cannot create output folder \"$out\": $message"
    }
}

# hedwf::resolveCommand --
#
#	Returns an external command (a Tcl list: program and arguments) with
#	its program made absolute: a path relative to the current folder, or
#	a name found on PATH. Runs happen in their own folders, so a relative
#	path would break there. Exits 2 when the program is not found.
proc hedwf::resolveCommand {subcommand command} {
    if {$command eq ""} {
        return ""
    }
    if {[catch {lindex $command 0} program]} {
        usageError $subcommand "--model-command: \"$command\" is not a valid command line"
    }
    if {[string first / $program] >= 0} {
        set path [file normalize $program]
        if {![file isfile $path] || ![file executable $path]} {
            usageError $subcommand "--model-command: program \"$program\" not found or not executable"
        }
    } else {
        set found [auto_execok $program]
        if {$found eq ""} {
            usageError $subcommand "--model-command: program \"$program\" not found on PATH"
        }
        set path [lindex $found 0]
    }
    return [lreplace $command 0 0 $path]
}
