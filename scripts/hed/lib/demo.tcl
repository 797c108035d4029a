# demo.tcl --
#
#	A synthetic study for `hedflow hed demo`, so a fresh machine can run the
#	whole workflow without data. Like real drug screens, most responses pile
#	up near AUC 1 (the drug barely acts), a few drugs are potent on some cell
#	lines (the rare sensitive responses), and a few AUCs are slightly above
#	1, as measured data has. Drugs come in families that share fingerprint
#	bits and potency, so the nearest-drug baseline has something to learn.
#
#	Files written into OUT/input: responses.txt (cell line, drug, AUC,
#	tab-separated), drugs.txt (index, drug identifier) and fingerprints.txt
#	(256 bits per drug). Drug identifiers stand in for SMILES. The same
#	seed gives the same files.

namespace eval hedwf {
    variable demoSpec {
        out {outdir ""}
        drugs {count 30 100000}
        cells {count 40 100000}
        seed {seed 1 2147483647}
        k {count 10 1000000}
        top {count 10 1000000}
        bootstrap {count 1000 10000000}
    }
    variable demoBits 256
}

# hedwf::demoRandom --
#
#	Returns the next number of the demo's own random stream in [0, 1): a
#	64-bit linear congruential generator, so the files do not depend on
#	Tcl's rand() or on anything else in the process.
proc hedwf::demoRandom {} {
    variable demoState
    set demoState [expr {($demoState * 6364136223846793005 + 1442695040888963407) % (2**64)}]
    return [expr {($demoState >> 11) / double(2**53)}]
}

# hedwf::demoGenerate --
#
#	Writes the synthetic study into folder; returns its three paths as a
#	dict {responses P drugs P fingerprints P}.
proc hedwf::demoGenerate {folder drugCount cellCount seed} {
    variable demoState
    variable demoBits
    set demoState [expr {$seed + 1}]
    file mkdir $folder

    set families 5
    set familyBits {}
    set familyPotency {}
    for {set f 0} {$f < $families} {incr f} {
        set bits {}
        for {set b 0} {$b < $demoBits} {incr b} {
            lappend bits [expr {[demoRandom] < 0.15}]
        }
        lappend familyBits $bits
        # One family in five is potent: those drugs give the rare
        # sensitive responses.
        lappend familyPotency [expr {$f == 0 ? 0.6 : 0.08 + 0.1 * [demoRandom]}]
    }

    set drugLines {}
    set fingerprintLines {}
    set potency {}
    for {set d 0} {$d < $drugCount} {incr d} {
        set family [expr {$d % $families}]
        set bits [lmap bit [lindex $familyBits $family] {
            expr {[demoRandom] < 0.05 ? 1 - $bit : $bit}
        }]
        lappend drugLines "$d\tDEMO_DRUG_[format %03d $d]_FAMILY_$family"
        lappend fingerprintLines [join $bits ,]
        lappend potency [expr {[lindex $familyPotency $family] * (0.7 + 0.6 * [demoRandom])}]
    }

    set responseLines {}
    for {set c 0} {$c < $cellCount} {incr c} {
        set sensitivity [expr {[demoRandom] ** 2}]
        set cell [format DEMO_CELL_%03d $c]
        for {set d 0} {$d < $drugCount} {incr d} {
            if {[demoRandom] > 0.7} {
                continue
            }
            set noise [expr {0.06 * ([demoRandom] + [demoRandom] + [demoRandom] - 1.5)}]
            set auc [expr {1.0 - [lindex $potency $d] * $sensitivity * 1.6 + $noise}]
            set auc [expr {min(1.06, max(0.02, $auc))}]
            set smiles [lindex [split [lindex $drugLines $d] \t] 1]
            lappend responseLines "$cell\t$smiles\t[format %.4f $auc]"
        }
    }

    set paths [dict create \
        responses [file join $folder responses.txt] \
        drugs [file join $folder drugs.txt] \
        fingerprints [file join $folder fingerprints.txt]]
    writeAtomically [dict get $paths responses] "[join $responseLines \n]\n"
    writeAtomically [dict get $paths drugs] "[join $drugLines \n]\n"
    writeAtomically [dict get $paths fingerprints] "[join $fingerprintLines \n]\n"
    return $paths
}
