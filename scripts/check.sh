#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: everything `make check` runs.  Each result is one PASS/FAIL
# line; the last line is "N passed, N failed"; exit status 1 on a failure.
#
#   host unit tests and the fuzzer of the functional core (tools/vdpa_net_ctrl)
#   the kernel build (base + series), and the mlx5_vnet object build
#   KUnit suites in the guest, parsed as KTAP
#   the guest e2e suite on virtio_vdpa
#   checkpatch --strict over the exported series
#
#   W=1, sparse and kernel-doc over the series' files (scripts/lint.sh)
#   a guest that loads the modules, uses the device and unloads them
#
# FULL=1 (what CI runs) adds the longer steps: every commit of the series
# built on its own, the mlx5_vnet object build, the e2e suite on 1 vCPU
# with PREEMPT_LAZY, and QEMU 10 with vhost-vdpa in the guest (shadowed
# CVQ, live migration).
set -uo pipefail
full=${FULL:-0}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kbuild=$top/work/build
work=$top/work out=$top/out
log=$out/check
mkdir -p "$log"
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }
sk() { skip=$((skip + 1)); echo "SKIP $*"; }
step() { echo; echo "=== $* ($(date +%T))"; }
finish() {
	echo
	[ $skip -gt 0 ] && echo "($skip skipped)"
	echo "$pass passed, $fail failed"
	[ $fail = 0 ]
	exit $?
}

step "dependencies and tree"
./scripts/deps.sh || { ko deps "package installation failed"; finish; }
./scripts/tree.sh apply || { ko tree "the series does not apply"; finish; }
ok tree "series applies to the pristine base"

if [ -f tools/vdpa_net_ctrl/Makefile ]; then
	step "host unit tests of the functional core"
	make -s -C tools/vdpa_net_ctrl test KSRC="$work/linux" >"$log/host-unit.log" 2>&1
	rc=$?
	grep -E '^(ok|not ok) ' "$log/host-unit.log" | sed 's/^/    /' | grep '^    not ok' || true
	np=$(grep -c '^ok ' "$log/host-unit.log"); nf=$(grep -c '^not ok ' "$log/host-unit.log")
	if [ $rc = 0 ] && [ "$np" -gt 0 ] && [ "$nf" = 0 ]; then ok "host-unit ($np cases)"; else
		tail -n 20 "$log/host-unit.log"; ko "host-unit ($np ok, $nf not ok, rc=$rc)"; fi
	fuzz_s=${FUZZ_SECONDS:-30}
	[ "$full" = 1 ] && fuzz_s=${FUZZ_SECONDS:-120}
	step "fuzzing the functional core (${fuzz_s}s)"
	if make -s -C tools/vdpa_net_ctrl fuzz KSRC="$work/linux" FUZZ_SECONDS="$fuzz_s" >"$log/fuzz.log" 2>&1; then
		ok "fuzz ($(grep -o 'Done [0-9]* runs' "$log/fuzz.log" | tail -n 1))"
	else
		tail -n 30 "$log/fuzz.log"; ko "fuzz (crash or build failure, see $log/fuzz.log)"
	fi
fi

step "kernel build"
if ./scripts/build-kernel.sh "$work/linux" "$kbuild" >"$log/build.log" 2>&1; then
	ok "kernel-build ($(tail -n 1 "$log/build.log" | sed 's/^>>> //'))"
else
	tail -n 30 "$log/build.log"; ko "kernel-build"; finish
fi
kernel=$kbuild/arch/x86/boot/bzImage

if [ "$full" = 1 ]; then
	step "every commit of the series builds (bisectability)"
	while read -r verdict rest; do
		case $verdict in
		PASS) ok "bisect-build $rest" ;;
		FAIL) ko "bisect-build $rest" ;;
		*) echo "$verdict $rest" ;;
		esac
	done < <(./scripts/bisect-build.sh)
fi

if [ "$full" = 1 ] && [ -x scripts/build-mlx5.sh ]; then
	step "mlx5_vnet object build"
	if ./scripts/build-mlx5.sh "$work/linux" "$work/build-x86" >"$log/mlx5.log" 2>&1; then
		ok "mlx5-build ($(tail -n 1 "$log/mlx5.log" | sed 's/^>>> //'))"
	else
		tail -n 30 "$log/mlx5.log"; ko "mlx5-build"
	fi
fi

