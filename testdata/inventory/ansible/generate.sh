#!/bin/sh
# Regenerates every *.list.json fixture here with a real ansible-core:
#
#   apt-get update && apt-get install -y ansible-core   # Debian 12: 2.14
#   testdata/inventory/ansible/generate.sh
#
# For each source it runs exactly
#
#   ansible-inventory -i SOURCE --list
#
# and, for precedence/ only, `ansible-inventory -i precedence --list --export`
# (precedence.export.json),
# from an empty directory with an empty HOME (no ansible.cfg, no
# playbook-adjacent group_vars/), and writes SOURCE.list.json beside it.
# CI does not run this: the outputs are committed and the Go tests compare
# trustfix's reading of each source with them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export HOME="$work" ANSIBLE_CONFIG="$work/none.cfg" ANSIBLE_NOCOLOR=1
ansible-inventory --version | head -1 > "$here/ansible-version.txt"
for src in $(cd "$here" && cat sources.txt); do
	ansible-inventory -i "$here/$src" --list > "$here/$src.list.json"
	echo "$src.list.json"
done
# --export keeps group variables on their groups (a group's trustfix_max_sessions survives).
ansible-inventory -i "$here/precedence" --list --export > "$here/precedence.export.json"
echo precedence.export.json
