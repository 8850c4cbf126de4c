#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-run.sh KERNEL INITRD MODE LOGDIR [TIMEOUT]
#
# Boot the guest under TCG with $SMP vCPUs (default 2) and the preemption
# model $PREEMPT (lazy or full; default lazy).  MODE is the
# guest suite (cvq.mode=), "kunit" or "shell".  The console goes to
# LOGDIR/console.log, the results channel (second serial port) to
# LOGDIR/results.log.  Every boot has a hard timeout (default 600 s);
# a boot that does not print @@DONE is a failure, shown with the tail of
# its console.  Exit status: 0 when @@DONE was seen.
set -uo pipefail
kernel=$1 initrd=$2 mode=$3 logdir=$4 tmo=${5:-600}
smp=${SMP:-2}
mkdir -p "$logdir"
con=$logdir/console.log res=$logdir/results.log
rm -f "$con" "$res"
append="console=ttyS0 cvq.mode=$mode panic=-1 oops=panic loglevel=6 preempt=${PREEMPT:-lazy} ${APPEND:-}"
case $mode in
kunit) append="$append kunit.enable=1 loglevel=7" ;;
*) append="$append kunit.enable=0" ;;
esac
qemu=(qemu-system-x86_64 -M pc -cpu max -accel tcg -smp "$smp" -m "${MEM:-1024}"
      -kernel "$kernel" -initrd "$initrd" -append "$append"
      -display none -no-reboot -nodefaults)
if [ "$mode" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio -serial "file:$res"
fi
start=$(date +%s)
timeout --foreground -k 5 "$tmo" "${qemu[@]}" -serial "file:$con" -serial "file:$res" </dev/null
rc=$?
secs=$(( $(date +%s) - start ))
if grep -q '^@@DONE' "$res" 2>/dev/null; then
	echo ">>> guest $mode: done in ${secs}s ($(sed -n 's/^@@BOOT //p' "$res" | tr -d '\r'))"
	exit 0
fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "!!! guest $mode: TIMEOUT after ${tmo}s; console tail ($con):"
else
	echo "!!! guest $mode: ended (qemu rc=$rc) without @@DONE after ${secs}s; console tail ($con):"
fi
tail -n 40 "$con" | sed 's/^/    | /'
exit 1