step "build bots: W=1, sparse, kernel-doc over the series' files"
while read -r verdict rest; do
	case $verdict in
	PASS) ok "$rest" ;;
	FAIL) ko "$rest" ;;
	*) echo "$verdict $rest" ;;
	esac
done < <(./scripts/lint.sh)

step "guest initramfs"
MODROOT=$kbuild/modroot ./scripts/mkinitramfs.sh "$work/initramfs.cpio" >"$log/initramfs.log" 2>&1 ||
	{ cat "$log/initramfs.log"; ko initramfs; finish; }
ok initramfs

# console_clean NAME DIR: the kernel log of the guest run in DIR has no
# splat: a lockdep report, a BUG or WARNING, a hung task, a panic.
SPLAT_RE='BUG:|WARNING:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|blocked for more than|Kernel panic|general protection fault|DEBUG_LOCKS_WARN'
console_clean() {
	if [ ! -s "$2/console.log" ]; then ko "$1 (no console log)"; return; fi
	splat=$(grep -aE "$SPLAT_RE" "$2/console.log" | head -n 5)
	if [ -z "$splat" ]; then ok "$1"; else echo "$splat" | sed 's/^/    /'; ko "$1 (see $2/console.log)"; fi
}

step "KUnit in the guest"
if [ -s config/kunit-suites ]; then
	./scripts/qemu-run.sh "$kernel" "$work/initramfs.cpio" kunit "$log/kunit" "${KUNIT_TIMEOUT:-600}"
	krc=$?
	# The suites are modules (config/kernel.config): each prints a KTAP
	# document of its own when it is loaded.  Keep the KTAP lines (a
	# kernel message printed while the tests run would break the parser),
	# split the documents and parse each with kunit.py.
	sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$log/kunit/console.log" |
		grep -E '^(KTAP version|TAP version|[0-9]+\.\.[0-9]+|ok |not ok |#|[[:space:]])' >"$log/kunit/ktap.log"
	rm -f "$log"/kunit/ktap-*.log "$log/kunit/parsed.log"
	awk -v d="$log/kunit" '/^KTAP version|^TAP version/ { n++ } n { print > (d "/ktap-" n ".log") }' "$log/kunit/ktap.log"
	for k in "$log"/kunit/ktap-*.log; do
		[ -e "$k" ] || continue
		python3 "$work/linux/tools/testing/kunit/kunit.py" parse "$k" >>"$log/kunit/parsed.log" 2>&1 || krc=1
	done
	[ -f "$log/kunit/parsed.log" ] || { echo "    no KTAP output on the console"; krc=1; }
	grep -E '^\[..:..:..\] (\[PASSED\]|\[FAILED\]|\[SKIPPED\]|\[CRASHED\]|=+ )' "$log/kunit/parsed.log" 2>/dev/null | grep -E 'FAILED|CRASHED' | sed 's/^/    /'
	np=$(grep -c '\[PASSED\]' "$log/kunit/parsed.log" 2>/dev/null); nf=$(grep -cE '\[FAILED\]|\[CRASHED\]' "$log/kunit/parsed.log" 2>/dev/null)
	grep '^@@TEST FAIL' "$log/kunit/results.log" 2>/dev/null | sed 's/^/    /' && krc=1
	missing=""
	while read -r suite; do
		[ -z "$suite" ] && continue
		grep -qE "ok [0-9]+ $suite\s*$" "$log/kunit/console.log" || missing="$missing $suite"
	done < <(sed 's/#.*//' config/kunit-suites)
	console_clean kunit/console-clean "$log/kunit"
	if [ "$krc" = 0 ] && [ -z "$missing" ]; then ok "kunit ($np passed)"; else
		grep -E 'Testing complete|FAILED' "$log/kunit/parsed.log" 2>/dev/null | tail -n 15 | sed 's/^/    /'
		ko "kunit (${np:-0} passed, ${nf:-0} failed, missing suites:${missing:- none}, rc=$krc)"; fi
fi

