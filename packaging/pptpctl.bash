# bash completion for pptpctl(8): commands, options and profile names (the
# *.json files in the profile directory: --config-dir on the line, else
# $PPTPCTL_CONFIG_DIR, else /etc/pptpctl; none when it is not readable).

_pptpctl_profiles() {
  local dir=${PPTPCTL_CONFIG_DIR:-/etc/pptpctl} i f
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [ "${COMP_WORDS[i]}" = --config-dir ]; then
      # "--config-dir=DIR" arrives as three words: "=" is a word break.
      if [ "${COMP_WORDS[i + 1]}" = = ]; then dir=${COMP_WORDS[i + 2]}; else dir=${COMP_WORDS[i + 1]}; fi
    fi
  done
  for f in "$dir"/*.json; do
    [ -f "$f" ] || continue
    f=${f##*/}
    printf '%s\n' "${f%.json}"
  done
}

_pptpctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="up run down status list import" command="" opts="" nargs=0 i
  # Replies through $(...), not mapfile < <(...): process substitution
  # needs /dev/fd. Profile names, commands and options hold no spaces.
  # The first word that is neither an option nor --config-dir's value is the
  # command; count the positionals after it.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      --config-dir) [ "${COMP_WORDS[i + 1]}" = = ] && ((i++)); ((i++)) ;;
      -*) ;;
      *) if [ -z "$command" ]; then command=${COMP_WORDS[i]}; else ((nargs++)); fi ;;
    esac
  done
  if [ "$prev" = --config-dir ] || { [ "$prev" = = ] && [ "${COMP_WORDS[COMP_CWORD - 2]}" = --config-dir ]; }; then
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'  # a directory name may hold spaces
    COMPREPLY=($(compgen -d -- "$cur"))
    return 0
  fi
  case $command in
    "") opts="--config-dir --help --version" ;;
    up | run) opts="--debug --help" ;;
    status) opts="--json --help" ;;
    down | list) opts="--help" ;;
    import) opts="--name --secrets --help" ;;
    *) return 0 ;;
  esac
  # import takes files, not profile names.
  if [ "$command" = import ] && [[ $cur != -* ]] && [ "$prev" != --name ]; then
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -z "$command" ]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  elif [ "$nargs" = 0 ] && [ "$command" != list ]; then
    COMPREPLY=($(compgen -W "$(_pptpctl_profiles)" -- "$cur"))
  fi
  return 0
}

complete -F _pptpctl pptpctl
