#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compose the kernel tree: pristine base + the project's patch series.
#
#   tree.sh prepare          unpack the pristine source into work/linux as a
#                            git repo whose first commit is tagged "base"
#   tree.sh apply            (re)build branch "series" from base + series/,
#                            and check it out; only files whose content
#                            changed are rewritten, so builds stay incremental
#   tree.sh export DIR       git format-patch base..series into DIR, with the
#                            cover letter taken from series/cover-letter
#   tree.sh base-worktree    check the pristine base out in work/linux-base
#
# The series is described by series/series: one line per patch,
#
#   NNNN-slug.patch [new/file/path ...]
#
# The .patch file holds a mail header (From:, Subject:), the commit message
# and, after a "---" line, an optional diff against existing files.  Each
# listed new file is copied from kernel/<path> into the commit, whole.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$top/work}
src=$work/linux
. "$top/scripts/cache.sh"
export GIT_AUTHOR_DATE="2026-11-24T12:00:00+00:00"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
export GIT_COMMITTER_NAME="vdpa-net cvq"
export GIT_COMMITTER_EMAIL="cvq@example.org"

say() { echo ">>> $*"; }

# The pristine base lives once per machine in $BENCH_CACHE as a bare git
# repository; each clone's work/linux borrows its objects (git clone
# --shared), so a new clone neither unpacks nor hashes the tarball again.
base_repo() {
	local ver repo
	ver=$(cat "$KERNEL_TARBALL.version" 2>/dev/null || echo unknown)
	repo=$BENCH_CACHE/linux-base-$ver.git
	if ! git -C "$repo" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
		[ -f "$KERNEL_TARBALL" ] || { echo "missing $KERNEL_TARBALL (run scripts/deps.sh)" >&2; exit 1; }
		say "unpacking $(basename "$KERNEL_TARBALL") ($ver) into $repo (once per machine)" >&2
		local tmp
		tmp=$(mktemp -d "$BENCH_CACHE/unpack.XXXXXX")
		tar -xf "$KERNEL_TARBALL" -C "$tmp" --strip-components=1
		rm -rf "$repo"
		git init -q --bare "$repo"
		git -C "$repo" config gc.auto 0
		local kv
		kv=$(make -s -C "$tmp" kernelversion)
		GIT_DIR=$repo GIT_WORK_TREE=$tmp git add -A -f .
		GIT_DIR=$repo GIT_WORK_TREE=$tmp \
		GIT_AUTHOR_NAME="$GIT_COMMITTER_NAME" GIT_AUTHOR_EMAIL="$GIT_COMMITTER_EMAIL" \
			git commit -q -m "Linux $kv (Debian linux-source-7.3 $ver)"
		git -C "$repo" tag base
		rm -rf "$tmp"
	fi
	echo "$repo"
}

prepare() {
	if git -C "$src" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
		return 0
	fi
	local repo
	repo=$(base_repo | tail -n 1)
	say "cloning the pristine base into $src (objects shared with $repo)"
	rm -rf "$src"
	git clone -q --shared --no-checkout "$repo" "$src"
	git -C "$src" config user.name "$GIT_COMMITTER_NAME"
	git -C "$src" config user.email "$GIT_COMMITTER_EMAIL"
	git -C "$src" config gc.auto 0
	git -C "$src" checkout -q -b pristine base
}

# Print the entries of series/series, skipping comments and blank lines.
entries() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/series/series"
}

apply() {
	prepare
	local idx parent tree commit n=0 tmp
	tmp=$(mktemp -d)
	idx=$tmp/index
	parent=$(git -C "$src" rev-parse base)
	GIT_INDEX_FILE=$idx git -C "$src" read-tree base
	while read -r patch files; do
		n=$((n + 1))
		local p=$top/series/$patch
		[ -f "$p" ] || { echo "series/series names missing $patch" >&2; exit 1; }
		git -C "$src" mailinfo -k "$tmp/msg" "$tmp/diff" <"$p" >"$tmp/info"
		local subj author email
		subj=$(sed -n 's/^Subject: //p' "$tmp/info")
		author=$(sed -n 's/^Author: //p' "$tmp/info")
		email=$(sed -n 's/^Email: //p' "$tmp/info")
		if [ -s "$tmp/diff" ]; then
			GIT_INDEX_FILE=$idx git -C "$src" apply --cached --whitespace=nowarn "$tmp/diff" || {
				echo "patch $patch does not apply" >&2; exit 1; }
		fi
		for f in $files; do
			[ -f "$top/kernel/$f" ] || { echo "$patch: missing kernel/$f" >&2; exit 1; }
			local blob
			blob=$(git -C "$src" hash-object -w "$top/kernel/$f")
			GIT_INDEX_FILE=$idx git -C "$src" update-index --add --cacheinfo "100644,$blob,$f"
		done
		tree=$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)
		{ echo "$subj"; echo; cat "$tmp/msg"; } >"$tmp/commitmsg"
		commit=$(GIT_AUTHOR_NAME="$author" GIT_AUTHOR_EMAIL="$email" \
			git -C "$src" commit-tree "$tree" -p "$parent" -F "$tmp/commitmsg")
		parent=$commit
	done < <(entries)
	rm -rf "$tmp"
	git -C "$src" update-ref refs/heads/series "$parent"
	if [ "$(git -C "$src" symbolic-ref -q --short HEAD)" = series ]; then
		git -C "$src" reset -q --hard series
	else
		git -C "$src" checkout -q -f series
	fi
	say "tree: base + $n patches, HEAD $(git -C "$src" rev-parse --short HEAD)"
}

export_series() {
	local out
	out=$(realpath -m "$1")
	apply >/dev/null
	rm -rf "$out"
	mkdir -p "$out"
	git -C "$src" format-patch -q --cover-letter --no-signature -o "$out" base..series
	local cover=$out/0000-cover-letter.patch subject
	subject=$(head -n 1 "$top/series/cover-letter")
	python3 - "$cover" "$top/series/cover-letter" "$subject" <<'EOF'
import sys
path, blurbfile, subject = sys.argv[1:4]
blurb = open(blurbfile).read().split("\n", 2)[2].rstrip("\n")
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", blurb)
open(path, "w").write(text)
EOF
	say "exported $(ls "$out" | wc -l) files to $out"
}

base_worktree() {
	prepare
	local wt=$work/linux-base
	if [ ! -d "$wt" ]; then
		say "checking the pristine base out in $wt (once)"
		git -C "$src" worktree add -q --detach "$wt" base
	fi
}

case "${1:-}" in
prepare) prepare ;;
apply) apply ;;
export) export_series "${2:?output dir}" ;;
base-worktree) base_worktree ;;
*) echo "usage: $0 prepare|apply|export DIR|base-worktree" >&2; exit 2 ;;
esac