# guest_suite MODE PREFIX [INITRD]: boot the guest suite MODE, one result
# per @@TEST line of its results channel, names prefixed with PREFIX.
guest_suite() {
	if ./scripts/qemu-run.sh "${KERNEL:-$kernel}" "${3:-$work/initramfs.cpio}" "$1" "$log/$1" "${E2E_TIMEOUT:-1200}"; then
		while read -r tag verdict name detail; do
			case $verdict in
			PASS) ok "$2$name" ;;
			FAIL) ko "$2$name: $detail" ;;
			SKIP) sk "$2$name: $detail" ;;
			esac
		done < <(grep '^@@TEST ' "$log/$1/results.log" | tr -d '\r')
		console_clean "$1/console-clean" "$log/$1"
	else
		ko "$1 (guest did not finish)"
	fi
}

step "guest e2e suite (virtio_vdpa)"
guest_suite e2e e2e/

step "guest vhost-vdpa suite (a userspace client, as a VMM would)"
guest_suite vhost ""

step "guest modules suite: load, use, unload"
guest_suite modules ""

# A userspace device: a VDUSE net device with a control virtqueue, which
# the kernel holds (guest/tools/vduse_net.c is the daemon).
step "guest VDUSE suite: a userspace net device, its CVQ in the kernel"
guest_suite vduse ""
grep '^@@REPORT vduse: daemon \(stopped\|killed\)' "$log/vduse/results.log" 2>/dev/null | sed 's/^@@REPORT /    /'

# A real VMM: Debian 13's QEMU 10.0 with -netdev vhost-vdpa inside the
# guest (the trixie root of scripts/trixie-root.sh, built once per recipe
# into the bench cache), its nested TCG guest's virtio_net driver sending
# commands through the CVQ, and a live migration whose destination QEMU
# restores the device state through the CVQ.
if [ "$full" = 1 ]; then
	step "Debian 13 userspace in the guest (DPDK 24.11, QEMU 10): the trixie root"
	t0=$(date +%s)
	if troot=$(./scripts/trixie-root.sh 2>"$log/trixie-root.log"); then
		ok "trixie-root ($(sed -n 's/^suite=.*seconds=\([0-9]*\) size_mb=\([0-9]*\).*/built in \1 s, \2 MB/p' "$troot/.build-info"); $(sed -n '2,$p' "$troot/.build-info" | tr '\n' ' ')$([ $(( $(date +%s) - t0 )) -gt 5 ] || echo "; cached"))"
		if SYSROOT=$troot ./scripts/mkinitramfs-nested.sh "$work/initramfs-nested.cpio" "$kernel" >"$log/initramfs-nested.log" 2>&1; then
			# Unmodified DPDK 24.11 as a VDUSE net device with 4
			# queue pairs (CTRL_VQ and MQ), the same initramfs.
			step "dpdk: DPDK 24.11's testpmd as a VDUSE net device with 4 queue pairs, virtio_net on it"
			MEM=2048 E2E_TIMEOUT=900 guest_suite dpdk "" "$work/initramfs-nested.cpio"
			grep '^@@REPORT dpdk: worst\|^@@REPORT dpdk traffic\|^@@REPORT dpdk testpmd streams' "$log/dpdk/results.log" 2>/dev/null | sed 's/^@@REPORT /    /'
			step "nested: QEMU 10 + vhost-vdpa in the guest, an L2 virtio_net drives the CVQ, migration"
			MEM=2048 E2E_TIMEOUT=${NESTED_TIMEOUT:-3000} guest_suite nested "" "$work/initramfs-nested.cpio"
			grep '^@@REPORT nested.*restore:' "$log/nested/results.log" 2>/dev/null | sed 's/^@@REPORT /    /'
			# The same QEMU on a VDUSE net device: QEMU shadows the
			# kernel's CVQ, L2's frames go through the daemon.
			step "nested on VDUSE: QEMU 10 + vhost-vdpa on a VDUSE net device, L2 drives the kernel's CVQ"
			MEM=2048 E2E_TIMEOUT=1500 guest_suite nested_vduse "" "$work/initramfs-nested.cpio"
		else
			tail -n 20 "$log/initramfs-nested.log"; ko "initramfs-nested"
		fi
	else
		tail -n 20 "$log/trixie-root.log"; ko "trixie-root (debootstrap of the Debian 13 userspace failed)"
	fi
fi

