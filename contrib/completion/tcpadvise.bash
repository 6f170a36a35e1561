# bash completion for tcpadvise(8): commands, the options each command
# accepts (as src/cli/main.c's command table declares them), their values,
# and profile names as `tcpadvise profiles` lists them when completing.
# Options may stand before or after the command, as tcpadvise allows.
# Needs nothing but bash itself (not the bash-completion package).

# _tcpadvise_profiles: the profile names and aliases that
# `tcpadvise profiles` finds (with the --root and --profile-path of the
# command line being completed, passed in _tcpadvise_search).
_tcpadvise_profiles()
{
	local names
	names=$(command tcpadvise "${_tcpadvise_search[@]}" profiles 2>/dev/null |
	    awk '/^[^ \t]/ { print $1 }
		/aliases:/ { sub(/.*aliases:/, ""); sub(/;.*/, ""); print }')
	printf '%s\n' $names
}

_tcpadvise()
{
	local cur prev cmd="" i w opts fmts
	local commands="apply check confirm explain export history lint profiles recommend rollback states"
	local global="--root --profile-path --kernel --memory --netns --all-netns --no-color --quiet --verbose --version --help"
	local witharg="--root|--profile-path|--kernel|--memory|--netns|--profile|--format|--fail-on|--file|--interval|--to|--confirm|--kubernetes-version"
	local -a _tcpadvise_search=()

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=""
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# COMP_WORDBREAKS splits --format=json into "--format" "=" "json".
	if [[ $cur == "=" ]]; then
		cur=""
	elif [[ $prev == "=" ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi

	# The command is the first word that is neither an option nor the
	# argument of one.
	i=1
	while ((i < COMP_CWORD)); do
		w=${COMP_WORDS[i]}
		case $w in
		--root | --profile-path)
			if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
				_tcpadvise_search+=("$w" "${COMP_WORDS[i + 2]}")
				((i += 2))
			else
				_tcpadvise_search+=("$w" "${COMP_WORDS[i + 1]}")
				((i += 1))
			fi
			;;
		--kernel | --memory | --netns | --profile | --format | --fail-on | --file | --interval | --to | \
		    --confirm | --kubernetes-version)
			if [[ ${COMP_WORDS[i + 1]} == "=" ]]; then
				((i += 2))
			else
				((i += 1))
			fi
			;;
		-*) ;;
		*)
			[[ -z $cmd ]] && cmd=$w
			;;
		esac
		((i++))
	done

	case $cmd in
	apply)
		opts="--profile --format --live-only --persist-only --dry-run --confirm --file --resolve --force"
		fmts="text json" ;;
	check)
		opts="--profile --format --fail-on --file"
		fmts="text json prometheus" ;;
	confirm | history | recommend)
		opts="--format"
		fmts="text json" ;;
	explain)
		opts="--profile"
		fmts="" ;;
	export)
		opts="--profile --format --kubernetes-version --file"
		fmts="kubernetes docker sysctl ansible" ;;
	lint)
		opts="--profile --format --fail-on --file"
		fmts="text json" ;;
	profiles)
		opts="--format"
		fmts="text json" ;;
	rollback)
		opts="--to --force --format --file"
		fmts="text json" ;;
	states)
		opts="--interval --format"
		fmts="text json prometheus" ;;
	*)
		opts=""
		fmts="text json prometheus" ;;
	esac

	if [[ $prev == @($witharg) ]]; then
		case $prev in
		--root | --profile-path)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -d -- "$cur")) ;;
		--file)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur")) ;;
		--format)
			COMPREPLY=($(compgen -W "$fmts" -- "$cur")) ;;
		--fail-on)
			COMPREPLY=($(compgen -W "info warning critical never" -- "$cur")) ;;
		--netns)
			# The names `ip netns add` made; a pid or a path also does.
			COMPREPLY=($(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur")) ;;
		--profile)
			# Profiles compose: nginx,bbr,hardening.
			local done=""
			[[ $cur == *,* ]] && done=${cur%,*},
			COMPREPLY=($(compgen -P "$done" -W "$(_tcpadvise_profiles)" -- "${cur##*,}")) ;;
		*)
			COMPREPLY=() ;;
		esac
		return 0
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$global $opts" -- "$cur"))
	elif [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
	elif [[ $cmd == profiles ]]; then
		COMPREPLY=($(compgen -W "$(_tcpadvise_profiles)" -- "$cur"))
	elif [[ $cmd == lint ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	return 0
}
complete -F _tcpadvise tcpadvise
