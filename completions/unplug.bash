# bash completion for unplug(1)                              -*- shell-script -*-
# Installed as share/bash-completion/completions/unplug; or source it.
# shellcheck disable=SC2207  # COMPREPLY=($(compgen ...)): the idiom of completions

_unplug_files()
{
    # $1: a glob the files offered must match; directories always are
    local cur=$2 IFS=$'\n'
    compopt -o filenames 2>/dev/null
    if [[ $1 == '*' ]]; then
        COMPREPLY+=($(compgen -f -- "$cur"))
    else
        COMPREPLY+=($(compgen -d -- "$cur"))
        COMPREPLY+=($(compgen -f -X "!$1" -- "$cur"))
    fi
}

_unplug()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="run validate list check merge replay explain predict help"

    # the command: the first word after "unplug" that is not an option
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-V --version --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return 0
    fi

    case $cmd in
        run)
            case $prev in
                -j|--jobs|--repeat|--retries)
                    COMPREPLY=($(compgen -W "1 2 4 8 16" -- "$cur"))
                    return 0 ;;
                -o|--out)
                    compopt -o filenames 2>/dev/null
                    local IFS=$'\n'
                    COMPREPLY=($(compgen -d -- "$cur"))
                    return 0 ;;
                --junit|--json)
                    _unplug_files '*' "$cur"     # a report to write: any name
                    return 0 ;;
                -k)
                    return 0 ;;     # a pattern: nothing to offer
                --shard)
                    COMPREPLY=($(compgen -W "1/2 2/2 1/3 2/3 3/3 1/4 2/4 3/4 4/4" -- "$cur"))
                    return 0 ;;
                --kernel)
                    compopt -o filenames 2>/dev/null
                    local IFS=$'\n'
                    COMPREPLY=($(compgen -d -- "$cur"))
                    return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "-o --out --junit --json -j --jobs
                    --repeat --retries --realtime -k --shard --fail-on-skip --no-exec --long --kernel -q --quiet
                    -v --verbose --help" -- "$cur"))
            else
                _unplug_files '*.yaml' "$cur"
            fi
            ;;
        validate)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--long --strict -v --verbose --help" -- "$cur"))
            else
                _unplug_files '*.yaml' "$cur"
            fi
            ;;
        list)
            [[ $prev == -k ]] && return 0
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "-k --help" -- "$cur"))
            else
                _unplug_files '*.yaml' "$cur"
            fi
            ;;
        check)
            COMPREPLY=($(compgen -W "--help" -- "$cur"))
            ;;
        merge)
            case $prev in
                --junit|--json)
                    _unplug_files '*' "$cur"     # a report to write: any name
                    return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--json --junit -q --help" -- "$cur"))
            else
                _unplug_files '*.json' "$cur"
            fi
            ;;
        replay)
            case $prev in
                --junit|--json)
                    _unplug_files '*' "$cur"     # a report to write: any name
                    return 0 ;;
                --scenario)
                    _unplug_files '*.yaml' "$cur"
                    return 0 ;;
                --host)
                    COMPREPLY=($(compgen -W "client= server=" -- "$cur"))
                    compopt -o nospace 2>/dev/null
                    return 0 ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--scenario --host --junit --json -q --quiet
                    -v --verbose --help" -- "$cur"))
            else
                _unplug_files '*.pcap*' "$cur"   # run directories, or captures
            fi
            ;;
        explain)
            [[ $prev == --conn || $prev == --max-connections ]] && return 0
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--json --ladder --segments --scenario --conn
                    --max-connections --help" -- "$cur"))
            else
                _unplug_files '*.pcap*' "$cur"
            fi
            ;;
        predict)
            case $prev in
                --keepalive|--retries2|--rtt|--rto|--rto-min|--rto-max|--user-timeout|\
                --syn-retries|--syn-linear|--kernel) return 0 ;;
                --model) COMPREPLY=($(compgen -W "keepalive retransmit connect" -- "$cur")); return 0 ;;
            esac
            COMPREPLY=($(compgen -W "--keepalive --retries2 --rtt --rto --rto-min --rto-max
                --no-tlp --user-timeout --syn-retries --syn-linear --kernel --model --json
                --help" -- "$cur"))
            ;;
        help)
            # one command name, once
            local n=0
            for ((i = i + 1; i < COMP_CWORD; i++)); do
                [[ ${COMP_WORDS[i]} == -* ]] || n=$((n + 1))
            done
            ((n == 0)) && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            ;;
    esac
    return 0
} &&
    complete -F _unplug unplug

# ex: filetype=sh