# The driver busy-waits for each command with rtnl held: one vCPU with the
# least preemptive model is where a device that defers its work could
# livelock it.  On x86, Linux 7.3 has no PREEMPT_NONE or PREEMPT_VOLUNTARY
# any more: that model is PREEMPT_LAZY, chosen at boot on the same kernel.
if [ "$full" = 1 ]; then
	step "guest e2e suite on 1 vCPU, preempt=lazy"
	if SMP=1 PREEMPT=lazy ./scripts/qemu-run.sh "$kernel" "$work/initramfs.cpio" e2e "$log/e2e-1cpu" "${E2E_TIMEOUT:-900}"; then
		np=$(grep -c '^@@TEST PASS' "$log/e2e-1cpu/results.log"); nf=$(grep -c '^@@TEST FAIL' "$log/e2e-1cpu/results.log")
		grep '^@@TEST FAIL' "$log/e2e-1cpu/results.log" | sed 's/^/    /'
		if [ "$nf" = 0 ] && [ "$np" -gt 0 ]; then ok "e2e-1cpu-preempt-lazy ($np expectations met)"; else
			ko "e2e-1cpu-preempt-lazy ($nf of $((np + nf)) expectations not met)"; fi
		console_clean e2e-1cpu/console-clean "$log/e2e-1cpu"
	else
		ko "e2e-1cpu-preempt-lazy (guest did not finish: livelock or crash)"
	fi
fi

step "the exported series: git am on the pristine base, checkpatch --strict"
./scripts/tree.sh export "$out/series" >/dev/null
# What a maintainer does with the mails: git am on a pristine tree (a
# worktree of its own at tag base).  The result must be the series' tree.
am=$work/am
if [ ! -d "$am" ]; then
	git -C "$work/linux" worktree prune
	git -C "$work/linux" worktree add -q --detach "$am" base
fi
git -C "$am" am --abort >/dev/null 2>&1
git -C "$am" checkout -q -f --detach base
if git -C "$am" -c user.name=am -c user.email=am@example.org am -q --whitespace=nowarn \
	$(ls "$out"/series/0*.patch | grep -v 0000-cover-letter) >"$log/git-am.log" 2>&1 &&
   [ "$(git -C "$am" rev-parse HEAD^{tree})" = "$(git -C "$work/linux" rev-parse series^{tree})" ]; then
	ok "git-am ($(ls "$out"/series/0*.patch | grep -vc 0000-cover-letter) patches apply to pristine $(make -s -C "$am" kernelversion), same tree as the series)"
else
	tail -n 10 "$log/git-am.log" | sed 's/^/    /'
	ko "git-am (the exported series does not apply with git am, or gives another tree)"
fi
for p in "$out"/series/0*.patch; do
	[ -e "$p" ] || continue
	case $p in *0000-cover-letter.patch) continue ;; esac
	# checkpatch asks "does MAINTAINERS need updating?" of any patch that
	# adds a file without touching MAINTAINERS (a KUnit suite, say).  That
	# question is answered here: the warning is left out only when
	# get_maintainer.pl places every file the patch adds in a maintained
	# entry (not THE REST); otherwise it counts.
	ign=()
	added=$(sed -n 's/^ create mode [0-9]* //p' "$p")
	if [ -n "$added" ] && ! grep -q '^ MAINTAINERS *|' "$p"; then
		covered=1
		for f in $added; do
			sec=$(cd "$work/linux" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --sections -f "$f" 2>/dev/null |
				grep -E '^[A-Z0-9]' | grep -v '^THE REST' | head -n 1)
			[ -n "$sec" ] || covered=0
			[ -n "$sec" ] && echo "    $f: covered by MAINTAINERS entry \"$sec\""
		done
		[ $covered = 1 ] && ign=(--ignore FILE_PATH_CHANGES)
	fi
	# /usr/bin first: spdxcheck.py needs Debian's python3-ply.
	PATH=/usr/bin:$PATH perl "$work/linux/scripts/checkpatch.pl" --strict "${ign[@]}" "$p" >"$log/checkpatch.txt" 2>&1
	total=$(grep '^total:' "$log/checkpatch.txt")
	# The bar is 0 errors and 0 warnings; --strict CHECKs are listed.
	if echo "$total" | grep -q '^total: 0 errors, 0 warnings'; then
		ok "checkpatch $(basename "$p") (${total#total: })"
		grep -A1 '^CHECK:' "$log/checkpatch.txt" | grep -v '^--' | sed 's/^/    /'
	else
		grep -E -A3 '^(ERROR|WARNING):' "$log/checkpatch.txt" | sed 's/^/    /' | head -n 30
		ko "checkpatch $(basename "$p") (${total:-no total line})"
	fi
done
finish
