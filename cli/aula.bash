# Bash completion for aula(1): the subcommands, each one's options, the
# values of the options that take a fixed set, and the kinds of file each
# command reads.  make install puts it where bash-completion looks
# (pkg-config's completionsdir, as completions/aula); tests/completion.sh
# checks it against every subcommand's --help.

# _aula_files EXT...: files with those extensions, and directories.
_aula_files()
{
	local ext
	for ext in "$@"; do
		compgen -f -X "!*.$ext" -- "$cur"
	done
	compgen -d -- "$cur"
}

_aula()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[1]} opt="" i
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		if [ "${cur#-}" != "$cur" ]; then
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "run debug as dis disk grade
				hub lab checkpoint" -- "$cur"))
		fi
		return
	fi
	# --opt=value: bash splits the word at '='.
	if [ "$cur" = "=" ]; then
		opt=$prev cur=""
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 3 ]; then
		opt=${COMP_WORDS[COMP_CWORD-2]}
	fi
	case $opt in
	--dump-regs|--stats) COMPREPLY=($(compgen -W "text json" -- "$cur"))
		return ;;
	--mmu) COMPREPLY=($(compgen -W "shadow nested" -- "$cur")); return ;;
	--on-brk) COMPREPLY=($(compgen -W "stop guest" -- "$cur")); return ;;
	--display) COMPREPLY=($(compgen -W "none sdl" -- "$cur")); return ;;
	--monitor) COMPREPLY=($(compgen -W "crash" -- "$cur")); return ;;
	--migrate-converge)
		COMPREPLY=($(compgen -W "throttle give-up" -- "$cur")); return ;;
	--migrate-report)
		COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
	--format)
		if [ "$cmd" = disk ]; then
			COMPREPLY=($(compgen -W "raw qcow2" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "image raw" -- "$cur"))
		fi
		return ;;
	esac

	local run_opts="--mem --max-insns --console-in --console-out
		--dump-regs --dump-regs= --dump-file --dump-mem --on-brk=
		--mmu= --realtime --stats --stats= --stats-file --display=
		--font --screenshot --nic --pcap --mac --disk --trace
		--trace-file --monitor --monitor= -I --include-dir -q --quiet
		--save-at --save-on-stop --restore --restore-changed-disks
		--record --replay --help"
	# Live migration: aula run only (the monitor does not go with it).
	local mig_opts="--migrate-to --migrate-at --migrate-bandwidth
		--migrate-max-rounds --migrate-threshold --migrate-converge=
		--migrate-report= --incoming"
	local opts="" kinds=""
	case $cmd in
	run) opts="$run_opts $mig_opts" kinds="s S asm img" ;;
	debug) opts="$run_opts -x --script --batch" kinds="s S asm img" ;;
	as) opts="-o --output -l --listing -z --compress -I --include-dir
		-s --strip --raw --format= --help"
		kinds="s S asm" ;;
	dis) opts="--raw --base --no-source --help" kinds="img bin" ;;
	disk) opts="-f --force --format --backing --cluster-size --repair
		--linked --full -h --help" kinds="img qcow2"
		if [ "$COMP_CWORD" -eq 2 ] && [ "${cur#-}" = "$cur" ]; then
			COMPREPLY=($(compgen -W "create info check map commit
				rollback clone convert" -- "$cur"))
			return
		fi ;;
	lab) opts="--time --report --dump-dir --check -I --include-dir -q
		--quiet --monitor -x --script --batch -h --help" kinds="lab" ;;
	grade) opts="-j --jobs --json --csv --junit --tap --shard --merge
		--csv-safe --cpu-limit --mem-limit --setup-each --recycle
		-h --help" kinds="t"
		for ((i = 2; i < COMP_CWORD; i++)); do
			# After --, the submissions; with --merge, reports.
			[ "${COMP_WORDS[i]}" = "--" ] && kinds="s S asm img"
			[ "${COMP_WORDS[i]}" = "--merge" ] && kinds="json"
		done ;;
	hub) opts="-v --verbose --max-clients -h --help" kinds="" ;;
	checkpoint) opts="-h --help" kinds="ck"
		if [ "$COMP_CWORD" -eq 2 ] && [ "${cur#-}" = "$cur" ]; then
			COMPREPLY=($(compgen -W "info" -- "$cur"))
			return
		fi ;;
	*) return ;;
	esac

	case $prev in
	--console-in|--console-out|--dump-file|--stats-file|--trace-file|\
	--pcap|--screenshot|--font|-o|--output|-l|--listing|--json|--csv|\
	--junit|-x|--script|--report|--backing|--save-on-stop|--restore|\
	--record|--replay)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-I|--include-dir|--dump-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--disk)
		COMPREPLY=($(_aula_files img qcow2))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "raw qcow2 image" -- "$cur"))
		return ;;
	--trace)
		# A comma-separated list: complete its last item with the
		# categories not yet in it.
		local done=${cur%"${cur##*,}"} left="" c
		for c in insn int mmu io; do
			case ",$done" in *",$c,"*) ;; *) left="$left $c" ;; esac
		done
		COMPREPLY=($(compgen -P "$done" -W "$left" -- "${cur##*,}"))
		return ;;
	--nic)
		COMPREPLY=($(compgen -W "none hub= pcap=" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return ;;
	--migrate-converge)
		COMPREPLY=($(compgen -W "throttle give-up" -- "$cur"))
		return ;;
	--migrate-report)
		COMPREPLY=($(compgen -W "text json" -- "$cur"))
		return ;;
	--migrate-to|--incoming)
		COMPREPLY=($(compgen -W "unix: tcp:127.0.0.1:" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return ;;
	--mem|--max-insns|--dump-mem|--mac|--jobs|-j|--shard|--base|\
	--cpu-limit|--mem-limit|--max-clients|--time|--cluster-size|\
	--migrate-at|--migrate-bandwidth|--migrate-max-rounds|\
	--migrate-threshold)
		return ;;
	esac
	if [ "${cur#-}" != "$cur" ]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		case ${COMPREPLY[*]} in *=) compopt -o nospace 2>/dev/null ;; esac
		return
	fi
	[ -n "$kinds" ] && COMPREPLY=($(_aula_files $kinds))
}
complete -F _aula aula
