#!/bin/sh
# Renders the UI pictures in docs/ headless, at 1024x640, 1280x800 (the
# default, unsuffixed names) and 1920x1080; the fault stories' later steps,
# the mappings and the L2 table only at the default size.
# ./scripts/ui-screenshots.sh [MMUSCOPE]
set -eu
mmuscope=${1:-build/cli/mmuscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shoot() { # size name-suffix workload extra-args script
	size=$1 suffix=$2 workload=$3 extra=$4 script=$5
	# @@NAME: only at the default size.
	if [ -n "$suffix" ]; then drop='/@@/d'; else drop='s|@@|@|'; fi
	printf '%s' "$script" | sed "$drop; s|@|docs/ui-|g; s|\.png|$suffix.png|g" > "$tmp/script"
	# shellcheck disable=SC2086
	"$mmuscope" ui --headless --paused --frames 3000 --console /dev/null --size "$size" \
		--workload "$workload" $extra --script "$tmp/script"
}

# From a fault's last stage: its handler, then its retry to the end.
story() {
	printf 'key w\nuntil-paused 200\nwait 1\nscreenshot @@%s-handler.png\n' "$1"
	printf 'until w retry_stage=4 8\nwait 1\nscreenshot @@%s-retry.png\n' "$1"
}

for size in 1024x640 1280x800 1920x1080; do
	suffix=-$size
	[ "$size" = 1280x800 ] && suffix=
	# mix a little after its start marker, following the running process.
	shoot "$size" "$suffix" mix "--break-marker mix-start" 'wait 1
key m
until-paused 400
key space
wait 10
key space
wait 1
screenshot @heatmap.png
click-hot page
wait 1
screenshot @pages.png
key Tab
wait 1
screenshot @tlb.png
key ?
wait 1
screenshot @help.png
quit
'
	# The young-bit fault after MADV_FREE, to its result, then its
	# handler and its retry.
	shoot "$size" "$suffix" test-young-dirty "--break-marker young-dirty-aged" 'wait 1
key m
until-paused 400
key f
until-paused 100
key w
key w
key w
key w
wait 1
screenshot @young.png
'"$(story young)"'
quit
'
	# The dirty-bit fault: the first write to the first mmap page after its young fault.
	shoot "$size" "$suffix" test-young-dirty "--break-va 0x40000000" 'wait 1
until f story_emulated=dirty 6
until w walk_stage=4 8
wait 1
screenshot @dirty.png
'"$(story dirty)"'
key p
wait 1
screenshot @@maps.png
key Escape
wait 1
click 0x40000000
wait 1
hover 0x40000000
wait 1
screenshot @@l2.png
quit
'
done
