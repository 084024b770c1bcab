#!/bin/sh
# pptpctl(8) and the zsh completion name every command and option that
# `pptpctl --help` lists, so a new one cannot ship undocumented.
# Usage: man_covers_cli.sh PPTPCTL SOURCE_DIR
set -u
bin=$1 src=$2 man=$src/docs/man/pptpctl.8.scd zsh=$src/packaging/_pptpctl
status=0
options() { sed -n '/^Options:/,/^$/p' | grep -o -- '--[a-z-]*'; }
commands=$("$bin" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || { echo "man: pptpctl --help lists no commands" >&2; exit 1; }
for c in $commands; do
  grep -q "^\*$c\*" "$man" || { echo "man: pptpctl(8) has no entry for command $c (docs/man/pptpctl.8.scd)" >&2; status=1; }
  grep -q "'$c:" "$zsh" || { echo "man: the zsh completion does not offer command $c" >&2; status=1; }
  for o in $("$bin" "$c" --help | options); do
    grep -qE -- "^\*(-[a-z]\*, \*)?$o\*" "$man" || { echo "man: pptpctl(8) has no entry for option $o of $c" >&2; status=1; }
    grep -q -- "$o[[}]" "$zsh" || { echo "man: the zsh completion does not offer $c's option $o" >&2; status=1; }
  done
done
for o in $("$bin" --help | options); do
  grep -qE -- "^\*(-[a-z]\*, \*)?$o\*" "$man" || { echo "man: pptpctl(8) has no entry for option $o" >&2; status=1; }
  grep -q -- "$o[[}]" "$zsh" || { echo "man: the zsh completion does not offer option $o" >&2; status=1; }
done
[ $status = 0 ] && echo "man: pptpctl(8) and the zsh completion cover $(echo $commands | wc -w) commands and their options"
exit $status
