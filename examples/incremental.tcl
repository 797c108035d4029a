# incremental.tcl --
#
#	Incremental learning as a tree of runs: a root model is trained
#	first, then for S stages every model gets N children, each of which
#	continues training from its parent's weights on its own share of new
#	data. A child's task is a turbine::rule on its parent's future, so it
#	starts only once the parent has finished, and it reads the parent's
#	output path from that future. The tree has N^S leaves. Run it with
#
#	    hedflow -n 5 examples/incremental.tcl ?--stages S? ?--children N? ?--out DIR?
#
#	(defaults 3, 3 and incremental-results). The training is a small
#	linear regression by stochastic gradient descent, written in Python
#	and run in each worker's persistent interpreter, like a real model
#	kept loaded between tasks. Each model writes DIR/NODE/model.json
#	(weights, loss, parent) and DIR/NODE/times.txt (start and end in
#	microseconds); node names list the child indexes from the root, such
#	as root.2.0.

package require turbine

namespace eval incremental {
    # The model: y = 3 x0 - 2 x1 + 0.5 + noise, learned from 200 samples
    # per node; a child starts from its parent's weights.
    variable trainer {
if "incremental_train" not in globals():
    import json, random

    def incremental_train(node, parent_path, out_path, seed):
        """Continue training from the model at parent_path (none for the
        root) and write the result to out_path. Returns the loss."""
        weights, epochs = [0.0, 0.0, 0.0], 0
        if parent_path:
            with open(parent_path) as parent:
                model = json.load(parent)
            weights, epochs = model["weights"], model["epochs"]
        rng = random.Random(int(seed))
        samples = []
        for _ in range(200):
            x0, x1 = rng.uniform(-1, 1), rng.uniform(-1, 1)
            samples.append((x0, x1, 3 * x0 - 2 * x1 + 0.5 + rng.gauss(0, 0.1)))
        rate = 0.05
        for x0, x1, y in samples:
            error = weights[0] * x0 + weights[1] * x1 + weights[2] - y
            weights = [weights[0] - rate * error * x0, weights[1] - rate * error * x1,
                       weights[2] - rate * error]
        loss = sum((weights[0] * x0 + weights[1] * x1 + weights[2] - y) ** 2
                   for x0, x1, y in samples) / len(samples)
        with open(out_path, "w") as out:
            json.dump({"node": node, "parent": parent_path, "epochs": epochs + 1,
                       "weights": weights, "loss": loss}, out)
        return loss
}
}

# incremental::train --
#
#	The task of one node, on a worker: trains from the model at
#	parentPath (empty for the root) into out/node/model.json and records
#	the start and end times. Returns the path of the new model.
proc incremental::train {out node parentPath} {
    package require python
    variable trainer
    set started [clock microseconds]
    set folder [file join $out $node]
    file mkdir $folder
    set modelPath [file join $folder model.json]

    python::exec $trainer
    # Each node gets its own data: the seed comes from its name.
    set seed [zlib crc32 $node]
    python::call incremental_train $node $parentPath $modelPath $seed

    set channel [open [file join $folder times.txt] w]
    puts $channel "$started [clock microseconds] $parentPath"
    close $channel
    return $modelPath
}

# incremental::trainChild --
#
#	The task of a non-root node, a rule on its parent's future: reads the
#	parent's model path from the rule's input, then trains.
proc incremental::trainChild {out node} {
    return [train $out $node [lindex [turbine::inputs] 0]]
}

# incremental::submitTree --
#
#	Queues node and, below it, stages more levels of children with
#	children each. Returns the futures of the leaves.
proc incremental::submitTree {out node parentFuture stages children} {
    if {$parentFuture eq ""} {
        set future [turbine::submit [list incremental::train $out $node ""]]
    } else {
        set future [turbine::rule [list $parentFuture] [list incremental::trainChild $out $node]]
    }
    if {$stages == 0} {
        return [list $node $future]
    }
    set leaves {}
    for {set i 0} {$i < $children} {incr i} {
        lappend leaves {*}[submitTree $out $node.$i $future [expr {$stages - 1}] $children]
    }
    return $leaves
}

set options [dict create --stages 3 --children 3 --out incremental-results]
if {[llength $argv] % 2 != 0} {
    puts stderr "usage: incremental.tcl ?--stages S? ?--children N? ?--out DIR?"
    exit 2
}
foreach {name value} $argv {
    if {![dict exists $options $name]} {
        puts stderr "incremental.tcl: unknown option \"$name\"; usage: incremental.tcl ?--stages S? ?--children N? ?--out DIR?"
        exit 2
    }
    dict set options $name $value
}
foreach name {--stages --children} {
    set value [dict get $options $name]
    if {![string is entier -strict $value] || $value < ($name eq "--stages" ? 0 : 1)} {
        puts stderr "incremental.tcl: invalid $name \"$value\"; give a whole number (stages from 0, children from 1)"
        exit 2
    }
}
set out [file normalize [dict get $options --out]]

turbine::init -progress off
turbine::run {
    file mkdir $out
    set leaves [incremental::submitTree $out root "" [dict get $options --stages] \
        [dict get $options --children]]
    set best ""
    foreach {node future} $leaves {
        set path [turbine::wait $future]
        set channel [open $path r]
        set model [read $channel]
        close $channel
        regexp {"loss": ([0-9.e+-]+)} $model -> loss
        if {$best eq "" || $loss < [lindex $best 1]} {
            set best [list $node $loss]
        }
    }
    puts "leaves: [expr {[llength $leaves] / 2}]"
    puts "best leaf: [lindex $best 0], loss [format %.4f [lindex $best 1]]"
}
