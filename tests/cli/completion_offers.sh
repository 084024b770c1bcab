#!/bin/sh
# The bash completion (packaging/pptpctl.bash) parses, offers every command
# and option that `pptpctl --help` lists (so a new one cannot be forgotten),
# and offers the profile names of the profile directory.
# Usage: completion_offers.sh PPTPCTL SOURCE_DIR
exec bash -s "$1" "$2" <<'BASH'
set -u
bin=$1 src=$2 comp=$src/packaging/pptpctl.bash
fail() { echo "completion: $*" >&2; exit 1; }
bash -n "$comp" || fail "$comp does not parse (bash -n)"
. "$comp"
complete -p pptpctl >/dev/null 2>&1 || fail "$comp does not register a completion for pptpctl"
# compopt only works inside a real completion; here it is a no-op.
compopt() { :; }

offers() {  # offers WORD...: what completing the last word offers, one a line
  COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMPREPLY=()
  _pptpctl pptpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}
expect() {  # expect OFFERED WORD...
  local want=$1; shift
  offers "$@" | grep -qx -- "$want" || fail "'$*<TAB>' does not offer $want (offers: $(offers "$@" | tr '\n' ' '))"
}

expect up pptpctl u
# Every command and option --help lists, at the top level and per command.
commands=$("$bin" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || fail "pptpctl --help lists no commands"
for c in $commands; do
  expect "$c" pptpctl ""
  for o in $("$bin" "$c" --help | sed -n '/^Options:/,/^$/p' | grep -o -- '--[a-z-]*'); do
    expect "$o" pptpctl "$c" --
  done
done
for o in $("$bin" --help | sed -n '/^Options:/,/^$/p' | grep -o -- '--[a-z-]*'); do
  expect "$o" pptpctl --
done
# Profile names: from $PPTPCTL_CONFIG_DIR, or --config-dir on the line.
dir=$(mktemp -d) && trap 'rm -rf "$dir"' EXIT
echo '{}' >"$dir/office.json" && echo '{}' >"$dir/home.json" && : >"$dir/office.secret"
PPTPCTL_CONFIG_DIR=$dir expect office pptpctl up ""
PPTPCTL_CONFIG_DIR=$dir expect home pptpctl down h
PPTPCTL_CONFIG_DIR=/nonexistent expect office pptpctl --config-dir "$dir" run o
offers pptpctl --config-dir "$dir" up office "" | grep -q . && fail "offers a second profile name after up's one"
PPTPCTL_CONFIG_DIR=$dir offers pptpctl up "" | grep -qx office.secret && fail "offers a file that is not a profile"
echo "completion: ok ($(echo $commands | wc -w) commands)"
BASH
